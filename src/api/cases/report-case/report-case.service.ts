/**
 * Reporting a suspected dropout (立案):
 * 1. check the body against the town (area, school, grades) and the ID number (birth date, sex);
 * 2. in one transaction, register the child or find it by town and ID number (or by childId), let
 *    the write rule decide on it (src/access/child-writes.ts: the reported values and the record on
 *    file, with its open case, inside the user's scope) and insert the case row (HOME_VISIT, open,
 *    last_seq 0); the partial unique index refuses a second open case → 409 CASE.ALREADY_OPEN;
 * 3. start the case's workflow; if that fails, delete the case row again and answer 503.
 *
 * A child on file outside the user's scope answers the neutral 409 CHILD.HANDLED_ELSEWHERE (by a
 * childId the user cannot read: 404, as an unknown id): never its differing fields, nor whether it
 * has an open case.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CaseQueries } from '../../../read-model/case-queries';
import { ChildInput, ChildRecordDiffersError, ChildWriteRefusedError, OpenCaseExistsError, OpenCaseInOtherTownError } from '../../../read-model/case-intake';
import { openInOtherTownError } from '../../../transfers/open-elsewhere';
import { CaseStartFailedError, openAndStartCase } from '../../../registry/open-case';
import { ChildEntity } from '../../../read-model/entities';
import { Town, Towns } from '../../../read-model/town';
import type { RefusedWrite } from '../../audit/refused-writes';
import { CASE_ENGINE, CaseEngine } from '../../case-engine.port';
import { actorName, AuthUser } from '../../auth/auth-user';
import { reportForbidden, reportOutOfScope } from '../../auth/forbidden';
import { mayReadCase, mayReadChild, mayReportAtAll } from '../../../access/permissions';
import { ApiError } from '../../errors';
import { CLOCK, Clock, TOWNS } from '../../tokens';
import { handledElsewhereError } from '../../children/handled-elsewhere';
import { resolveArea, resolveSchool } from '../../town-codes';
import { validationFailed } from '../../validation/field-errors';
import { checkChild } from '../../../registry/child-rules';
import { ageExceptionNote, ageFitsGradeProblems } from '../../../registry/age-rules';
import { CaseDetailDto, CasePresenter } from '../case.views';
import { ReportCaseRequestDto, ReportedChildDto } from './report-case.request.dto';

@Injectable()
export class ReportCaseService {
  private readonly logger = new Logger(ReportCaseService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly queries: CaseQueries,
    private readonly presenter: CasePresenter,
    @Inject(CASE_ENGINE) private readonly engine: CaseEngine,
    @Inject(TOWNS) private readonly towns: Towns,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  /** `caseId`: the id a retryable request (Idempotency-Key) gives its case; else a new one. */
  async report(request: ReportCaseRequestDto, user: AuthUser, refused: RefusedWrite[], caseId?: string): Promise<CaseDetailDto> {
    if (!mayReportAtAll(user.role)) throw reportForbidden(user.role);
    const actor = actorName(user);
    if (request.child !== undefined && request.childId !== undefined) {
      throw validationFailed([
        {
          field: 'childId',
          constraint: 'eitherChildOrChildId',
          message: 'child 与 childId 只能填写一个',
          messageEn: 'give either child or childId, not both',
        },
      ]);
    }
    const town = this.towns.get(user.town);
    const child = request.child ? this.checkChild(town, request.child) : { childId: request.childId! };
    // A stated age exception (送教上门, late enrolment ...) is recorded in the opening note, where the case's timeline keeps it.
    const exception = request.child?.ageException;
    const note = exception ? [ageExceptionNote(exception), request.note].filter(Boolean).join('\n') : request.note;

    let row;
    try {
      row = await openAndStartCase(
        { dataSource: this.dataSource, engine: this.engine },
        { town: town.code, child, cause: request.cause, note, openedBy: actor, reporter: user, ...(caseId ? { caseId } : {}) },
      );
    } catch (err) {
      if (err instanceof ChildWriteRefusedError) throw await this.refusal(town, user, err, 'childId' in child, refused);
      if (err instanceof CaseStartFailedError) {
        this.logger.error(`could not start case ${err.caseId}${err.cleanupFailed ? '; its row could not be removed' : '; its row was removed'}`, String((err.cause as Error)?.stack ?? err.cause));
        throw new ApiError('ENGINE.UNAVAILABLE', {
          // The start may have reached the engine: a retry with the same Idempotency-Key finds that case.
          zh: '案件流程引擎未及时应答，立案未确认，请稍后重新提交（使用同一 Idempotency-Key 不会重复立案）',
          en: 'The case engine did not answer in time; the case is not confirmed as opened. Submit it again later (with the same Idempotency-Key it is never opened twice)',
        });
      }
      // Past the write rule: the child is the user's, so the answers below may name fields and the case.
      if (err instanceof ChildRecordDiffersError) {
        throw new ApiError('CHILD.DIFFERS_FROM_REGISTRY', {
          zh: `该儿童已在本镇儿童名册中，以下信息与名册不一致：${err.fields.join('、')}；请先更正名册（PATCH /api/children/:id），或按 childId 报告`,
          en: `The child is on the town's registry with another ${err.fields.join(', ')}; correct the registry first (PATCH /api/children/:id), or report by childId`,
          details: { fields: err.fields },
        });
      }
      if (err instanceof OpenCaseInOtherTownError) throw openInOtherTownError(this.towns, err.town);
      if (err instanceof OpenCaseExistsError) {
        const open = await this.queries.accessFacts(err.openCaseId);
        if (!open || !mayReadCase(user, open)) {
          // Opened by another unit after the rule decided: the same neutral answer as the rule's.
          refused.push({ childId: err.childId, reason: 'RECORD_OUTSIDE_SCOPE', code: 'CHILD.HANDLED_ELSEWHERE' });
          throw handledElsewhereError(town);
        }
        throw new ApiError('CASE.ALREADY_OPEN', {
          zh: `该儿童已有未结案件（一人一案），案件编号 ${err.openCaseId}，请在原案件中继续办理`,
          en: `The child already has an open case ${err.openCaseId} (one child, one case); continue in that case`,
          details: { openCaseId: err.openCaseId, childId: err.childId },
        });
      }
      throw err;
    }

    const detail = await this.queries.get(row.id);
    if (!detail) throw new Error(`case ${row.id} vanished after it was opened`);
    return this.presenter.detail(detail, user);
  }

  /** The answer to a report the write rule refused; a refusal that concerns a child on file is noted for the audit log. */
  private async refusal(town: Town, user: AuthUser, err: ChildWriteRefusedError, byChildId: boolean, refused: RefusedWrite[]): Promise<ApiError> {
    let answer: ApiError;
    if (err.refusal === 'NOT_PERMITTED') answer = reportForbidden(user.role);
    else if (err.refusal === 'VALUES_OUTSIDE_SCOPE') answer = reportOutOfScope(user.role);
    else if (byChildId && !(await this.readsChild(user, err.childId!))) {
      // A childId the user cannot read does not exist for them, as an unknown id would not.
      answer = new ApiError('CHILD.NOT_FOUND', { details: { childId: err.childId } });
    } else answer = handledElsewhereError(town);
    if (err.childId) refused.push({ childId: err.childId, reason: err.refusal, code: answer.code });
    return answer;
  }

  private async readsChild(user: AuthUser, childId: string): Promise<boolean> {
    const child = await this.dataSource
      .getRepository(ChildEntity)
      .findOne({ where: { id: childId, town: user.town }, select: { id: true, town: true, area: true, school: true, grade: true, className: true } });
    return child !== null && mayReadChild(user, child);
  }

  /** Town codes for area and school (or 400 AREA/SCHOOL.UNKNOWN), then the registry's rules (src/registry/child-rules.ts). */
  private checkChild(town: Town, child: ReportedChildDto): ChildInput {
    resolveArea(town, child.area, 'child.area');
    resolveSchool(town, child.school, 'child.school');
    const checked = checkChild(town, child, 'child.');
    if (!checked.child) throw validationFailed(checked.problems);
    const ageProblems = ageFitsGradeProblems(checked.child.birthDate, checked.child.grade, child.ageException, this.now(), 'child.');
    if (ageProblems.length > 0) throw validationFailed(ageProblems);
    const { name, idNumber, birthDate, sex, school, grade, className, area, guardians } = checked.child;
    return { name, idNumber, birthDate, sex, school, grade, className, area, guardians };
  }
}
