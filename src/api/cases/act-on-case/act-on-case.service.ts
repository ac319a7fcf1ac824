/**
 * A human action on a case, by the logged-in user, checked in this order:
 * 1. the case exists and is inside the user's read scope, else 404 CASE.NOT_FOUND (a case the user
 *    may not see does not exist for them);
 * 2. the user's role may take this action type, else 403 AUTH.FORBIDDEN naming what it may take;
 * 3. the case is open, else 409 CASE.CLOSED;
 *    the days it names (visitedOn, returnedOn, issuedOn) are neither after today nor before the
 *    case was opened, else 400 REQUEST.VALIDATION_FAILED (action-dates.ts);
 * 4. a REASSIGN names an active account of the same town, else 400 ACTION.ASSIGNEE_UNKNOWN, whose
 *    role reads the case, else 400 ACTION.ASSIGNEE_OUT_OF_SCOPE (a task the holder cannot open
 *    would wait forever); the projection moves the case's open tasks to that user name;
 * 5. an APPROVE_REQUEST or REJECT_REQUEST comes from a role the request names (the policy's
 *    approverRoles, recorded with the request), else 403 APPROVAL.ROLE_NOT_ALLOWED, and from
 *    someone other than who asked (four eyes), else 403 APPROVAL.OWN_REQUEST;
 * then the engine decides (its refusals become 409/400 in the exception filter; the actions it
 * lists as possible are narrowed to the user's role). Refused requests never reach the engine.
 */
import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CaseQueries } from '../../../read-model/case-queries';
import { actorName, AuthUser, toAuthUser } from '../../auth/auth-user';
import { actionForbidden } from '../../auth/forbidden';
import { CaseScopeFacts, EXTENSION_APPROVER_ROLES, mayAct, mayApproveExtension, mayReadCase, visibleActions } from '../../../access/permissions';
import { ROLE_LABELS, isRole } from '../../../access/roles';
import { UserStore } from '../../auth/user-store';
import type { UserEntity } from '../../../read-model/entities';
import { ActionRefusedError, CASE_ENGINE, CaseEngine } from '../../case-engine.port';
import { ApiError } from '../../errors';
import { usernameInActor, type ActionType } from '../../../workflows/vocabulary';
import { ActionResultDto, CasePresenter } from '../case.views';
import { ActionRequest, toCaseAction } from './action.dtos';
import { actionDateProblems } from './action-dates';
import { validationFailed } from '../../validation/field-errors';
import { DataSource } from 'typeorm';
import { TOWNS } from '../../tokens';
import type { Towns } from '../../../read-model/town';
import { isAnswerOfReceivingTown, receivingPlace, receivingTownOf } from '../../../transfers/transfer-actions';

