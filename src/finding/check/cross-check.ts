/**
 * One town's cross-check (四查三比对), run by the cross-check workflow's activity. In one
 * transaction, on one snapshot of the sources (REPEATABLE READ), under a per-town advisory lock:
 *
 * 1. stream current_roll, then current_register, through cursors in batches into the matcher
 *    (matching.ts), staging the merged children and the findings in temporary tables;
 * 2. attendance: the current run of unexplained absence of every pupil (SQL over attendance_days),
 *    more than the policy's days → SUSPECTED_DROPOUT (its fingerprint holds the run's first day, so
 *    the same run is the same item however long it grows);
 * 3. the poverty list marks children (ID number, else name + birth date);
 * 4. apply: finding_children upserted (only rows that changed), items inserted, updated, reopened
 *    (a resolved item whose evidence changed) or GONE (an open item the data no longer show); the
 *    ledgers follow (open case → 辍学, open suspected item → 疑似辍学, 30 d → 辍学 by policy, a case
 *    returned → leaves), each move a ledger_movements row; 脱贫家庭辍学 from the ledgers × poverty
 *    list; a verification task per new suspected item, routed through the chains to the class
 *    teacher and the principal, each with its in-app notification (finding-tasks.ts).
 *
 * Re-running with the same data writes nothing but the run's own row.
 */
import { createHash } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import type { ResponsibilityChainsData } from '../../responsibility/chains';
import { responsiblePeople } from '../../responsibility/routing';
import { parseDuration } from '../../workflows/policy';
import { IN_APP_CHANNEL } from '../../notifications/channel';
import { insertFindingTasks, NewFindingTask } from './finding-tasks';
import type { FindingPolicy } from './finding-policy';
import { ChildRecord, childKeyOf, CrossMatcher, Finding, MatchLink, MatchStats, RegisterRow, RollRow } from './matching';
import { FINDING_KIND_LABELS } from './vocabulary';

export const BATCH_SIZE = 5_000;

export interface CrossCheckDeps {
  dataSource: DataSource;
  policy: FindingPolicy;
  chainsFor(town: string): ResponsibilityChainsData | undefined;
  /** The outbox channels a new task's notification is written for (the directory's; default in-app only). */
  channels?: readonly string[];
}

export interface CrossCheckSummary extends MatchStats {
  town: string;
  suspected: number;
  items: { inserted: number; reopened: number; updated: number; gone: number; open: number };
  movements: number;
  tasks: number;
  ledgers: { schoolAge: number; suspected: number; dropout: number };
}

export interface TownRunInput {
  runId: string;
  town: string;
  now: Date;
  /** Called after every batch (the activity heartbeats with it). */
  progress?: (phase: string, rows: number) => void;
}

export async function crossCheckTown(deps: CrossCheckDeps, input: TownRunInput): Promise<CrossCheckSummary> {
  const { town, now } = input;
  const runner = deps.dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction('REPEATABLE READ');
    await runner.query(`SET LOCAL statement_timeout = 0`); // a county's run takes longer than an API request may
    await runner.query(`SELECT pg_advisory_xact_lock(hashtext('baoxue-cross-check:' || $1))`, [town]);
    const links: MatchLink[] = await runner.query(
      `SELECT register_key AS "registerKey", roll_key AS "rollKey", same_child AS "sameChild" FROM finding_match_links WHERE town = $1`,
      [town],
    );
    const matcher = new CrossMatcher(deps.policy, now, links);
    await createStaging(runner);

    let rows = 0;
    await stream<RollRow>(
      runner,
      `SELECT school, student_number AS "studentNumber", id_number AS "idNumber", name, to_char(birth_date, 'YYYY-MM-DD') AS "birthDate", sex, grade, class_name AS "className"
       FROM current_roll WHERE town_code = $1`,
      [town],
      async (batch) => {
        matcher.addRoll(batch);
        input.progress?.('roll', (rows += batch.length));
      },
    );
    rows = 0;
    await stream<RegisterRow>(
      runner,
      `SELECT id_number AS "idNumber", name, to_char(birth_date, 'YYYY-MM-DD') AS "birthDate", sex, area FROM current_register WHERE town_code = $1`,
      [town],
      async (batch) => {
        const { records, findings } = matcher.matchRegister(batch);
        await stage(runner, records, findings);
        input.progress?.('register', (rows += batch.length));
      },
    );
    const rest = matcher.finish();
    await stage(runner, rest.records, rest.findings);
    input.progress?.('unmatched', rest.records.length);

    const suspected = await absenceFindings(runner, deps.policy, town, matcher);
    await stage(runner, [], suspected);
    input.progress?.('attendance', suspected.length);
    await markPoverty(runner, town);

    const applied = await apply(runner, deps, town, input.runId, now, (step) => input.progress?.(step, 0));
    await runner.commitTransaction();
    return { town, ...rest.stats, suspected: suspected.length, ...applied };
  } catch (err) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw err;
  } finally {
    await runner.release();
  }
}

