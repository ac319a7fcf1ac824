/**
 * `npm run bench:finding`: the cross-check (四查三比对) at county scale. Makes a throwaway database
 * on DATABASE_URL, generates the sources in SQL (default 200,000 register rows, 150,000 roll rows,
 * 10 school days of attendance for every pupil, a poverty list), then runs one town's cross-check
 * (the activity's work: src/finding/check/cross-check.ts) twice, the second on the same data, and
 * prints the time of each phase and the process's peak memory. Prints figures; passes or fails
 * nothing on time.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { crossCheckTown } from '../../src/finding/check/cross-check';
import { loadFindingPolicy } from '../../src/finding/check/finding-policy';
import { openReadModel } from '../../src/read-model/data-source';
import { loadTown } from '../../src/read-model/town';
import { loadResponsibilityChains } from '../../src/responsibility/chains';

const HELP = `npm run bench:finding -- [options]     四查三比对性能测量 / cross-check benchmark

Needs DATABASE_URL (a PostgreSQL server it may create a database on, e.g.
postgres://postgres@127.0.0.1:5432/postgres); the database it makes is dropped at the end.

Options:
  --register N    household register rows (default 200000)
  --roll N        school roll rows (default 150000; the first N register children, 2% without ID number)
  --days N        school days of attendance per pupil (default 10)
  --keep          keep the database (its name is printed)
  -h, --help`;

async function main() {
  const { values } = parseArgs({
    options: { register: { type: 'string', default: '200000' }, roll: { type: 'string', default: '150000' }, days: { type: 'string', default: '10' }, keep: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) return console.log(HELP);
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error(`DATABASE_URL is not set\n\n${HELP}`);
  const register = Number(values.register);
  const roll = Number(values.roll);
  const days = Number(values.days);
  if (![register, roll, days].every((n) => Number.isInteger(n) && n > 0) || roll > register) throw new Error('--register, --roll and --days must be positive whole numbers, --roll at most --register');

  const name = `baoxue_bench_finding_${randomBytes(4).toString('hex')}`;
  const admin = await new DataSource({ type: 'postgres', url: server, logging: false }).initialize();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const db = await openReadModel({ url: url.toString(), applicationName: 'baoxue-bench', quiet: true });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  try {
    const t0 = Date.now();
    await generate(db, register, roll, days);
    console.log(`数据生成 / generated: ${register.toLocaleString()} register, ${roll.toLocaleString()} roll, ${(roll * days).toLocaleString()} attendance rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const town = loadTown();
    const deps = { dataSource: db, policy: loadFindingPolicy(), chainsFor: () => loadResponsibilityChains('towns/guling.responsibility.json', town) };
    for (const label of ['首次比对 / first run', '同一数据再次比对 / re-run, same data']) {
      const phases: Record<string, number> = {};
      let last = Date.now();
      const started = last;
      const before = process.memoryUsage().rss;
      peak = before;
      const summary = await crossCheckTown(deps, {
        runId: crypto.randomUUID(),
        town: 'GULING',
        now: new Date('2026-11-20T10:00:00Z'),
        progress: (phase) => {
          const now = Date.now();
          phases[phase] = (phases[phase] ?? 0) + (now - last);
          last = now;
        },
      });
      const total = Date.now() - started;
      phases.apply = total - Object.values(phases).reduce((a, b) => a + b, 0);
      console.log(`\n${label}: ${(total / 1000).toFixed(1)} s; peak RSS ${mib(peak)} (${mib(before)} before)`);
      console.log(`  phases: ${Object.entries(phases).map(([p, ms]) => `${p} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);
      console.log(`  matched ${summary.matched.toLocaleString()}; 未入学 ${summary.notEnrolled}; 疑似同一人 ${summary.fuzzyPairs}; 有学籍无户籍 ${summary.rollWithoutRegister}; 疑似辍学 ${summary.suspected}`);
      console.log(`  items ${JSON.stringify(summary.items)}; movements ${summary.movements}; tasks ${summary.tasks}; ledgers ${JSON.stringify(summary.ledgers)}`);
    }
  } finally {
    clearInterval(sampler);
    await db.destroy();
    if (values.keep) console.log(`kept database ${name}`);
    else await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
    await admin.destroy();
  }
}

/**
 * Child n: ID number 500235 + a birth date spread over 2010-2020 + a serial; children 1..roll are
 * on the roll (every 50th without ID number, every 500th under a name one character off, which is
 * a fuzzy pair for review); 1% of the pupils are absent the last 6 days without a reason.
 */