@Injectable()
export class ActOnCaseService {
  constructor(
    private readonly queries: CaseQueries,
    private readonly presenter: CasePresenter,
    private readonly users: UserStore,
    @Inject(CASE_ENGINE) private readonly engine: CaseEngine,
    @Inject(TOWNS) private readonly towns: Towns,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * `idempotencyKey` also becomes the Temporal update id: if Temporal applied the action but the
   * answer was lost (a 503), the client's retry with the same key gets the first result, not a second action.
   */
  async act(caseId: string, body: ActionRequest, user: AuthUser, idempotencyKey?: string): Promise<ActionResultDto> {
    const facts = await this.queries.accessFacts(caseId);
    // The receiving town of a pending transfer answers it (the case is not yet its own otherwise).
    const receiving = facts !== undefined && isAnswerOfReceivingTown(body.type, facts, user);
    if (!facts || (!receiving && !mayReadCase(user, facts))) throw new ApiError('CASE.NOT_FOUND', { details: { caseId } });
    if (!mayAct(user.role, body.type)) throw actionForbidden(user.role, body.type);
    if (!facts.open) throw new ApiError('CASE.CLOSED', { details: { caseId } });
    if (body.type === 'REQUEST_TRANSFER') body = { ...body, toTown: receivingTownOf(this.towns, body.toTown, user) };
    const dateProblems = actionDateProblems(body as unknown as Record<string, unknown>, facts.openedAt, new Date());
    if (dateProblems.length) throw validationFailed(dateProblems);
    if (body.type === 'REASSIGN') body = { ...body, assignee: await this.assigneeOf(body.assignee, user, facts) };
    if (body.type === 'APPROVE_REQUEST' || body.type === 'REJECT_REQUEST') await this.mayDecide(caseId, body.approvalId, user);
    const action = toCaseAction(body, actorName(user));
    if (action.type === 'EXTEND_DEADLINE') action.approver = actorName(await this.approver(action.approver, user));
    if (action.type === 'ADD_SUPPORT') action.owner = (await this.owner(action.owner, user)).username;
    let undoReceiving: (() => Promise<void>) | undefined;
    if (action.type === 'ACCEPT_TRANSFER' && receiving) {
      const place = await receivingPlace(this.dataSource, this.towns.get(user.town), action, facts.childId);
      action.receiving = place.receiving;
      undoReceiving = place.undo;
    }
    let result;
    try {
      const requestId = idempotencyKey && createHash('sha256').update(`${user.id}\n${idempotencyKey}`).digest('hex');
      result = await this.engine.act(caseId, action, { requestId });
    } catch (err) {
      // Only a refusal is certain to have written nothing; after a lost answer the case may already use the copy.
      if (err instanceof ActionRefusedError) await undoReceiving?.();
      if (err instanceof ActionRefusedError && Array.isArray(err.details?.allowedActions)) {
        throw new ActionRefusedError(err.type, err.message, {
          ...err.details,
          allowedActions: visibleActions(user.role, err.details.allowedActions as ActionType[]),
        });
      }
      throw err;
    }
    return {
      case: this.presenter.snapshotWithSupport(result.snapshot, user),
      events: result.events.map((e) => this.presenter.event(e)),
    };
  }

  /**
   * The approver of an extension is a named person who may approve: an active user of the same
   * town whose role is one of EXTENSION_APPROVER_ROLES. The timeline then shows them like an actor,
   * 显示名（用户名）.
   */
  private async approver(username: string, user: AuthUser): Promise<UserEntity> {
    const row = await this.activeUserOfTown(username, user);
    if (!row) throw new ApiError('ACTION.APPROVER_UNKNOWN', { details: { field: 'approver', value: username } });
    if (!mayApproveExtension(row.role)) {
      throw new ApiError('ACTION.APPROVER_NOT_ALLOWED', {
        details: {
          field: 'approver',
          value: username,
          role: row.role,
          approverRoles: EXTENSION_APPROVER_ROLES.map((role) => ({ role, label: ROLE_LABELS[role] })),
        },
      });
    }
    return row;
  }

  /**
   * Only the roles the request names decide it, and never the person who asked (a coordinator may
   * both ask and approve, but not their own request); an unknown request is left to the engine to
   * refuse (400, with the pending ones).
   */
  private async mayDecide(caseId: string, approvalId: string, user: AuthUser): Promise<void> {
    const request = await this.queries.approvalOfCase(caseId, approvalId);
    if (!request) return;
    if (usernameInActor(request.requestedBy) === user.username) {
      throw new ApiError('APPROVAL.OWN_REQUEST', { details: { approvalId, requestedBy: request.requestedBy } });
    }
    if (request.approverRoles.includes(user.role)) return;
    throw new ApiError('APPROVAL.ROLE_NOT_ALLOWED', {
      details: {
        approvalId,
        role: user.role,
        approverRoles: request.approverRoles.map((role) => ({ role, label: isRole(role) ? ROLE_LABELS[role] : { zh: role, en: role } })),
      },
    });
  }

  /** The owner of a support measure is an active user of the same town (any role: teachers, cadres, officers). */
  private async owner(username: string, user: AuthUser): Promise<UserEntity> {
    const row = await this.activeUserOfTown(username, user);
    if (!row) throw new ApiError('ACTION.OWNER_UNKNOWN', { details: { field: 'owner', value: username } });
    return row;
  }

  /** The assignee's user name as stored, if it is an active account of the user's town whose role reads the case. */
  private async assigneeOf(value: string, user: AuthUser, facts: CaseScopeFacts): Promise<string> {
    const found = await this.activeUserOfTown(value, user);
    const shown = value.slice(0, 60);
    if (!found) {
      throw new ApiError('ACTION.ASSIGNEE_UNKNOWN', {
        zh: `转交对象"${shown}"不是本镇的有效用户名`,
        en: `"${shown}" is not the user name of an active account of your town`,
        details: { field: 'assignee', value: shown },
      });
    }
    if (!mayReadCase(toAuthUser(found), facts)) {
      throw new ApiError('ACTION.ASSIGNEE_OUT_OF_SCOPE', {
        zh: `${found.displayName}（${found.username}）的岗位无权查看此案件，不能转交给他/她`,
        en: `${found.username}'s role cannot read this case, so the case cannot be reassigned to them`,
        details: { field: 'assignee', value: found.username, role: found.role },
      });
    }
    return found.username;
  }

  /** People named in an action (approver, owner, assignee) are active accounts of the actor's own town. */
  private async activeUserOfTown(username: string, user: AuthUser): Promise<UserEntity | undefined> {
    const row = await this.users.findByUsername(username);
    return row && row.active && row.town === user.town ? row : undefined;
  }
}