/** Reads a query through a cursor, `BATCH_SIZE` rows at a time (the views can hold a county). */
async function stream<T>(runner: QueryRunner, sql: string, params: unknown[], each: (batch: T[]) => Promise<void>): Promise<void> {
  await runner.query(`DECLARE finding_cursor NO SCROLL CURSOR FOR ${sql}`, params);
  try {
    for (;;) {
      const batch: T[] = await runner.query(`FETCH ${BATCH_SIZE} FROM finding_cursor`);
      if (batch.length === 0) break;
      await each(batch);
    }
  } finally {
    await runner.query(`CLOSE finding_cursor`);
  }
}

async function createStaging(runner: QueryRunner): Promise<void> {
  await runner.query(`
    CREATE TEMPORARY TABLE run_children (
      child_key text, id_number text, name text, birth_date date, sex text, area text, school text, grade integer,
      class_name text, student_number text, on_register boolean, on_roll boolean, school_age boolean, on_poverty boolean DEFAULT false
    ) ON COMMIT DROP`);
  await runner.query(`
    CREATE TEMPORARY TABLE run_items (
      kind text, fingerprint text, child_key text, id_number text, name text, birth_date date, area text, school text,
      grade integer, class_name text, evidence jsonb, evidence_hash text
    ) ON COMMIT DROP`);
}

const CHILD_COLUMNS = `child_key text, id_number text, name text, birth_date date, sex text, area text, school text, grade integer,
  class_name text, student_number text, on_register boolean, on_roll boolean, school_age boolean`;

async function stage(runner: QueryRunner, records: ChildRecord[], findings: Finding[]): Promise<void> {
  for (let i = 0; i < records.length; i += BATCH_SIZE) {
    const json = JSON.stringify(records.slice(i, i + BATCH_SIZE).map(childRow));
    await runner.query(`INSERT INTO run_children SELECT *, false FROM jsonb_to_recordset($1::jsonb) AS x(${CHILD_COLUMNS})`, [json]);
  }
  for (let i = 0; i < findings.length; i += BATCH_SIZE) {
    const json = JSON.stringify(findings.slice(i, i + BATCH_SIZE).map(itemRow));
    await runner.query(
      `INSERT INTO run_items SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(kind text, fingerprint text, child_key text, id_number text, name text,
         birth_date date, area text, school text, grade integer, class_name text, evidence jsonb, evidence_hash text)`,
      [json],
    );
  }
}

function childRow(r: ChildRecord) {
  return {
    child_key: r.childKey,
    id_number: r.idNumber,
    name: r.name,
    birth_date: r.birthDate,
    sex: r.sex,
    area: r.area,
    school: r.school,
    grade: r.grade,
    class_name: r.className,
    student_number: r.studentNumber,
    on_register: r.onRegister,
    on_roll: r.onRoll,
    school_age: r.schoolAge,
  };
}

function itemRow(f: Finding) {
  const c = f.child;
  return {
    kind: f.kind,
    fingerprint: f.fingerprint,
    child_key: c.childKey,
    id_number: c.idNumber,
    name: c.name,
    birth_date: c.birthDate,
    area: c.area,
    school: c.school,
    grade: c.grade,
    class_name: c.className,
    evidence: f.evidence,
    evidence_hash: hashOf(f.stable ?? f.evidence),
  };
}

/** A stable hash of JSON (keys sorted), so the same evidence always gives the same hash. */
export function hashOf(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v;
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex');
}

