/**
 * Writing a reported case: the child and the first case row, in one transaction. A child reported
 * inline is registered when its ID number is new to the town; when it is already on the town's
 * registry, the case opens on that record and the report changes nothing in it: if the reported
 * name, school, grade, class or area differ from the record, the report is refused
 * (ChildRecordDiffersError) rather than silently overwriting or ignoring them; the registry is
 * corrected through PATCH /api/children/:id or an import, and the case reported by `childId`. "One child, at most one open case" is the partial unique
 * index cases_one_open_case_per_child: of two concurrent reports exactly one commits.
 *
 * A report by a user (`reporter`) is decided by the one write rule (src/access/child-writes.ts) in
 * the transaction that writes, on the child's record held FOR SHARE (nobody moves it meanwhile):
 * a child on file outside the reporter's scope, or with an open case outside it, is refused
 * (ChildWriteRefusedError) before its fields or its case are compared.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { ChildOnFileFacts, ChildWriteRefusal, decideChildWrite } from '../access/child-writes';
import type { ScopedUser } from '../access/permissions';
import type { Cause, Stage } from '../workflows/vocabulary';
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
  /** The user who reports: the write rule decides on the child. Absent for the system's own openings (the demo town, tests). */
  reporter?: ScopedUser;
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

/**
 * The child (by national ID number) has an open case in another town of the deployment: one child,
 * one open case, whichever town reports it. `town` is the code of the town that holds it.
 */
export class OpenCaseInOtherTownError extends OpenCaseExistsError {
  constructor(
    childId: string,
    openCaseId: string,
    readonly town: string,
  ) {
    super(childId, openCaseId);
    this.name = 'OpenCaseInOtherTownError';
  }
}

export class ChildNotFoundError extends Error {
  constructor(readonly childId: string) {
    super(`no child ${childId}`);
    this.name = 'ChildNotFoundError';
  }
}

/** An inline child whose ID number is on the town's registry with other details. */
export class ChildRecordDiffersError extends Error {
  constructor(
    readonly childId: string,
    /** The fields that differ (names only: the record is not shown here). */
    readonly fields: string[],
  ) {
    super(`child ${childId} is on the registry with a different ${fields.join(', ')}`);
    this.name = 'ChildRecordDiffersError';
  }
}

