/**
 * Reads of the read model: the case list (the ledger, 台账) with its filters, and one case with its
 * child and timeline. Plain class over a DataSource, so the API, the dashboard and tests share it.
 */
import type { ApprovalView } from '../workflows/approvals';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import type { CaseScope, CaseScopeFacts } from '../access/permissions';
import type { Stage } from '../workflows/vocabulary';
import { CaseEntity, CaseEventEntity, ChildEntity, GuardianEntity, SupportMeasureEntity } from './entities';

export interface CaseListFilter {
  /** Town code: a list is always one town's. */
  town: string;
  /** Area code. */
  area?: string;
  /** School code. */
  school?: string;
  stage?: Stage;
  /**
   * true: only cases whose next deadline has passed (open, not paused);
   * false: only cases that are not overdue; undefined: both.
   */
  overdue?: boolean;
  /** true: open cases only; false: ended cases only; undefined: both. */
  open?: boolean;
  /** One child's cases (the registry's child page). */
  childId?: string;
  /** 1-based. */
  page?: number;
  pageSize?: number;
  /** The clock for "overdue" (default: now). */
  now?: Date;
  /**
   * Only the cases a user may read (src/access/permissions.ts), applied in SQL before paging,
   * so totals and pages count only those. Undefined: all cases.
   */
  scope?: CaseScope;
}

/** What the permission check needs to know about one case, and whether it is open. */
export interface CaseAccessFacts extends CaseScopeFacts {
  id: string;
  childId: string;
  open: boolean;
  /** When the case was opened (dates of its steps cannot be earlier). */
  openedAt: Date;
  /** The town asked to take the case over, while it has not answered (src/transfers). */
  transferPendingTo: string | null;
}

export interface CaseListPage {
  /** Each with `child` loaded. */
  items: CaseEntity[];
  total: number;
  page: number;
  pageSize: number;
}

export interface CaseDetail {
  case: CaseEntity;
  child: ChildEntity;
  guardians: GuardianEntity[];
  /** The timeline, in seq order. */
  events: CaseEventEntity[];
  /** Support measures, in the order added. */
  supportMeasures: SupportMeasureEntity[];
  /** Requests for approval, in the order made. */
  approvals: ApprovalView[];
}