interface AbsenceRun {
  school: string;
  studentNumber: string | null;
  idNumber: string | null;
  name: string;
  runStart: string;
  runEnd: string;
  days: number;
  absentDays: string[];
}

/**
 * Every pupil's current run of unexplained absence: the school days after their last day that was
 * not an unexplained absence (present, or absent with a reason that explains). A day present or
 * explained ends a run; only a run still going on the pupil's last recorded day counts.
 */
async function absenceFindings(runner: QueryRunner, policy: FindingPolicy, town: string, matcher: CrossMatcher): Promise<Finding[]> {
  const runs: AbsenceRun[] = await runner.query(
    `WITH a AS (
       SELECT school, student_number, id_number, name, day,
              absent AND (reason IS NULL OR btrim(reason) = ANY($2::text[])) AS unexplained,
              COALESCE(student_number, 'ID:' || id_number) AS pupil
       FROM attendance_days WHERE town_code = $1
     ), ends AS (
       SELECT school, pupil, max(day) FILTER (WHERE NOT unexplained) AS last_ok FROM a GROUP BY school, pupil
     )
     SELECT a.school, min(a.student_number) AS "studentNumber", min(a.id_number) AS "idNumber", min(a.name) AS name,
            to_char(min(a.day), 'YYYY-MM-DD') AS "runStart", to_char(max(a.day), 'YYYY-MM-DD') AS "runEnd", count(*)::int AS days,
            array_agg(to_char(a.day, 'YYYY-MM-DD') ORDER BY a.day) AS "absentDays"
     FROM a JOIN ends e ON e.school = a.school AND e.pupil = a.pupil
     WHERE a.unexplained AND (e.last_ok IS NULL OR a.day > e.last_ok)
     GROUP BY a.school, a.pupil
     HAVING count(*) > $3
     ORDER BY a.school, a.pupil`,
    [town, policy.unexplainedReasons.map((r) => r.trim()), policy.suspected.unexplainedAbsentDaysMoreThan],
  );
  return runs.map((run) => {
    const onRoll = run.studentNumber ? matcher.rollEntry(run.school, run.studentNumber) : undefined;
    const row = onRoll?.row;
    const child: ChildRecord = {
      childKey: onRoll?.childKey ?? childKeyOf(run.idNumber, run.name, null),
      idNumber: row?.idNumber ?? run.idNumber,
      name: row?.name ?? run.name,
      birthDate: row?.birthDate ?? null,
      sex: row?.sex ?? null,
      area: null, // filled from the merged record when the child is on the register (apply)
      school: run.school,
      grade: row?.grade ?? null,
      className: row?.className ?? null,
      studentNumber: run.studentNumber,
      onRegister: false,
      onRoll: row !== undefined,
      schoolAge: true,
    };
    const stable = { school: run.school, studentNumber: run.studentNumber, runStart: run.runStart };
    return {
      kind: 'SUSPECTED_DROPOUT' as const,
      fingerprint: `${child.childKey}|${run.school}|${run.runStart}`,
      child,
      evidence: { ...stable, runEnd: run.runEnd, unexplainedDays: run.days, absentDays: run.absentDays, threshold: policy.suspected.unexplainedAbsentDaysMoreThan },
      stable,
    };
  });
}

async function markPoverty(runner: QueryRunner, town: string): Promise<void> {
  // Two joins (ID number; name + birth date where the list has no ID number), not one OR: an OR condition would compare every child with every household.
  await runner.query(
    `UPDATE run_children r SET on_poverty = true FROM current_poverty p WHERE p.town_code = $1 AND p.id_number IS NOT NULL AND p.id_number = r.id_number`,
    [town],
  );
  await runner.query(
    `UPDATE run_children r SET on_poverty = true FROM current_poverty p
     WHERE p.town_code = $1 AND p.id_number IS NULL AND p.name = r.name AND (p.birth_date IS NULL OR p.birth_date = r.birth_date)`,
    [town],
  );
  // The planner knows nothing of temporary tables until they are analysed.
  await runner.query(`CREATE INDEX ON run_children (child_key)`);
  await runner.query(`CREATE INDEX ON run_items (kind, fingerprint)`);
  await runner.query(`ANALYZE run_children`);
  await runner.query(`ANALYZE run_items`);
}