/** The write rule refused the report; `childId` when the child is on file (for the audit log, never for the answer). */
export class ChildWriteRefusedError extends Error {
  constructor(
    readonly refusal: ChildWriteRefusal,
    readonly childId: string | null,
  ) {
    super(`the report is refused: ${refusal}`);
    this.name = 'ChildWriteRefusedError';
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
          'childId' in input.child
            ? await findChildPlace(manager, input.town, input.child.childId, input.reporter)
            : await registerOrFindChild(manager, input.town, input.child, input.reporter);
        childId = child.id;
        await refuseIfOpenInAnotherTown(manager, child.id, input.town);
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

/**
 * Each town keeps its own registry, so the same child (one national ID number) can be on two towns'
 * books; the partial unique index sees one town's record only. This spans the deployment: under a
 * transaction lock on the ID number (two towns reporting the child at once are serialised), an open
 * case of another town's record of the child refuses the report.
 */
async function refuseIfOpenInAnotherTown(manager: EntityManager, childId: string, town: string): Promise<void> {
  const [child]: Array<{ id_number: string }> = await manager.query(`SELECT id_number FROM children WHERE id = $1`, [childId]);
  if (!child) return;
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('baoxue-child:' || $1, 0))`, [child.id_number]);
  const [open]: Array<{ id: string; town: string }> = await manager.query(
    `SELECT c.id, c.town FROM cases c JOIN children ch ON ch.id = c.child_id WHERE c.open AND ch.id_number = $1 AND c.town <> $2 ORDER BY c.opened_at LIMIT 1`,
    [child.id_number, town],
  );
  if (open) throw new OpenCaseInOtherTownError(childId, open.id, open.town);
}

/** The fields an inline report must agree on with the registry's record (birth date and sex come from the ID number). */
const RECORD_FIELDS = ['name', 'school', 'grade', 'className', 'area'] as const;

async function registerOrFindChild(manager: EntityManager, town: string, child: ChildInput, reporter: ScopedUser | undefined): Promise<{ id: string; area: string; school: string }> {
  // What the reporter typed first: refusing it tells nothing about the registry.
  if (reporter) decide(reporter, null, { ...child, town }, null);
  const inserted: Array<{ id: string; area: string; school: string }> = await manager.query(
    `INSERT INTO children (town, name, id_number, birth_date, sex, school, grade, class_name, area)
     VALUES ($9, $1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (town, id_number) DO NOTHING
     RETURNING id, area, school`,
    [child.name, child.idNumber, child.birthDate, child.sex, child.school, child.grade, child.className, child.area, town],
  );
  if (inserted.length === 0) {
    const onFile = (await lockChildOnFile(manager, town, { idNumber: child.idNumber }))!;
    if (reporter) decide(reporter, onFile.facts, { ...child, town }, onFile.id);
    const differing = RECORD_FIELDS.filter((field) => onFile[field] !== child[field]);
    if (differing.length > 0) {
      // One child, one case comes first: a child with an open case is answered as such, whatever was typed.
      if (onFile.openCaseId) throw new OpenCaseExistsError(onFile.id, onFile.openCaseId);
      throw new ChildRecordDiffersError(onFile.id, differing);
    }
    return onFile;
  }
  await manager.query(
    `INSERT INTO guardians (child_id, name, phone, relation)
     SELECT $1, g.name, g.phone, g.relation FROM jsonb_to_recordset($2::jsonb) AS g(name text, phone text, relation text)`,
    [inserted[0].id, JSON.stringify(child.guardians)],
  );
  return inserted[0];
}

async function findChildPlace(manager: EntityManager, town: string, childId: string, reporter: ScopedUser | undefined): Promise<{ id: string; area: string; school: string }> {
  const onFile = await lockChildOnFile(manager, town, { id: childId });
  if (!onFile) throw new ChildNotFoundError(childId);
  if (reporter) decide(reporter, onFile.facts, null, onFile.id);
  return onFile;
}

function decide(reporter: ScopedUser, onFile: ChildOnFileFacts | null, proposed: ChildOnFileFacts['child'] | null, childId: string | null): void {
  const decision = decideChildWrite(reporter, 'REPORT', onFile, proposed);
  if (!decision.allowed) throw new ChildWriteRefusedError(decision.refusal, childId);
}

interface LockedChild {
  id: string;
  name: string;
  school: string;
  grade: number;
  className: string;
  area: string;
  openCaseId: string | null;
  facts: ChildOnFileFacts;
}

/** The child's record, held FOR SHARE until the transaction ends (a correction waits), with its open case's place. */
async function lockChildOnFile(manager: EntityManager, town: string, by: { id: string } | { idNumber: string }): Promise<LockedChild | undefined> {
  const [row]: Array<Omit<LockedChild, 'facts' | 'openCaseId'> & { openCase: { id: string; area: string; school: string; stage: Stage } | null }> = await manager.query(
    `SELECT c.id, c.name, c.school, c.grade, c.class_name AS "className", c.area,
            (SELECT jsonb_build_object('id', k.id, 'area', k.area, 'school', k.school, 'stage', k.stage) FROM cases k WHERE k.child_id = c.id AND k.open) AS "openCase"
       FROM children c
      WHERE c.town = $1 AND ${'id' in by ? 'c.id = $2' : 'c.id_number = $2'}
      FOR SHARE OF c`,
    [town, 'id' in by ? by.id : by.idNumber],
  );
  if (!row) return undefined;
  const { openCase, ...child } = row;
  const place = { town, area: child.area, school: child.school, grade: child.grade, className: child.className };
  return {
    ...child,
    openCaseId: openCase?.id ?? null,
    facts: { child: place, openCase: openCase ? { ...place, area: openCase.area, school: openCase.school, stage: openCase.stage } : null },
  };
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
