/**
 * The children's registry over HTTP: register, list, read, correct. Every child is of the user's
 * town; a role reads the children of its read scope (a stage-scoped role reads none) and, if its
 * row says WRITE, registers and corrects them there (src/access/permissions.ts). A child outside
 * the scope answers 404 like an unknown id; an ID number on file outside it, or a child whose open
 * case is another unit's, answers the neutral 409 CHILD.HANDLED_ELSEWHERE (the write rule,
 * src/access/child-writes.ts, decided inside the writing transaction). Lists mask ID numbers and phones for everybody; the
 * detail shows them to the roles whose row says fullIdentity, as for cases.
 */
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ChildEntity, GuardianEntity } from '../../read-model/entities';
import { Town, Towns } from '../../read-model/town';
import { checkChild, CHILD_FLAG_LABELS, CHILD_FLAGS, ChildFlag, RawChild, RegistryChildInput } from '../../registry/child-rules';
import { ChildWriteRefused, getChild, listChildren, openCaseIds, saveChildren } from '../../registry/children-store';
import type { RefusedWrite } from '../audit/refused-writes';
import type { AuthUser } from '../auth/auth-user';
import { childScope, childScopeLabel, mayReadChild, registryAccess, seesFullIdentity } from '../../access/permissions';
import { ROLE_LABELS } from '../../access/roles';
import { CasePresenter } from '../cases/case.views';
import { ApiError } from '../errors';
import { handledElsewhereError } from './handled-elsewhere';
import { TOWNS } from '../tokens';
import { resolveArea, resolveSchool } from '../town-codes';
import { validationFailed } from '../validation/field-errors';
import { ChildPageDto, ChildRecordDto, ListChildrenQueryDto, RegisterChildRequestDto, UpdateChildRequestDto } from './children.dtos';