async function apply(
  runner: QueryRunner,
  deps: CrossCheckDeps,
  town: string,
  runId: string,
  now: Date,
  step: (name: string) => void,
): Promise<Omit<CrossCheckSummary, keyof MatchStats | 'town' | 'suspected'>> {
  // Children: one row per key (a register row wins over a roll-only one), written only when something changed.
  await runner.query(
    `INSERT INTO finding_children (town, child_key, id_number, name, birth_date, sex, area, school, grade, class_name, student_number, on_register, on_roll, on_poverty, school_age)
     SELECT DISTINCT ON (child_key) $1, child_key, id_number, name, birth_date, sex, area, school, grade, class_name, student_number, on_register, on_roll, on_poverty, school_age
     FROM run_children ORDER BY child_key, on_register DESC, on_roll DESC
     ON CONFLICT (town, child_key) DO UPDATE SET
       id_number = EXCLUDED.id_number, name = EXCLUDED.name, birth_date = EXCLUDED.birth_date, sex = EXCLUDED.sex, area = EXCLUDED.area,
       school = EXCLUDED.school, grade = EXCLUDED.grade, class_name = EXCLUDED.class_name, student_number = EXCLUDED.student_number,
       on_register = EXCLUDED.on_register, on_roll = EXCLUDED.on_roll, on_poverty = EXCLUDED.on_poverty, school_age = EXCLUDED.school_age, updated_at = now()
     WHERE (finding_children.id_number, finding_children.name, finding_children.birth_date, finding_children.sex, finding_children.area, finding_children.school,
            finding_children.grade, finding_children.class_name, finding_children.student_number, finding_children.on_register, finding_children.on_roll,
            finding_children.on_poverty, finding_children.school_age)
       IS DISTINCT FROM (EXCLUDED.id_number, EXCLUDED.name, EXCLUDED.birth_date, EXCLUDED.sex, EXCLUDED.area, EXCLUDED.school, EXCLUDED.grade,
            EXCLUDED.class_name, EXCLUDED.student_number, EXCLUDED.on_register, EXCLUDED.on_roll, EXCLUDED.on_poverty, EXCLUDED.school_age)`,
    [town],
  );
  step('apply:children');
  // Off every source now: kept (their movements stay readable), no longer on the school-age ledger.
  await runner.query(
    `UPDATE finding_children fc SET on_register = false, on_roll = false, on_poverty = false, school_age = false, updated_at = now()
     WHERE fc.town = $1 AND (fc.on_register OR fc.on_roll OR fc.school_age)
       AND NOT EXISTS (SELECT 1 FROM run_children r WHERE r.child_key = fc.child_key)`,
    [town],
  );
  step('apply:off-sources');
  // The item's place comes from the merged child (an attendance finding knows the school, the register the area).
  await runner.query(
    `UPDATE run_items i SET area = COALESCE(i.area, fc.area), school = COALESCE(i.school, fc.school), grade = COALESCE(i.grade, fc.grade),
            class_name = COALESCE(i.class_name, fc.class_name), birth_date = COALESCE(i.birth_date, fc.birth_date)
     FROM finding_children fc WHERE fc.town = $1 AND fc.child_key = i.child_key`,
    [town],
  );
  step('apply:item-places');
  const verifyDue = new Date(now.getTime() + parseDuration(deps.policy.verifyDue));
  const counts = await upsertItems(runner, town, runId, verifyDue, `kind <> 'POVERTY_DROPOUT'`);
  step('apply:items');
  const movements = await moveLedgers(runner, deps.policy, town, runId, now);
  step('apply:ledgers');

  // 脱贫家庭辍学: on the suspected or dropout ledger and on the poverty list.
  await runner.query(
    `INSERT INTO run_items
     SELECT 'POVERTY_DROPOUT', child_key, child_key, id_number, name, birth_date, area, school, grade, class_name,
            jsonb_build_object('onPovertyList', true), md5('poverty')
     FROM finding_children WHERE town = $1 AND status <> 'NONE' AND on_poverty`,
    [town],
  );
  const poverty = await upsertItems(runner, town, runId, null, `kind = 'POVERTY_DROPOUT'`);

  step('apply:poverty');
  const tasks = await routeVerification(runner, deps, town, verifyDue, now);
  step('apply:tasks');
  const [ledgers] = await runner.query(
    `SELECT count(*) FILTER (WHERE school_age)::int AS "schoolAge", count(*) FILTER (WHERE status = 'SUSPECTED')::int AS suspected,
            count(*) FILTER (WHERE status = 'DROPOUT')::int AS dropout
     FROM finding_children WHERE town = $1`,
    [town],
  );
  const [open] = await runner.query(`SELECT count(*)::int AS n FROM finding_items WHERE town = $1 AND status = 'OPEN'`, [town]);
  return {
    items: {
      inserted: counts.inserted + poverty.inserted,
      reopened: counts.reopened + poverty.reopened,
      updated: counts.updated + poverty.updated,
      gone: counts.gone + poverty.gone,
      open: open.n,
    },
    movements,
    tasks,
    ledgers,
  };
}