async function generate(db: DataSource, register: number, roll: number, days: number) {
  const source = async (kind: string, scope: string) =>
    (
      await db.query(
        `INSERT INTO source_imports (town_code, kind, scope, version, file_name, file_sha256, file_size, uploaded_by, importer, status)
         VALUES ('GULING', $1, $2, 1, 'bench.xlsx', $3, 1, 'bench', '{}', 'DONE') RETURNING id`,
        [kind, scope, randomBytes(32).toString('hex')],
      )
    )[0].id;
  const child = `(DATE '2010-01-01' + (n % 4000)) AS birth, '500235' || to_char(DATE '2010-01-01' + (n % 4000), 'YYYYMMDD') || lpad((n / 4000)::text, 3, '0') || (n % 10)::text AS id`;
  const reg = await source('HOUSEHOLD_REGISTER', '');
  await db.query(
    `INSERT INTO register_records (import_id, sheet, row_number, town_code, id_number, name, birth_date, sex, area)
     SELECT $1, 'Sheet1', n + 1, 'GULING', CASE WHEN n % 50 = 0 THEN NULL ELSE c.id END, '学生' || n, c.birth, CASE WHEN n % 2 = 0 THEN 'M' ELSE 'F' END,
            (ARRAY['GULING_COMMUNITY','GAOPING','QIAOTING','BAOXING','SHUANGDIAN','LANCAO','HONGCHUN','HONGPING'])[1 + n % 8]
     FROM generate_series(1, $2) AS n, LATERAL (SELECT ${child}) c`,
    [reg, register],
  );
  for (const [school, from, to] of [['GULING_PRIMARY', 1, Math.floor(roll * 0.6)], ['GULING_MIDDLE', Math.floor(roll * 0.6) + 1, roll]] as const) {
    const imp = await source('SCHOOL_ROLL', school);
    await db.query(
      `INSERT INTO roll_records (import_id, sheet, row_number, town_code, school, student_number, id_number, name, birth_date, sex, grade, class_name)
       SELECT $1, 'Sheet1', n + 1, 'GULING', $2, 'G' || n, CASE WHEN n % 50 = 0 THEN NULL ELSE c.id END,
              CASE WHEN n % 500 = 0 THEN '学升' || n ELSE '学生' || n END, c.birth, CASE WHEN n % 2 = 0 THEN 'M' ELSE 'F' END,
              1 + n % 9, (1 + n % 9) || '年级' || (1 + n % 4) || '班'
       FROM generate_series($3::int, $4::int) AS n, LATERAL (SELECT ${child}) c`,
      [imp, school, from, to],
    );
    const att = await source('ATTENDANCE', school);
    await db.query(
      `INSERT INTO attendance_records (import_id, sheet, row_number, town_code, school, student_number, name, day, absent, reason)
       SELECT $1, 'Sheet1', n + 1, 'GULING', $2, 'G' || n, '学生' || n, DATE '2026-11-02' + d, n % 100 = 7 AND d >= $5 - 6, NULL
       FROM generate_series($3::int, $4::int) AS n, generate_series(0, $5 - 1) AS d`,
      [att, school, from, to, days],
    );
  }
  const pov = await source('POVERTY_LIST', '');
  await db.query(
    `INSERT INTO poverty_records (import_id, sheet, row_number, town_code, id_number, name, birth_date)
     SELECT $1, 'Sheet1', n + 1, 'GULING', c.id, '学生' || n, c.birth FROM generate_series(1, $2, 20) AS n, LATERAL (SELECT ${child}) c WHERE n % 50 <> 0`,
    [pov, register],
  );
  await db.query(`ANALYZE`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
