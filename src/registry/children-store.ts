/**
 * The children's registry in PostgreSQL: one town's children, found by town and ID number. Writes
 * go in batches (one multi-row INSERT or UPDATE per batch, rows passed as one jsonb parameter), so
 * the API's single child and a 50,000-row import take the same path, and every row is decided by
 * the one write rule (src/access/child-writes.ts) on its record (locked, when it is to change). A row that equals the
 * record is not written at all: a second import of the same file changes nothing.
 */
import { DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { ChildOnFileFacts, ChildWriteRefusal, decideChildWrite } from '../access/child-writes';
import type { CaseScope, ScopedUser } from '../access/permissions';
import { ChildEntity, GuardianEntity } from '../read-model/entities';
import type { Stage } from '../workflows/vocabulary';
import { CHILD_FLAGS, ChildFlag, RegistryChildInput } from './child-rules';

/** Rows per statement: far below PostgreSQL's limits, large enough that 50,000 rows take 50 round trips. */
export const WRITE_BATCH = 1_000;

export interface ChildWriteResult {
  created: number;
  updated: number;
  unchanged: number;
  /** The child's id by ID number, for every row written or left unchanged (not the refused ones). */
  ids: Map<string, string>;
  /** Rows the write rule refused: nothing of them was written. */
  refused: ChildWriteRefused[];
}

/** The column of each flag of a child. */
export const FLAG_COLUMNS: Record<ChildFlag, string> = {
  isDisabled: 'is_disabled',
  hasDisabledParent: 'has_disabled_parent',
  isLeftBehind: 'is_left_behind',
  isRegisteredPoor: 'is_registered_poor',
  isOrphan: 'is_orphan',
  isUnattended: 'is_unattended',
  isInHardship: 'is_in_hardship',
  isMigrant: 'is_migrant',
  isCourtInvolved: 'is_court_involved',
};
const FLAG_SELECT = CHILD_FLAGS.map((flag) => `c.${FLAG_COLUMNS[flag]} AS "${flag}"`).join(', ');

export interface ChildListFilter {
  town: string;
  /** Only the children the user may read (permissions.childScope). */
  scope: CaseScope;
  area?: string;
  school?: string;
  grade?: number;
  /** Each flag given must hold (aid priorities and watch groups). */
  flags?: ChildFlag[];
  /** Look-up: a full ID number finds that child; any other text finds the names containing it. */
  q?: string;
  page?: number;
  pageSize?: number;
}

export interface ChildListPage {
  items: ChildEntity[];
  total: number;
  page: number;
  pageSize: number;
}

export const CHILD_DEFAULT_PAGE_SIZE = 20;
export const CHILD_MAX_PAGE_SIZE = 100;

type Db = DataSource | EntityManager;

/** A record of the town's registry, as the registry's input shape (guardians sorted), with its id and its open case. */
export interface ChildOnFile {
  id: string;
  record: RegistryChildInput;
  /** The child's open case (a child has at most one): the area and school it keeps, and its stage. */
  openCase: { id: string; area: string; school: string; stage: Stage } | null;
}

/**
 * The town's records of these ID numbers. With `lock`, inside a transaction, the rows are held
 * (FOR UPDATE, in ID-number order so that two writers lock in the same order) until it ends: a
 * decision taken on them still holds when the write happens.
 */
export async function findChildrenByIdNumber(db: Db, town: string, idNumbers: string[], options: { lock?: boolean } = {}): Promise<Map<string, ChildOnFile>> {
  const found = new Map<string, ChildOnFile>();
  const sorted = [...new Set(idNumbers)].sort();
  for (let i = 0; i < sorted.length; i += WRITE_BATCH * 5) {
    const rows: Array<RegistryChildInput & { id: string; openCase: ChildOnFile['openCase'] }> = await db.query(
      `SELECT c.id, c.name, c.id_number AS "idNumber", to_char(c.birth_date, 'YYYY-MM-DD') AS "birthDate", c.sex, c.school, c.grade,
              c.class_name AS "className", c.area, c.villager_group AS "villagerGroup", ${FLAG_SELECT},
              COALESCE((SELECT jsonb_agg(jsonb_build_object('name', g.name, 'phone', g.phone, 'relation', g.relation) ORDER BY g.name, g.phone, g.relation)
                          FROM guardians g WHERE g.child_id = c.id), '[]'::jsonb) AS guardians,
              (SELECT jsonb_build_object('id', k.id, 'area', k.area, 'school', k.school, 'stage', k.stage)
                 FROM cases k WHERE k.child_id = c.id AND k.open) AS "openCase"
         FROM children c
        WHERE c.town = $1 AND c.id_number = ANY($2::text[])
        ORDER BY c.id_number
        ${options.lock ? 'FOR UPDATE OF c' : ''}`,
      [town, sorted.slice(i, i + WRITE_BATCH * 5)],
    );
    for (const { id, openCase, ...record } of rows) found.set(record.idNumber, { id, record, openCase: openCase ?? null });
  }
  return found;
}

/** What the write rule needs of a record on file: the child's place and its open case's (which keeps its own area and school). */
export function onFileFacts(town: string, onFile: ChildOnFile): ChildOnFileFacts {
  const { area, school, grade, className } = onFile.record;
  const child = { town, area, school, grade, className };
  return { child, openCase: onFile.openCase ? { ...child, area: onFile.openCase.area, school: onFile.openCase.school, stage: onFile.openCase.stage } : null };
}

/** A row the write rule refused; `childId` when the ID number is on file (for the audit log, never for the answer). */
export interface ChildWriteRefused {
  idNumber: string;
  childId: string | null;
  refusal: ChildWriteRefusal;
}

/** Splits rows by the write rule (src/access/child-writes.ts) against their records on file. Without a writer (the command line) every row is admitted. */
export function admitChildren(
  writer: ScopedUser | undefined,
  town: string,
  rows: RegistryChildInput[],
  onFile: Map<string, ChildOnFile>,
): { admitted: RegistryChildInput[]; refused: ChildWriteRefused[] } {
  if (!writer) return { admitted: rows, refused: [] };
  const admitted: RegistryChildInput[] = [];
  const refused: ChildWriteRefused[] = [];
  for (const row of rows) {
    const found = onFile.get(row.idNumber);
    const decision = decideChildWrite(writer, 'REGISTRY', found ? onFileFacts(town, found) : null, { ...row, town });
    if (decision.allowed) admitted.push(row);
    else refused.push({ idNumber: row.idNumber, childId: found?.id ?? null, refusal: decision.refusal });
  }
  return { admitted, refused };
}

/** Whether a row says exactly what the record says (guardians in any order). */
export function sameChild(a: RegistryChildInput, b: RegistryChildInput): boolean {
  const scalar = ['name', 'idNumber', 'birthDate', 'sex', 'school', 'grade', 'className', 'area', 'villagerGroup', ...CHILD_FLAGS] as const;
  if (scalar.some((key) => (a[key] ?? null) !== (b[key] ?? null))) return false;
  const key = (g: { name: string; phone: string; relation: string }) => `${g.name}\u0000${g.phone}\u0000${g.relation}`;
  const ga = a.guardians.map(key).sort();
  const gb = b.guardians.map(key).sort();
  return ga.length === gb.length && ga.every((g, i) => g === gb[i]);
}

export interface SaveChildrenOptions {
  /** Whose write it is: each row is decided by the write rule on its locked record. Absent: the command line, which writes any row. */
  writer?: ScopedUser;
  onProgress?: (done: number) => void;
}

/**
 * Registers new children and brings changed ones up to date (guardians replaced), in the caller's
 * transaction; rows equal to their record are left alone, rows the write rule refuses are not
 * written and come back in `refused`. Rows must have distinct ID numbers.
 *
 * A record to be changed is decided on again once it is locked (FOR UPDATE), so the decision still
 * holds when the write happens; rows that write nothing (equal or refused) lock nothing. New ID
 * numbers are inserted with ON CONFLICT DO NOTHING, so a child registered by someone else in the
 * meantime is never overwritten: its row goes round again and is decided like the others.
 */
export async function saveChildren(manager: EntityManager, town: string, rows: RegistryChildInput[], options: SaveChildrenOptions = {}): Promise<ChildWriteResult> {
  const result: ChildWriteResult = { created: 0, updated: 0, unchanged: 0, ids: new Map(), refused: [] };
  const progress = () => options.onProgress?.(result.unchanged + result.created + result.updated + result.refused.length);
  const settle = (sorted: SortedRows) => {
    result.refused.push(...sorted.refused);
    for (const { id, child } of sorted.unchanged) result.ids.set(child.idNumber, id);
    result.unchanged += sorted.unchanged.length;
  };
  let pending = rows;
  for (let round = 1; pending.length > 0; round++) {
    // A row that lost its insert to a committed registration is found on the next round; a third is never needed.
    if (round > 3) throw new Error(`saveChildren: ${pending.length} rows neither inserted nor found after ${round - 1} rounds`);
    const first = sortRows(options.writer, town, pending, await findChildrenByIdNumber(manager, town, pending.map((r) => r.idNumber)));
    settle(first);
    const toChange = first.update.map((u) => u.child);
    const locked = sortRows(options.writer, town, toChange, await findChildrenByIdNumber(manager, town, toChange.map((r) => r.idNumber), { lock: true }));
    settle(locked);
    const toInsert = [...first.insert, ...locked.insert];
    const lost: RegistryChildInput[] = [];
    for (let i = 0; i < toInsert.length; i += WRITE_BATCH) {
      const batch = toInsert.slice(i, i + WRITE_BATCH);
      const inserted: Array<{ id: string; id_number: string }> = await manager.query(INSERT_CHILDREN, [town, JSON.stringify(batch.map(toRecord))]);
      const byIdNumber = new Map(inserted.map((r) => [r.id_number, r.id]));
      const written = batch.filter((child) => byIdNumber.has(child.idNumber));
      lost.push(...batch.filter((child) => !byIdNumber.has(child.idNumber)));
      result.created += written.length;
      await writeGuardians(manager, written.map((child) => ({ id: byIdNumber.get(child.idNumber)!, child })), result.ids);
      progress();
    }
    for (let i = 0; i < locked.update.length; i += WRITE_BATCH) {
      const batch = locked.update.slice(i, i + WRITE_BATCH);
      await manager.query(UPDATE_CHILDREN, [town, JSON.stringify(batch.map(({ id, child }) => ({ id, ...toRecord(child) })))]);
      result.updated += batch.length;
      await writeGuardians(manager, batch, result.ids);
      progress();
    }
    pending = lost;
  }
  options.onProgress?.(rows.length);
  return result;
}

interface SortedRows {
  refused: ChildWriteRefused[];
  insert: RegistryChildInput[];
  unchanged: Array<{ id: string; child: RegistryChildInput }>;
  update: Array<{ id: string; child: RegistryChildInput }>;
}

/** Each row by the rule and against its record: refused, new, equal, or to be changed. */
function sortRows(writer: ScopedUser | undefined, town: string, rows: RegistryChildInput[], onFile: Map<string, ChildOnFile>): SortedRows {
  const sorted: SortedRows = { refused: [], insert: [], unchanged: [], update: [] };
  const { admitted, refused } = admitChildren(writer, town, rows, onFile);
  sorted.refused = refused;
  for (const child of admitted) {
    const found = onFile.get(child.idNumber);
    if (!found) sorted.insert.push(child);
    else if (sameChild(found.record, child)) sorted.unchanged.push({ id: found.id, child });
    else sorted.update.push({ id: found.id, child });
  }
  return sorted;
}

/** Replaces the guardians of children just written, and notes their ids. */
async function writeGuardians(manager: EntityManager, written: Array<{ id: string; child: RegistryChildInput }>, ids: Map<string, string>): Promise<void> {
  if (written.length === 0) return;
  for (const { id, child } of written) ids.set(child.idNumber, id);
  await manager.query(`DELETE FROM guardians WHERE child_id = ANY($1::uuid[])`, [written.map((w) => w.id)]);
  const guardians = written.flatMap(({ id, child }) => child.guardians.map((g) => ({ child_id: id, ...g })));
  await manager.query(
    `INSERT INTO guardians (child_id, name, phone, relation)
     SELECT g.child_id, g.name, g.phone, g.relation FROM jsonb_to_recordset($1::jsonb) AS g(child_id uuid, name text, phone text, relation text)`,
    [JSON.stringify(guardians)],
  );
}

function toRecord(c: RegistryChildInput) {
  return {
    name: c.name,
    id_number: c.idNumber,
    birth_date: c.birthDate,
    sex: c.sex,
    school: c.school,
    grade: c.grade,
    class_name: c.className,
    area: c.area,
    villager_group: c.villagerGroup,
    ...Object.fromEntries(CHILD_FLAGS.map((flag) => [FLAG_COLUMNS[flag], c[flag]])),
  };
}

const FLAG_COLUMN_LIST = CHILD_FLAGS.map((flag) => FLAG_COLUMNS[flag]);
const RECORD_COLUMNS = `name text, id_number text, birth_date date, sex text, school text, grade integer, class_name text, area text,
         villager_group text, ${FLAG_COLUMN_LIST.map((c) => `${c} boolean`).join(', ')}`;

// DO NOTHING, never DO UPDATE: a row registered meanwhile by another transaction was not decided on.
const INSERT_CHILDREN = `
  INSERT INTO children (town, name, id_number, birth_date, sex, school, grade, class_name, area, villager_group, ${FLAG_COLUMN_LIST.join(', ')})
  SELECT $1, r.name, r.id_number, r.birth_date, r.sex, r.school, r.grade, r.class_name, r.area, r.villager_group, ${FLAG_COLUMN_LIST.map((c) => `r.${c}`).join(', ')}
    FROM jsonb_to_recordset($2::jsonb) AS r(${RECORD_COLUMNS})
  ON CONFLICT (town, id_number) DO NOTHING
  RETURNING id, id_number`;

// By id, on rows this transaction holds locked (findChildrenByIdNumber with lock).
const UPDATE_CHILDREN = `
  UPDATE children c SET
    name = r.name, birth_date = r.birth_date, sex = r.sex, school = r.school, grade = r.grade, class_name = r.class_name,
    area = r.area, villager_group = r.villager_group, ${FLAG_COLUMN_LIST.map((c) => `${c} = r.${c}`).join(', ')}, updated_at = now()
    FROM jsonb_to_recordset($2::jsonb) AS r(id uuid, ${RECORD_COLUMNS})
   WHERE c.id = r.id AND c.town = $1`;

/** One child of the town with its guardians; undefined if the town has no such child. */
export async function getChild(db: Db, town: string, id: string): Promise<{ child: ChildEntity; guardians: GuardianEntity[] } | undefined> {
  const child = await db.getRepository(ChildEntity).findOne({ where: { id, town }, relations: { guardians: true } });
  if (!child) return undefined;
  const { guardians = [], ...rest } = child;
  return { child: rest as ChildEntity, guardians };
}

/** The open case of each child, if any (a child has at most one). */
export async function openCaseIds(db: Db, childIds: string[]): Promise<Map<string, string>> {
  if (childIds.length === 0) return new Map();
  const rows: Array<{ id: string; child_id: string }> = await db.query(`SELECT id, child_id FROM cases WHERE open AND child_id = ANY($1::uuid[])`, [childIds]);
  return new Map(rows.map((r) => [r.child_id, r.id]));
}

/** Priority children first (any flag), then by school, grade, class and name. */
export async function listChildren(db: Db, filter: ChildListFilter): Promise<ChildListPage> {
  const page = Math.max(1, Math.trunc(filter.page ?? 1));
  const pageSize = Math.min(CHILD_MAX_PAGE_SIZE, Math.max(1, Math.trunc(filter.pageSize ?? CHILD_DEFAULT_PAGE_SIZE)));
  const q = db.getRepository(ChildEntity).createQueryBuilder('child').where('child.town = :town', { town: filter.town });
  applyChildScope(q, filter.scope);
  if (filter.area !== undefined) q.andWhere('child.area = :area', { area: filter.area });
  if (filter.school !== undefined) q.andWhere('child.school = :school', { school: filter.school });
  if (filter.grade !== undefined) q.andWhere('child.grade = :grade', { grade: filter.grade });
  for (const flag of filter.flags ?? []) q.andWhere(`child.${FLAG_COLUMNS[flag]}`);
  const text = filter.q?.trim();
  if (text) {
    if (/^\d{17}[\dXx]$/.test(text)) q.andWhere('child.id_number = :idNumber', { idNumber: text.toUpperCase() });
    else q.andWhere(`child.name LIKE :name ESCAPE '\\'`, { name: `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
  }
  q.orderBy(`(child.is_disabled OR child.has_disabled_parent OR child.is_left_behind OR child.is_registered_poor)`, 'DESC')
    .addOrderBy('child.school')
    .addOrderBy('child.grade')
    .addOrderBy('child.class_name')
    .addOrderBy('child.name')
    .addOrderBy('child.id')
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const [items, total] = await q.getManyAndCount();
  // Guardians in a second query: joined, they would multiply the rows that LIMIT counts.
  const guardians = items.length === 0 ? [] : await db.getRepository(GuardianEntity).find({ where: { childId: In(items.map((c) => c.id)) } });
  for (const child of items) child.guardians = guardians.filter((g) => g.childId === child.id);
  return { items, total, page, pageSize };
}


/** The child-side twin of case-queries' scope (a child has no stage: STAGES reads none). */
function applyChildScope(q: SelectQueryBuilder<ChildEntity>, scope: CaseScope): void {
  switch (scope.kind) {
    case 'ALL':
      return;
    case 'AREA':
      q.andWhere('child.area = :scopeArea', { scopeArea: scope.area });
      return;
    case 'SCHOOL':
      q.andWhere('child.school = :scopeSchool', { scopeSchool: scope.school });
      return;
    case 'CLASS':
      q.andWhere('child.school = :scopeSchool AND child.grade = :scopeGrade AND child.class_name = :scopeClass', {
        scopeSchool: scope.school,
        scopeGrade: scope.grade,
        scopeClass: scope.className,
      });
      return;
    case 'NONE':
    case 'STAGES':
      q.andWhere('false');
      return;
  }
}