/** Times of a request as ISO instants (JSON gives them with the session's offset). */
function isoTimes(a: ApprovalView): ApprovalView {
  const at = (v: string | undefined | null) => (v ? new Date(v).toISOString() : undefined);
  return { ...a, requestedAt: at(a.requestedAt)!, newDueAt: at(a.newDueAt), remindAt: at(a.remindAt), decidedAt: at(a.decidedAt), decidedBy: a.decidedBy ?? undefined, comment: a.comment ?? undefined };
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export class CaseQueries {
  constructor(private readonly dataSource: DataSource) {}

  /** Sorted by next deadline (soonest first, cases without one last), then by opening time. */
  async list(filter: CaseListFilter): Promise<CaseListPage> {
    const page = Math.max(1, Math.trunc(filter.page ?? 1));
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(filter.pageSize ?? DEFAULT_PAGE_SIZE)));
    const items = await this.filtered(filter, true)
      .orderBy('c.nextDeadlineAt', 'ASC', 'NULLS LAST')
      .addOrderBy('c.openedAt', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .getMany();
    // The total is a plain COUNT(*) over cases, joined to children only when the scope reads the
    // child's class: TypeORM's getManyAndCount counts DISTINCT ids over the join, which took 3.4 s
    // at 1,000,000 cases (npm run bench: GET /api/cases p50 2,392 ms before, see README Performance).
    const counted = await this.filtered(filter, filter.scope?.kind === 'CLASS').select('COUNT(*)', 'total').getRawOne<{ total: string }>();
    return { items, total: Number(counted?.total ?? 0), page, pageSize };
  }

  /** The list's filters on cases `c`, with the child joined (and selected, for the page) or not at all. */
  private filtered(filter: CaseListFilter, withChild: boolean): SelectQueryBuilder<CaseEntity> {
    const q = this.dataSource.getRepository(CaseEntity).createQueryBuilder('c');
    if (withChild) q.innerJoinAndSelect('c.child', 'child');
    q.where('c.town = :town', { town: filter.town });
    if (filter.scope !== undefined) applyScope(q, filter.scope);
    if (filter.area !== undefined) q.andWhere('c.area = :area', { area: filter.area });
    if (filter.school !== undefined) q.andWhere('c.school = :school', { school: filter.school });
    if (filter.stage !== undefined) q.andWhere('c.stage = :stage', { stage: filter.stage });
    if (filter.open !== undefined) q.andWhere('c.open = :open', { open: filter.open });
    if (filter.childId !== undefined) q.andWhere('c.child_id = :childId', { childId: filter.childId });
    if (filter.overdue !== undefined) {
      const overdue = 'c.next_deadline_at < :now AND c.open AND NOT c.paused';
      // "Not overdue" includes cases without a deadline: NULL < now is NULL, which IS TRUE turns into false.
      q.andWhere(filter.overdue ? `(${overdue})` : `NOT ((${overdue}) IS TRUE)`, { now: filter.now ?? new Date() });
    }
    return q;
  }

  async get(caseId: string): Promise<CaseDetail | undefined> {
    const found = await this.dataSource.getRepository(CaseEntity).findOne({
      where: { id: caseId },
      relations: { child: { guardians: true } },
    });
    if (!found || !found.child) return undefined;
    const events = await this.dataSource.getRepository(CaseEventEntity).find({
      where: { caseId },
      order: { seq: 'ASC' },
    });
    const supportMeasures = await this.dataSource.getRepository(SupportMeasureEntity).find({ where: { caseId }, order: { addedAt: 'ASC', id: 'ASC' } });
    const approvals: ApprovalView[] = await this.dataSource.query(
      `SELECT id, decision, status, reason, requested_by AS "requestedBy", to_json(requested_at) #>> '{}' AS "requestedAt", approver_roles AS "approverRoles",
              to_json(new_due_at) #>> '{}' AS "newDueAt", to_json(remind_at) #>> '{}' AS "remindAt", decided_by AS "decidedBy",
              to_json(decided_at) #>> '{}' AS "decidedAt", comment, updated_seq AS "updatedSeq"
         FROM case_approvals WHERE case_id = $1 ORDER BY requested_at, id`,
      [caseId],
    );
    const { guardians = [], ...child } = found.child;
    return { case: found, child: child as ChildEntity, guardians, events, supportMeasures, approvals: approvals.map(isoTimes) };
  }

  /** Town, area, school, stage, the child's grade and class, open: what decides who may read and act on the case. */
  async accessFacts(caseId: string): Promise<CaseAccessFacts | undefined> {
    const rows: Array<{ id: string; child_id: string; town: string; area: string; school: string; stage: Stage; open: boolean; opened_at: Date; grade: number; class_name: string; transfer_pending_to: string | null }> =
      await this.dataSource.query(
        `SELECT c.id, c.child_id, c.town, c.area, c.school, c.stage, c.open, c.opened_at, ch.grade, ch.class_name, c.transfer_pending_to
           FROM cases c JOIN children ch ON ch.id = c.child_id
          WHERE c.id = $1`,
        [caseId],
      );
    const row = rows[0];
    if (!row) return undefined;
    return {
      id: row.id,
      childId: row.child_id,
      town: row.town,
      area: row.area,
      school: row.school,
      stage: row.stage,
      open: row.open,
      openedAt: new Date(row.opened_at),
      grade: row.grade,
      className: row.class_name,
      transferPendingTo: row.transfer_pending_to,
    };
  }

  /** A request for approval of the case (case_approvals): who may decide it and whether it still waits. */
  async approvalOfCase(caseId: string, approvalId: string): Promise<{ approverRoles: string[]; status: string; requestedBy: string } | undefined> {
    const rows: Array<{ approver_roles: string[]; status: string; requested_by: string }> = await this.dataSource.query(
      `SELECT approver_roles, status, requested_by FROM case_approvals WHERE case_id = $1 AND id = $2`,
      [caseId, approvalId],
    );
    return rows[0] && { approverRoles: rows[0].approver_roles, status: rows[0].status, requestedBy: rows[0].requested_by };
  }

  async exists(caseId: string): Promise<boolean> {
    return this.dataSource.getRepository(CaseEntity).exists({ where: { id: caseId } });
  }

  /** Whether the case row says the case has ended (undefined: no such case). */
  async isOpen(caseId: string): Promise<boolean | undefined> {
    const row = await this.dataSource.getRepository(CaseEntity).findOne({ where: { id: caseId }, select: { id: true, open: true } });
    return row?.open;
  }
}

/** The SQL twin of `inCaseScope` (src/access/permissions.ts); `c` is the case, `child` the joined children row. */
export function applyScope(q: SelectQueryBuilder<CaseEntity>, scope: CaseScope): void {
  switch (scope.kind) {
    case 'ALL':
      return;
    case 'NONE':
      q.andWhere('false');
      return;
    case 'AREA':
      q.andWhere('c.area = :scopeArea', { scopeArea: scope.area });
      return;
    case 'SCHOOL':
      q.andWhere('c.school = :scopeSchool', { scopeSchool: scope.school });
      return;
    case 'CLASS':
      q.andWhere('c.school = :scopeSchool AND child.grade = :scopeGrade AND child.class_name = :scopeClass', {
        scopeSchool: scope.school,
        scopeGrade: scope.grade,
        scopeClass: scope.className,
      });
      return;
    case 'STAGES':
      q.andWhere('c.stage IN (:...scopeStages)', { scopeStages: [...scope.stages] });
      return;
  }
}
