/**
 * The children's registry in PostgreSQL: one town's children, found by town and ID number. Writes
 * go in batches (one multi-row INSERT ... ON CONFLICT per batch, rows passed as one jsonb
 * parameter), so the API's single child and a 50,000-row import take the same path. A row that
 * equals the record is not written at all: a second import of the same file changes nothing.
 */
import { DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import type { CaseScope } from '../access/permissions';
import { ChildEntity, GuardianEntity } from '../read-model/entities';
import { PRIORITY_FLAGS, PriorityFlag, RegistryChildInput } from './child-rules';

/** Rows per statement: far below PostgreSQL's limits, large enough that 50,000 rows take 50 round trips. */
export const WRITE_BATCH = 1_000;

export interface ChildWriteResult {
  created: number;
  updated: number;
  unchanged: number;
  /** The child's id by ID number, for every row given. */
  ids: Map<string, string>;
}

export interface ChildListFilter {
  town: string;
  /** Only the children the user may read (permissions.childScope). */
  scope: CaseScope;
  area?: string;
  school?: string;
  grade?: number;
  /** Each flag given must hold. */
  flags?: PriorityFlag[];
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

/** The town's records of these ID numbers, as the registry's input shape (guardians sorted), with their ids. */
export async function findChildrenByIdNumber(db: Db, town: string, idNumbers: string[]): Promise<Map<string, { id: string; record: RegistryChildInput }>> {
  const found = new Map<string, { id: string; record: RegistryChildInput }>();
  for (let i = 0; i < idNumbers.length; i += WRITE_BATCH * 5) {
    const rows: Array<RegistryChildInput & { id: string }> = await db.query(
      `SELECT c.id, c.name, c.id_number AS "idNumber", to_char(c.birth_date, 'YYYY-MM-DD') AS "birthDate", c.sex, c.school, c.grade,
              c.class_name AS "className", c.area, c.villager_group AS "villagerGroup", c.is_disabled AS "isDisabled",
              c.has_disabled_parent AS "hasDisabledParent", c.is_left_behind AS "isLeftBehind", c.is_registered_poor AS "isRegisteredPoor",
              COALESCE((SELECT jsonb_agg(jsonb_build_object('name', g.name, 'phone', g.phone, 'relation', g.relation) ORDER BY g.name, g.phone, g.relation)
                          FROM guardians g WHERE g.child_id = c.id), '[]'::jsonb) AS guardians
         FROM children c
        WHERE c.town = $1 AND c.id_number = ANY($2::text[])`,
      [town, idNumbers.slice(i, i + WRITE_BATCH * 5)],
    );
    for (const { id, ...record } of rows) found.set(record.idNumber, { id, record });
  }
  return found;
}

/** Whether a row says exactly what the record says (guardians in any order). */
export function sameChild(a: RegistryChildInput, b: RegistryChildInput): boolean {
  const scalar = ['name', 'idNumber', 'birthDate', 'sex', 'school', 'grade', 'className', 'area', 'villagerGroup', ...PRIORITY_FLAGS] as const;
  if (scalar.some((key) => (a[key] ?? null) !== (b[key] ?? null))) return false;
  const key = (g: { name: string; phone: string; relation: string }) => `${g.name}\u0000${g.phone}\u0000${g.relation}`;
  const ga = a.guardians.map(key).sort();
  const gb = b.guardians.map(key).sort();
  return ga.length === gb.length && ga.every((g, i) => g === gb[i]);
}

/**
 * Registers new children and brings changed ones up to date (guardians replaced), in the caller's
 * transaction; rows equal to their record are left alone. Rows must have distinct ID numbers.
 */
export async function saveChildren(
  manager: EntityManager,
  town: string,
  rows: RegistryChildInput[],
  onProgress?: (done: number) => void,
): Promise<ChildWriteResult> {
  const existing = await findChildrenByIdNumber(manager, town, rows.map((r) => r.idNumber));
  const ids = new Map<string, string>();
  const toWrite: RegistryChildInput[] = [];
  let unchanged = 0;
  for (const row of rows) {
    const onFile = existing.get(row.idNumber);
    if (onFile && sameChild(onFile.record, row)) {
      unchanged++;
      ids.set(row.idNumber, onFile.id);
    } else toWrite.push(row);
  }
  let created = 0;
  let updated = 0;
  for (let i = 0; i < toWrite.length; i += WRITE_BATCH) {
    const batch = toWrite.slice(i, i + WRITE_BATCH);
    const written: Array<{ id: string; id_number: string; created: boolean }> = await manager.query(UPSERT_CHILDREN, [town, JSON.stringify(batch.map(toRecord))]);
    for (const row of written) {
      ids.set(row.id_number, row.id);
      if (row.created) created++;
      else updated++;
    }
    const childIds = written.map((w) => w.id);
    await manager.query(`DELETE FROM guardians WHERE child_id = ANY($1::uuid[])`, [childIds]);
    const guardians = batch.flatMap((child) => child.guardians.map((g) => ({ child_id: ids.get(child.idNumber), ...g })));
    await manager.query(
      `INSERT INTO guardians (child_id, name, phone, relation)
       SELECT g.child_id, g.name, g.phone, g.relation FROM jsonb_to_recordset($1::jsonb) AS g(child_id uuid, name text, phone text, relation text)`,
      [JSON.stringify(guardians)],
    );
    onProgress?.(unchanged + i + batch.length);
  }
  onProgress?.(rows.length);
  return { created, updated, unchanged, ids };
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
    is_disabled: c.isDisabled,
    has_disabled_parent: c.hasDisabledParent,
    is_left_behind: c.isLeftBehind,
    is_registered_poor: c.isRegisteredPoor,
  };
}

// xmax = 0 on the returned row: it was inserted, not updated (PostgreSQL's usual upsert tell).
const UPSERT_CHILDREN = `
  INSERT INTO children (town, name, id_number, birth_date, sex, school, grade, class_name, area, villager_group,
                        is_disabled, has_disabled_parent, is_left_behind, is_registered_poor)
  SELECT $1, r.name, r.id_number, r.birth_date, r.sex, r.school, r.grade, r.class_name, r.area, r.villager_group,
         r.is_disabled, r.has_disabled_parent, r.is_left_behind, r.is_registered_poor
    FROM jsonb_to_recordset($2::jsonb) AS r(name text, id_number text, birth_date date, sex text, school text, grade integer,
         class_name text, area text, villager_group text, is_disabled boolean, has_disabled_parent boolean,
         is_left_behind boolean, is_registered_poor boolean)
  ON CONFLICT (town, id_number) DO UPDATE SET
    name = EXCLUDED.name, birth_date = EXCLUDED.birth_date, sex = EXCLUDED.sex, school = EXCLUDED.school,
    grade = EXCLUDED.grade, class_name = EXCLUDED.class_name, area = EXCLUDED.area, villager_group = EXCLUDED.villager_group,
    is_disabled = EXCLUDED.is_disabled, has_disabled_parent = EXCLUDED.has_disabled_parent,
    is_left_behind = EXCLUDED.is_left_behind, is_registered_poor = EXCLUDED.is_registered_poor, updated_at = now()
  RETURNING id, id_number, (xmax = 0) AS created`;

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

export const FLAG_COLUMNS: Record<PriorityFlag, string> = {
  isDisabled: 'is_disabled',
  hasDisabledParent: 'has_disabled_parent',
  isLeftBehind: 'is_left_behind',
  isRegisteredPoor: 'is_registered_poor',
};

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