/** Items of the kinds `which` selects: new ones inserted, changed ones updated, resolved ones with other evidence reopened, open ones no longer found GONE. */
async function upsertItems(runner: QueryRunner, town: string, runId: string, dueAt: Date | null, which: string) {
  const reopenOf = (f: string, r: string) => `(${f}.status = 'GONE' OR (${f}.status IN ('CONFIRMED', 'CLEARED') AND ${f}.evidence_hash <> ${r}.evidence_hash))`;
  const changedOf = (f: string, r: string) =>
    `(${f}.evidence, ${f}.name, ${f}.area, ${f}.school, ${f}.grade, ${f}.class_name) IS DISTINCT FROM (${r}.evidence, ${r}.name, ${r}.area, ${r}.school, ${r}.grade, ${r}.class_name)`;
  const reopen = reopenOf('finding_items', 'EXCLUDED');
  // Counted before the upsert (its RETURNING cannot see the old row).
  const [counts] = await runner.query(
    `SELECT count(*) FILTER (WHERE f.id IS NULL)::int AS inserted,
            count(*) FILTER (WHERE f.id IS NOT NULL AND ${reopenOf('f', 'r')})::int AS reopened,
            count(*) FILTER (WHERE f.id IS NOT NULL AND NOT ${reopenOf('f', 'r')} AND ${changedOf('f', 'r')})::int AS updated
     FROM (SELECT DISTINCT ON (kind, fingerprint) * FROM run_items WHERE ${which} ORDER BY kind, fingerprint) r
     LEFT JOIN finding_items f ON f.town = $1 AND f.kind = r.kind AND f.fingerprint = r.fingerprint`,
    [town],
  );
  await runner.query(
    `INSERT INTO finding_items (town, kind, fingerprint, child_key, id_number, name, birth_date, area, school, grade, class_name, evidence, evidence_hash, first_run_id, due_at)
     SELECT DISTINCT ON (kind, fingerprint) $1, kind, fingerprint, child_key, id_number, name, birth_date, area, school, grade, class_name, evidence, evidence_hash, $2::uuid,
            CASE WHEN kind = 'SUSPECTED_DROPOUT' THEN $3::timestamptz END
     FROM run_items WHERE ${which} ORDER BY kind, fingerprint
     ON CONFLICT (town, kind, fingerprint) DO UPDATE SET
       child_key = EXCLUDED.child_key, id_number = EXCLUDED.id_number, name = EXCLUDED.name, birth_date = EXCLUDED.birth_date, area = EXCLUDED.area,
       school = EXCLUDED.school, grade = EXCLUDED.grade, class_name = EXCLUDED.class_name, evidence = EXCLUDED.evidence, evidence_hash = EXCLUDED.evidence_hash,
       status = CASE WHEN ${reopen} THEN 'OPEN' ELSE finding_items.status END,
       reopened = finding_items.reopened + (${reopen})::int,
       found_at = CASE WHEN ${reopen} THEN now() ELSE finding_items.found_at END,
       resolved_at = CASE WHEN ${reopen} THEN NULL ELSE finding_items.resolved_at END,
       resolved_by = CASE WHEN ${reopen} THEN NULL ELSE finding_items.resolved_by END,
       resolution = CASE WHEN ${reopen} THEN NULL ELSE finding_items.resolution END,
       due_at = CASE WHEN ${reopen} AND EXCLUDED.due_at IS NOT NULL THEN EXCLUDED.due_at ELSE finding_items.due_at END,
       updated_at = now()
     WHERE ${reopen} OR ${changedOf('finding_items', 'EXCLUDED')}`,
    [town, runId, dueAt],
  );
  const gone: Array<{ id: string }> = await updateReturning(
    runner,
    `UPDATE finding_items i SET status = 'GONE', updated_at = now()
     WHERE i.town = $1 AND i.status = 'OPEN' AND ${which.replace(/kind/g, 'i.kind')}
       AND NOT EXISTS (SELECT 1 FROM run_items r WHERE r.kind = i.kind AND r.fingerprint = i.fingerprint)
     RETURNING i.id`,
    [town],
  );
  if (gone.length > 0) await closeTasks(runner, gone.map((g) => g.id));
  return { inserted: counts.inserted as number, reopened: counts.reopened as number, updated: counts.updated as number, gone: gone.length };
}

