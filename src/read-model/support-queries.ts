/**
 * Reads of the support measures (帮扶措施) in the read model: the education-aid list, with the
 * notice's priority groups first (残疾儿童、残疾人子女、留守儿童优先资助), then registered poor
 * households, then by due date.
 */
import type { DataSource } from 'typeorm';
import type { CaseScope } from '../access/permissions';
import type { Stage, SupportOutcome } from '../workflows/vocabulary';
import { applyScope } from './case-queries';
import { CaseEntity, SupportMeasureEntity } from './entities';

export interface EducationAidFilter {
  /** PENDING (default) lists the aid still to decide; undefined with `all` lists every outcome. */
  outcome?: SupportOutcome;
  /** The user's town: a list is always one town's. */
  town: string;
  scope: CaseScope;
  page?: number;
  pageSize?: number;
}

export interface EducationAidRow {
  measure: SupportMeasureEntity;
  caseId: string;
  stage: Stage;
  area: string;
  school: string;
  child: { id: string; name: string; grade: number; className: string; isDisabled: boolean; hasDisabledParent: boolean; isLeftBehind: boolean; isRegisteredPoor: boolean };
}

/** The notice's priority groups: one of these flags puts a child first. */
export const PRIORITY_SQL = '(child.is_disabled OR child.has_disabled_parent OR child.is_left_behind)';

export class SupportQueries {
  constructor(private readonly dataSource: DataSource) {}

  async educationAid(filter: EducationAidFilter): Promise<{ items: EducationAidRow[]; total: number; page: number; pageSize: number }> {
    const page = Math.max(1, Math.trunc(filter.page ?? 1));
    const pageSize = Math.min(100, Math.max(1, Math.trunc(filter.pageSize ?? 20)));
    const q = this.dataSource
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      .innerJoin('c.child', 'child')
      .innerJoin(SupportMeasureEntity, 'sm', 'sm.case_id = c.id')
      .where(`sm.measure = 'EDUCATION_AID'`)
      .andWhere('sm.town = :town', { town: filter.town });
    applyScope(q, filter.scope);
    if (filter.outcome !== undefined) q.andWhere('sm.outcome = :outcome', { outcome: filter.outcome });
    const total = await q.getCount();
    const raw: Array<Record<string, unknown>> = await q
      .select(['sm.*', 'c.stage AS case_stage', 'c.area AS case_area', 'c.school AS case_school'])
      .addSelect(['child.id AS child_id', 'child.name AS child_name', 'child.grade AS child_grade', 'child.class_name AS child_class_name'])
      .addSelect(['child.is_disabled AS child_is_disabled', 'child.has_disabled_parent AS child_has_disabled_parent'])
      .addSelect(['child.is_left_behind AS child_is_left_behind', 'child.is_registered_poor AS child_is_registered_poor'])
      .addSelect(PRIORITY_SQL, 'priority')
      .orderBy('priority', 'DESC')
      .addOrderBy('child.is_registered_poor', 'DESC')
      .addOrderBy('sm.due_at', 'ASC', 'NULLS LAST')
      .addOrderBy('sm.added_at', 'ASC')
      .addOrderBy('sm.id', 'ASC')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .getRawMany();
    const items = raw.map((r) => ({
      measure: this.dataSource.getRepository(SupportMeasureEntity).create({
        id: r.id as string,
        caseId: r.case_id as string,
        town: r.town as string,
        measure: r.measure as SupportMeasureEntity['measure'],
        owner: r.owner as string | null,
        dueAt: r.due_at as Date | null,
        outcome: r.outcome as SupportOutcome,
        addedAt: r.added_at as Date,
        addedBy: r.added_by as string,
        decidedAt: r.decided_at as Date | null,
        decidedBy: r.decided_by as string | null,
        note: r.note as string | null,
        updatedSeq: r.updated_seq as number,
      }),
      caseId: r.case_id as string,
      stage: r.case_stage as Stage,
      area: r.case_area as string,
      school: r.case_school as string,
      child: {
        id: r.child_id as string,
        name: r.child_name as string,
        grade: r.child_grade as number,
        className: r.child_class_name as string,
        isDisabled: r.child_is_disabled as boolean,
        hasDisabledParent: r.child_has_disabled_parent as boolean,
        isLeftBehind: r.child_is_left_behind as boolean,
        isRegisteredPoor: r.child_is_registered_poor as boolean,
      },
    }));
    return { items, total, page, pageSize };
  }
}