@Injectable()
export class ChildrenService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cases: CasePresenter,
    @Inject(TOWNS) private readonly towns: Towns,
  ) {}

  async register(body: RegisterChildRequestDto, user: AuthUser, refused: RefusedWrite[]): Promise<ChildRecordDto> {
    const town = this.towns.get(user.town);
    this.requireWrite(user);
    const child = this.check(town, body);
    const id = await this.dataSource.transaction(async (manager) => {
      const written = await saveChildren(manager, town.code, [child], { writer: user });
      if (written.refused.length > 0) throw this.refusal(town, user, written.refused[0], refused);
      // On file already, inside the user's scope: saveChildren left or corrected it; the throw rolls that back.
      if (written.created !== 1) throw alreadyRegistered(written.ids.get(child.idNumber)!);
      return written.ids.get(child.idNumber)!;
    });
    return this.read(id, user);
  }

  async list(query: ListChildrenQueryDto, user: AuthUser): Promise<ChildPageDto> {
    const town = this.towns.get(user.town);
    if (registryAccess(user.role) === 'NONE') throw forbidden(user);
    const page = await listChildren(this.dataSource, {
      town: town.code,
      scope: childScope(user),
      area: query.area === undefined ? undefined : resolveArea(town, query.area, 'area').code,
      school: query.school === undefined ? undefined : resolveSchool(town, query.school, 'school').code,
      grade: query.grade,
      flags: query.flags,
      q: query.q,
      page: query.page,
      pageSize: query.pageSize,
    });
    const open = await openCaseIds(this.dataSource, page.items.map((c) => c.id));
    // A list is for finding a child: masked for every role, like the case list.
    return { ...page, items: page.items.map((c) => this.present(c, c.guardians ?? [], true, open.get(c.id) ?? null)) };
  }

  async read(id: string, user: AuthUser): Promise<ChildRecordDto> {
    const found = await this.find(id, user);
    const open = await openCaseIds(this.dataSource, [id]);
    return this.present(found.child, found.guardians, !seesFullIdentity(user.role), open.get(id) ?? null);
  }

  async update(id: string, body: UpdateChildRequestDto, user: AuthUser, refused: RefusedWrite[]): Promise<ChildRecordDto> {
    const town = this.towns.get(user.town);
    this.requireWrite(user);
    const { child: before, guardians } = await this.find(id, user, refused);
    const merged: RawChild = {
      name: before.name,
      idNumber: before.idNumber,
      school: before.school,
      grade: before.grade,
      className: before.className,
      area: before.area,
      villagerGroup: before.villagerGroup,
      guardians: guardians.map(({ name, phone, relation }) => ({ name, phone, relation })),
      ...flagsOf(before),
      ...definedOnly(body),
    };
    const after = this.check(town, merged);
    // The rule decides on the record as it is now, locked (both the record and the new values must be the user's).
    await this.dataSource.transaction(async (manager) => {
      const written = await saveChildren(manager, town.code, [after], { writer: user });
      if (written.refused.length > 0) throw this.refusal(town, user, written.refused[0], refused);
    });
    return this.read(id, user);
  }

  /** The answer to a refused write; a refusal that concerns a child on file is noted for the audit log. */
  private refusal(town: Town, user: AuthUser, refusal: ChildWriteRefused, refused: RefusedWrite[]): ApiError {
    const answer = refusal.refusal === 'NOT_PERMITTED' ? forbidden(user) : refusal.refusal === 'VALUES_OUTSIDE_SCOPE' ? outOfScope(user) : handledElsewhereError(town);
    if (refusal.childId) refused.push({ childId: refusal.childId, reason: refusal.refusal, code: answer.code });
    return answer;
  }

  /**
   * The child of the user's town inside its read scope, or 404 (outside the scope it does not exist
   * for the user). For a write (`refused` given), a child on file outside the scope is noted as a refused write.
   */
  private async find(id: string, user: AuthUser, refused?: RefusedWrite[]): Promise<{ child: ChildEntity; guardians: GuardianEntity[] }> {
    if (registryAccess(user.role) === 'NONE') throw forbidden(user);
    const found = await getChild(this.dataSource, user.town, id);
    if (!found || !mayReadChild(user, found.child)) {
      if (found && refused) refused.push({ childId: found.child.id, reason: 'RECORD_OUTSIDE_SCOPE', code: 'CHILD.NOT_FOUND' });
      throw new ApiError('CHILD.NOT_FOUND', { details: { childId: id } });
    }
    return found;
  }

  private requireWrite(user: AuthUser): void {
    if (registryAccess(user.role) !== 'WRITE') throw forbidden(user);
  }

  /** Unknown area or school: the same 400s as a report; every other rule of src/registry/child-rules.ts as field errors. */
  private check(town: Town, raw: RawChild): RegistryChildInput {
    if (typeof raw.area === 'string') resolveArea(town, raw.area, 'area');
    if (typeof raw.school === 'string') resolveSchool(town, raw.school, 'school');
    const checked = checkChild(town, raw);
    if (!checked.child) throw validationFailed(checked.problems);
    return checked.child;
  }

  private present(c: ChildEntity, guardians: GuardianEntity[], masked: boolean, openCaseId: string | null): ChildRecordDto {
    return {
      ...this.cases.child(c, guardians, masked),
      town: c.town,
      villagerGroup: c.villagerGroup,
      ...flagsOf(c),
      flagLabels: CHILD_FLAGS.filter((flag) => c[flag]).map((flag) => CHILD_FLAG_LABELS[flag]),
      openCaseId,
      updatedAt: (c.updatedAt instanceof Date ? c.updatedAt : new Date(c.updatedAt)).toISOString(),
    };
  }
}

/** Inside the user's scope: the record is theirs to correct, so the answer names it. */
function alreadyRegistered(childId: string): ApiError {
  return new ApiError('CHILD.ALREADY_REGISTERED', {
    zh: `该身份证号码已在本镇儿童名册中（儿童编号 ${childId}），请更正原记录`,
    en: `The ID number is already on the town's registry (child ${childId}); correct that record`,
    details: { childId },
  });
}

function definedOnly<T extends object>(body: T): Partial<T> {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function forbidden(user: AuthUser): ApiError {
  const label = ROLE_LABELS[user.role];
  const access = registryAccess(user.role);
  return new ApiError('AUTH.FORBIDDEN', {
    zh: access === 'READ' ? `您的岗位（${label.zh}）只能查看儿童名册，不能登记或更正` : `您的岗位（${label.zh}）不使用儿童名册`,
    en: access === 'READ' ? `Your role (${label.en}) reads the children's registry but does not change it` : `Your role (${label.en}) has no access to the children's registry`,
    details: { role: user.role, registry: access },
  });
}

function outOfScope(user: AuthUser): ApiError {
  const scope = childScopeLabel(user.role);
  return new ApiError('AUTH.FORBIDDEN', {
    zh: `您只能登记、更正${scope.zh}`,
    en: `You may register and correct only ${scope.en}`,
    details: { role: user.role, scope },
  });
}

/** Every flag of a child (aid priorities and watch groups). */
function flagsOf(c: ChildEntity): Record<ChildFlag, boolean> {
  return Object.fromEntries(CHILD_FLAGS.map((flag) => [flag, c[flag]])) as Record<ChildFlag, boolean>;
}