/** TypeORM answers an UPDATE … RETURNING with [rows, affected]; this gives the rows. */
export async function updateReturning<T>(db: Pick<QueryRunner, 'query'>, sql: string, params: unknown[]): Promise<T[]> {
  const [rows] = (await db.query(sql, params)) as [T[], number];
  return rows;
}

export async function closeTasks(db: Pick<QueryRunner, 'query'>, itemIds: string[]): Promise<void> {
  await db.query(`UPDATE finding_tasks SET status = 'CLOSED', closed_at = now() WHERE item_id = ANY($1::uuid[]) AND status = 'OPEN'`, [itemIds]);
}

/**
 * Where each child belongs now, and the moves to get there: an open case (not yet returned) → 辍学;
 * an open suspected item → 疑似辍学, or 辍学 once it is older than the policy allows; else off both
 * (a returned case: CASE_RETURNED; another ending: CASE_ENDED; a suspected item gone: CROSS_CHECK).
 * People's confirmations and clearances move children at once (items.ts); this catches up the rest.
 */
async function moveLedgers(runner: QueryRunner, policy: FindingPolicy, town: string, runId: string, now: Date): Promise<number> {
  const dropoutBefore = new Date(now.getTime() - parseDuration(policy.dropoutAfterSuspected));
  const moved: Array<{ moved: boolean }> = await updateReturning(
    runner,
    `WITH open_cases AS (
       SELECT DISTINCT ON (ch.id_number) 'ID:' || ch.id_number AS child_key, c.id
       FROM cases c JOIN children ch ON ch.id = c.child_id
       WHERE ch.town = $1 AND c.open AND c.stage <> 'RETURNED' ORDER BY ch.id_number, c.opened_at
     ), open_items AS (
       SELECT DISTINCT ON (child_key) child_key, id, found_at FROM finding_items
       WHERE town = $1 AND kind = 'SUSPECTED_DROPOUT' AND status = 'OPEN' ORDER BY child_key, found_at
     ), candidates AS (
       -- Only children something concerns: a case, an open suspected item, or a ledger position to leave (never a scan of every child).
       SELECT child_key FROM open_cases UNION SELECT child_key FROM open_items
       UNION SELECT child_key FROM finding_children WHERE town = $1 AND status <> 'NONE'
     ), wanted AS (
       SELECT fc.child_key, fc.status AS current, fc.case_id AS current_case, oc.id AS open_case, si.id AS item_id, prev.stage AS previous_stage,
              CASE WHEN oc.id IS NOT NULL THEN 'DROPOUT'
                   WHEN si.id IS NOT NULL AND si.found_at <= $3 THEN 'DROPOUT'
                   WHEN si.id IS NOT NULL THEN 'SUSPECTED'
                   ELSE 'NONE' END AS wanted,
              CASE WHEN oc.id IS NOT NULL THEN 'CASE_OPENED'
                   WHEN si.id IS NOT NULL AND si.found_at <= $3 THEN 'POLICY'
                   WHEN si.id IS NOT NULL THEN 'ATTENDANCE'
                   WHEN prev.stage IN ('RETURNED', 'CLOSED') THEN 'CASE_RETURNED'
                   WHEN prev.id IS NOT NULL THEN 'CASE_ENDED'
                   ELSE 'CROSS_CHECK' END AS source
       FROM candidates k
       JOIN finding_children fc ON fc.town = $1 AND fc.child_key = k.child_key
       LEFT JOIN open_cases oc ON oc.child_key = k.child_key
       LEFT JOIN open_items si ON si.child_key = k.child_key
       LEFT JOIN cases prev ON prev.id = fc.case_id
     ), moves AS (
       INSERT INTO ledger_movements (id, town, child_key, from_status, to_status, source, moved_at, item_id, case_id, run_id)
       SELECT 'run:' || $2 || ':' || child_key, $1, child_key, current, wanted, source, $4, item_id, COALESCE(open_case, current_case), $2::uuid
       FROM wanted WHERE wanted <> current
       RETURNING child_key
     )
     UPDATE finding_children fc SET
       status = w.wanted,
       status_since = CASE WHEN w.wanted <> w.current THEN $4 ELSE fc.status_since END,
       case_id = CASE WHEN w.open_case IS NOT NULL THEN w.open_case WHEN w.wanted = 'NONE' THEN NULL ELSE fc.case_id END,
       updated_at = now()
     FROM wanted w
     WHERE fc.town = $1 AND fc.child_key = w.child_key AND (w.wanted <> w.current OR w.open_case IS DISTINCT FROM fc.case_id AND w.open_case IS NOT NULL)
     RETURNING fc.child_key, (w.wanted <> w.current) AS moved`,
    [town, runId, dropoutBefore, now],
  );
  return moved.filter((m) => m.moved).length;
}

