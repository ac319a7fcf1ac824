/**
 * Writing a reported case: the child (found by town and ID number, so a re-report reuses the row) and the
 * first case row, in one transaction. "One child, at most one open case" is the partial unique
 * index cases_one_open_case_per_child: of two concurrent reports exactly one commits.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { Cause } from '../workflows/vocabulary';
import { CaseEntity } from './entities';

export interface GuardianInput {
  name: string;
  phone: string;
  relation: string;
}

export interface ChildInput {
  name: string;
  idNumber: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: 'M' | 'F';
  school: string;
  grade: number;
  className: string;
  area: string;
  guardians: GuardianInput[];
}

export interface OpenCaseInput {
  caseId: string;
  /** The reporting user's town: the case's and the child's. */
  town: string;
  /** A new or re-reported child (upserted by ID number), or the id of a child already on file. */
  child: ChildInput | { childId: string };
  cause: Cause;
  note?: string;
  openedAt: string;
  openedBy: string;
}

export class OpenCaseExistsError extends Error {
  constructor(
    readonly childId: string,
    readonly openCaseId: string,
  ) {
    super(`child ${childId} already has an open case ${openCaseId}`);
    this.name = 'OpenCaseExistsError';
  }
}

export class ChildNotFoundError extends Error {
  constructor(readonly childId: string) {
    super(`no child ${childId}`);
    this.name = 'ChildNotFoundError';
  }
}

export const ONE_OPEN_CASE_INDEX = 'cases_one_open_case_per_child';

/** Writes the child and the case row (stage HOME_VISIT, open, last_seq 0) and returns the case row. */
export async function openCaseRecord(dataSource: DataSource, input: OpenCaseInput): Promise<CaseEntity> {
  // Two rounds at most: if the open case that blocked us closed in between, the second round succeeds.
  for (let round = 1; ; round++) {
    let childId: string | undefined = 'childId' in input.child ? input.child.childId : undefined;
    try {
      return await dataSource.transaction(async (manager) => {
        const child =
          'childId' in input.child ? await findChildPlace(manager, input.town, input.child.childId) : await upsertChild(manager, input.town, input.child);
        childId = child.id;
        await manager.query(
          `INSERT INTO cases (id, town, child_id, cause, area, school, stage, open, paused, opened_at, opened_by, stage_entered_at, last_seq, note)
           VALUES ($1, $9, $2, $3, $4, $5, 'HOME_VISIT', true, false, $6, $7, $6, 0, $8)`,
          [input.caseId, child.id, input.cause, child.area, child.school, input.openedAt, input.openedBy, input.note ?? null, input.town],
        );
        return manager.findOneOrFail(CaseEntity, { where: { id: input.caseId }, relations: { child: true } });
      });
    } catch (err) {
      if (!childId || !isUniqueViolation(err, ONE_OPEN_CASE_INDEX)) throw err;
      const open = await findOpenCaseId(dataSource, childId);
      if (open) throw new OpenCaseExistsError(childId, open);
      if (round >= 2) throw err;
    }
  }
}

async function upsertChild(manager: EntityManager, town: string, child: ChildInput): Promise<{ id: string; area: string; school: string }> {
  const rows: Array<{ id: string; area: string; school: string }> = await manager.query(
    `INSERT INTO children (town, name, id_number, birth_date, sex, school, grade, class_name, area)
     VALUES ($9, $1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (town, id_number) DO UPDATE SET
       name = EXCLUDED.name, birth_date = EXCLUDED.birth_date, sex = EXCLUDED.sex, school = EXCLUDED.school,
       grade = EXCLUDED.grade, class_name = EXCLUDED.class_name, area = EXCLUDED.area, updated_at = now()
     RETURNING id, area, school`,
    [child.name, child.idNumber, child.birthDate, child.sex, child.school, child.grade, child.className, child.area, town],
  );
  const { id } = rows[0];
  // The latest report is the best knowledge of who the guardians are.
  if (child.guardians.length > 0) {
    await manager.query(`DELETE FROM guardians WHERE child_id = $1`, [id]);
    await manager.query(
      `INSERT INTO guardians (child_id, name, phone, relation)
       SELECT $1, g.name, g.phone, g.relation FROM jsonb_to_recordset($2::jsonb) AS g(name text, phone text, relation text)`,
      [id, JSON.stringify(child.guardians)],
    );
  }
  return rows[0];
}

async function findChildPlace(manager: EntityManager, town: string, childId: string): Promise<{ id: string; area: string; school: string }> {
  const rows: Array<{ id: string; area: string; school: string }> = await manager.query(
    `SELECT id, area, school FROM children WHERE id = $1 AND town = $2`,
    [childId, town],
  );
  if (rows.length === 0) throw new ChildNotFoundError(childId);
  return rows[0];
}

export async function findOpenCaseId(db: DataSource | EntityManager, childId: string): Promise<string | undefined> {
  const rows: Array<{ id: string }> = await db.query(`SELECT id FROM cases WHERE child_id = $1 AND open`, [childId]);
  return rows[0]?.id;
}

/**
 * Compensation when the workflow could not be started: removes the case row the report wrote,
 * but only while nothing was projected into it (last_seq 0). Returns whether a row was removed.
 */
export async function deleteUnstartedCase(dataSource: DataSource, caseId: string): Promise<boolean> {
  // For DELETE, TypeORM's postgres driver answers [rows, affectedCount].
  const [, affected] = (await dataSource.query(`DELETE FROM cases WHERE id = $1 AND last_seq = 0`, [caseId])) as [unknown[], number];
  return affected > 0;
}

/** Whether a database error is a unique violation (23505), optionally of the named constraint or index. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } } | null;
  const code = e?.driverError?.code ?? e?.code;
  const name = e?.driverError?.constraint ?? e?.constraint;
  return code === '23505' && (constraint === undefined || name === constraint);
}
