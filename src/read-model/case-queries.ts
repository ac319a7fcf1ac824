/**
 * Reads of the read model: the case list (the ledger, 台账) with its filters, and one case with its
 * child and timeline. Plain class over a DataSource, so the API, the dashboard and tests share it.
 */
import type { DataSource } from 'typeorm';
import type { Stage } from '../workflows/vocabulary';
import { CaseEntity, CaseEventEntity, ChildEntity, GuardianEntity } from './entities';

export interface CaseListFilter {
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
  /** 1-based. */
  page?: number;
  pageSize?: number;
  /** The clock for "overdue" (default: now). */
  now?: Date;
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
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export class CaseQueries {
  constructor(private readonly dataSource: DataSource) {}

  /** Sorted by next deadline (soonest first, cases without one last), then by opening time. */
  async list(filter: CaseListFilter = {}): Promise<CaseListPage> {
    const page = Math.max(1, Math.trunc(filter.page ?? 1));
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(filter.pageSize ?? DEFAULT_PAGE_SIZE)));
    const q = this.dataSource
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.child', 'child');
    if (filter.area !== undefined) q.andWhere('c.area = :area', { area: filter.area });
    if (filter.school !== undefined) q.andWhere('c.school = :school', { school: filter.school });
    if (filter.stage !== undefined) q.andWhere('c.stage = :stage', { stage: filter.stage });
    if (filter.open !== undefined) q.andWhere('c.open = :open', { open: filter.open });
    if (filter.overdue !== undefined) {
      const overdue = 'c.next_deadline_at < :now AND c.open AND NOT c.paused';
      // "Not overdue" includes cases without a deadline: NULL < now is NULL, which IS TRUE turns into false.
      q.andWhere(filter.overdue ? `(${overdue})` : `NOT ((${overdue}) IS TRUE)`, { now: filter.now ?? new Date() });
    }
    q.orderBy('c.nextDeadlineAt', 'ASC', 'NULLS LAST')
      .addOrderBy('c.openedAt', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .limit(pageSize)
      .offset((page - 1) * pageSize);
    const [items, total] = await q.getManyAndCount();
    return { items, total, page, pageSize };
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
    const { guardians = [], ...child } = found.child;
    return { case: found, child: child as ChildEntity, guardians, events };
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