/**
 * A verification task for every open suspected item without one (for its current opening): the
 * class teacher (as routing finds them) and the principal, each told by a notification in this
 * transaction.
 */
async function routeVerification(runner: QueryRunner, deps: CrossCheckDeps, town: string, dueAt: Date, now: Date): Promise<number> {
  const chains = deps.chainsFor(town);
  if (!chains) return 0;
  const items: Array<{ id: string; reopened: number; area: string | null; school: string | null; grade: number | null; className: string | null }> = await runner.query(
    `SELECT i.id, i.reopened, i.area, i.school, i.grade, i.class_name AS "className" FROM finding_items i
     WHERE i.town = $1 AND i.kind = 'SUSPECTED_DROPOUT' AND i.status = 'OPEN'
       AND NOT EXISTS (SELECT 1 FROM finding_tasks t WHERE t.item_id = i.id AND t.id LIKE i.id || ':' || i.reopened || ':%')`,
    [town],
  );
  const label = FINDING_KIND_LABELS.SUSPECTED_DROPOUT;
  const tasks: NewFindingTask[] = [];
  for (const item of items) {
    for (const person of verifiers(chains, deps.policy, item)) {
      tasks.push({
        id: `${item.id}:${item.reopened}:${person.username}`,
        item_id: item.id,
        role: person.role,
        link: person.link,
        holder: person.username,
        title_zh: `核实${label.zh}：到家了解未到校原因，确认立案或排除`,
        title_en: `Verify a ${label.en.toLowerCase()}: find out why the child is not at school, then confirm into a case or clear`,
      });
    }
  }
  const at = { town, kind: 'VERIFY_SUSPECTED' as const, dueAt, now, channels: deps.channels ?? [IN_APP_CHANNEL] };
  let created = 0;
  for (let i = 0; i < tasks.length; i += BATCH_SIZE) created += await insertFindingTasks(runner, at, tasks.slice(i, i + BATCH_SIZE));
  return created;
}

/** The people who verify a suspected dropout at a school, each once. */
export function verifiers(chains: ResponsibilityChainsData, policy: FindingPolicy, place: { area: string | null; school: string | null; grade: number | null; className: string | null }) {
  const found: Array<{ username: string; role: string; link: string }> = [];
  if (!place.school) return found;
  for (const role of policy.verifyResponsible) {
    const people =
      role === 'PRINCIPAL'
        ? chains.schools[place.school]?.principal
          ? [{ username: chains.schools[place.school].principal, role, link: 'PRINCIPAL' }]
          : []
        : responsiblePeople(chains, ['CLASS_TEACHER'], { area: place.area ?? '', school: place.school, grade: place.grade, className: place.className });
    for (const p of people) if (!found.some((f) => f.username === p.username)) found.push({ username: p.username, role, link: p.link });
  }
  return found;
}
