/**
 * A town's month of 四查三比对 end to end, on the app as `npm start` composes it (real Temporal dev
 * server, real PostgreSQL, API and worker): the four files imported over HTTP (with a realistic bad
 * row, refused and then corrected), the cross-check run as a Temporal workflow, the lists as a
 * person expects them (a pupil absent 6 school days is suspected, one on the register and on no roll
 * is 未入学, the poverty dropout, the roll entry without register), the verification tasks routed to
 * the class teacher and the principal (in their 我的待办, with a notification), a clearance with a reason, a confirmation opening a real
 * case workflow with the absence days as its note, the returned child leaving the dropout ledger,
 * and re-runs with the same data changing nothing.
 */
import { Client, Connection } from '@temporalio/client';
import type { RunningBaoxue } from '../../src/bootstrap';
import { baoxueDataConverter } from '../../src/temporal/codec';
import { caseWorkflowId } from '../../src/workflows/messages';
import { as, AsUser } from '../support/auth';
import { eventually } from '../support/eventually';
import { idNumberFor } from '../support/ledger-files';
import { birthOf, csvOf, dailyAttendanceRows, povertyRows, rollRows, sexOf, xlsxOf } from '../support/source-files';
import { schoolDays } from '../support/finding-sources';
import { startApp, testConfig, waitForCase } from '../support/running-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;
let app: RunningBaoxue;
let client: Client;
let coordinator: AsUser;

// Children of the source fixtures (born 2012-09 to 2012-10: 13 on 1 September 2026, grade 7).
const ABSENT = 1000; // absent the last 6 school days, no reason: 疑似辍学, on the poverty list
const NEVER_ENROLLED = 1001; // on the register, on no roll: 未入学
const PRESENT = 1002;
const ILL = 1003; // absent 6 days without a reason given in the sheet; cleared as ill with a certificate
const ROLL_ONLY = 1004; // on the roll, not on the register
const DAYS = schoolDays('2026-11-09', 10);

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  app = await startApp(testConfig({ databaseUrl: db.url }));
  client = new Client({ connection: await Connection.connect({ address: app.temporalAddress }), dataConverter: baoxueDataConverter(app.payloadCodec) });
  coordinator = await as(app.apiUrl!, 'coordinator');
}, 120_000);

afterAll(async () => {
  await client?.connection.close();
  await app?.stop();
  await db?.drop();
});

async function importSource(user: AsUser, query: string, file: Buffer, name: string): Promise<Record<string, any>> {
  const posted = await user.post(`/api/sources/import?${query}`).attach('file', file, name);
  expect(posted.status).toBe(202);
  const until = Date.now() + 60_000;
  for (;;) {
    const res = await user.get(`/api/sources/imports/${posted.body.id}`);
    if (res.body.status === 'DONE' || res.body.status === 'FAILED') return res.body;
    if (Date.now() > until) throw new Error(`import ${posted.body.id} still ${res.body.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Asks for a run and waits until every run of the town has finished (an import's run may be going too). */
async function crossCheck(): Promise<Record<string, any>> {
  const started = await coordinator.post('/api/finding/cross-check').send({});
  expect(started.status).toBe(202);
  expect(started.body.workflowId).toBe('baoxue-cross-check:GULING');
  const until = Date.now() + 90_000;
  for (;;) {
    const runs = (await coordinator.get('/api/finding/runs')).body as Array<Record<string, any>>;
    const mine = runs.find((r) => r.trigger === 'REQUEST' && Date.parse(r.startedAt) >= Date.parse(started.headers.date) - 1000);
    if (mine && runs.every((r) => r.status !== 'RUNNING')) {
      const description = await client.workflow.getHandle(started.body.workflowId).describe();
      if (description.status.name !== 'RUNNING') {
        expect(mine.status).toBe('DONE');
        return mine.summary;
      }
    }
    if (Date.now() > until) throw new Error(`cross-check not finished: ${JSON.stringify(runs.slice(0, 3).map((r) => [r.trigger, r.status]))}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const items = async (user: AsUser, query: string) => {
  const res = await user.get(`/api/finding/items?${query}`);
  expect(res.status).toBe(200);
  return res.body.items as Array<Record<string, any>>;
};

describe('a town’s month of 四查三比对', () => {
  let suspectedId: string;
  let caseId: string;

  it('imports the four files, refusing a sheet with a bad row whole and taking the corrected one', async () => {
    const register = [
      ['姓名', '公民身份号码', '性别', '出生日期', '村(社区)'],
      ...[ABSENT, NEVER_ENROLLED, PRESENT, ILL].map((n) => [`学生${n}`, idNumberFor(n), sexOf(n), birthOf(n), '高坪村']),
    ];
    const bad = register.map((row) => [...row]);
    bad[2][1] = idNumberFor(NEVER_ENROLLED).slice(0, 17) + (idNumberFor(NEVER_ENROLLED)[17] === '1' ? '2' : '1'); // a wrong check digit
    expect(await importSource(coordinator, 'kind=HOUSEHOLD_REGISTER', await xlsxOf({ 户籍: bad }), '户籍.xlsx')).toMatchObject({ status: 'FAILED', error: { code: 'SOURCE.ROWS_INVALID' } });
    expect(await importSource(coordinator, 'kind=HOUSEHOLD_REGISTER', await xlsxOf({ 户籍: register }), '户籍-更正.xlsx')).toMatchObject({ status: 'DONE', version: 1 });
    const roll = rollRows([ABSENT, PRESENT, ILL, ROLL_ONLY], 7, '七年级一班');
    expect(await importSource(coordinator, 'kind=SCHOOL_ROLL&school=故陵中学', csvOf(roll), '学籍.csv')).toMatchObject({ status: 'DONE', version: 1 });
    const absentDays = (from: number) => Object.fromEntries(DAYS.slice(from).map((d) => [d, '']));
    const attendance = dailyAttendanceRows([ABSENT, PRESENT, ILL, ROLL_ONLY], DAYS, { [ABSENT]: absentDays(4), [ILL]: absentDays(4), [PRESENT]: { [DAYS[9]]: '' } });
    expect(await importSource(coordinator, 'kind=ATTENDANCE&school=故陵中学', csvOf(attendance), '考勤.csv')).toMatchObject({ status: 'DONE', version: 1 });
    expect(await importSource(coordinator, 'kind=POVERTY_LIST', csvOf(povertyRows([ABSENT])), '脱贫户.csv')).toMatchObject({ status: 'DONE', version: 1 });
  }, 120_000);

  it('runs the cross-check as a Temporal workflow and lists what a person expects', async () => {
    const summary = await crossCheck();
    expect(summary).toMatchObject({ registerRows: 4, rollRows: 4, matched: 3, suspected: 2, ledgers: { suspected: 2, dropout: 0 } });
    const suspected = await items(coordinator, 'kind=SUSPECTED_DROPOUT');
    expect(suspected.map((i) => i.name).sort()).toEqual([`学生${ABSENT}`, `学生${ILL}`]);
    const absent = suspected.find((i) => i.name === `学生${ABSENT}`)!;
    suspectedId = absent.id;
    expect(absent).toMatchObject({ status: 'OPEN', area: 'GAOPING', school: 'GULING_MIDDLE', grade: 7, confirmable: true, evidence: { unexplainedDays: 6, runStart: DAYS[4], runEnd: DAYS[9] } });
    expect(absent.idNumber).toMatch(/^500235\*{8}\w{4}$/); // masked in every list
    expect((await items(coordinator, 'kind=NOT_ENROLLED')).map((i) => i.name)).toEqual([`学生${NEVER_ENROLLED}`]);
    expect((await items(coordinator, 'kind=POVERTY_DROPOUT')).map((i) => i.name)).toEqual([`学生${ABSENT}`]);
    expect((await items(coordinator, 'kind=ROLL_WITHOUT_REGISTER')).map((i) => i.name)).toEqual([`学生${ROLL_ONLY}`]);
    // The village sees its area's children; the primary school sees none of the middle school's.
    expect((await items(await as(app.apiUrl!, 'principal'), 'kind=SUSPECTED_DROPOUT')).length).toBe(0);

    const teacherTasks = (await (await as(app.apiUrl!, 'middle-g7c1')).get('/api/finding/tasks')).body;
    expect(teacherTasks).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'VERIFY_SUSPECTED', itemId: suspectedId, link: 'CLASS_TEACHER', childName: `学生${ABSENT}` })]));
    const principalTasks = (await (await as(app.apiUrl!, 'principal-middle')).get('/api/finding/tasks')).body;
    expect(principalTasks.filter((t: { kind: string }) => t.kind === 'VERIFY_SUSPECTED')).toHaveLength(2);
    // In 我的待办 too, and the worker's dispatcher delivers the class teacher's notification.
    const teacher = await as(app.apiUrl!, 'middle-g7c1');
    const mine = (await teacher.get('/api/me/tasks?pageSize=100').expect(200)).body.items;
    expect(mine.map((t: { findingKind: string; child: { name: string } }) => [t.findingKind, t.child.name]).sort()).toEqual([
      ['VERIFY_SUSPECTED', `学生${ABSENT}`],
      ['VERIFY_SUSPECTED', `学生${ILL}`],
    ]);
    expect(mine).toContainEqual(expect.objectContaining({ source: 'FINDING', itemId: suspectedId, caseId: null, stage: null }));
    const told = await eventually('both verification tasks in the class teacher’s inbox', async () => {
      const inbox = (await teacher.get('/api/me/notifications').expect(200)).body;
      return inbox.items.length === 2 ? inbox.items : undefined;
    });
    expect(told).toEqual([1, 2].map(() => expect.objectContaining({ kind: 'TASK_ASSIGNED', caseId: null, title: expect.objectContaining({ zh: '【新任务】四查比对「核实疑似辍学」' }) })));
  }, 120_000);

  it('clears the ill child with a reason: off the suspected ledger, the movement says who', async () => {
    const principal = await as(app.apiUrl!, 'principal-middle');
    const ill = (await items(principal, 'kind=SUSPECTED_DROPOUT')).find((i) => i.name === `学生${ILL}`)!;
    const wrong = await principal.post(`/api/finding/items/${ill.id}/clear`).send({ reason: 'SAME_CHILD' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.details.fields[0]).toMatchObject({ field: 'reason' });
    const cleared = await principal.post(`/api/finding/items/${ill.id}/clear`).send({ reason: 'ILL_WITH_CERTIFICATE', note: '云阳县人民医院诊断证明' });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ status: 'CLEARED', resolvedBy: 'principal-middle', resolution: 'ILL_WITH_CERTIFICATE' });
    const again = await principal.post(`/api/finding/items/${ill.id}/clear`).send({ reason: 'TRANSFERRED' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('FINDING.ITEM_RESOLVED');
    const moves = (await coordinator.get(`/api/finding/children/${ill.childId}/movements`)).body.movements;
    expect(moves.map((m: Record<string, string>) => [m.from, m.to, m.source, m.confirmedBy])).toEqual([
      ['NONE', 'SUSPECTED', 'ATTENDANCE', null],
      ['SUSPECTED', 'NONE', 'CLEARED', 'principal-middle'],
    ]);
  });

  it('confirms the absent pupil into a real case workflow, with the absence days as its note, after a check of the answers', async () => {
    const teacher = await as(app.apiUrl!, 'middle-g7c1');
    const body = { cause: 'OTHER', note: '班主任家访：家长称孩子外出', guardians: [{ name: '家长1000', phone: '13800000000', relation: '父亲' }] };
    const preview = await teacher.post(`/api/finding/items/${suspectedId}/confirm`).send({ ...body, dryRun: true });
    expect(preview.status).toBe(200);
    expect(preview.body.case.note).toContain(`${DAYS[4]} 至 ${DAYS[9]} 连续无故缺课 6 个上学日`);
    expect((await app.dataSource.query(`SELECT count(*)::int AS n FROM cases`))[0].n).toBe(0); // a check writes nothing

    const confirmed = await teacher.post(`/api/finding/items/${suspectedId}/confirm`).send(body);
    expect(confirmed.status).toBe(200);
    caseId = confirmed.body.case.id;
    expect(confirmed.body.item).toMatchObject({ status: 'CONFIRMED', caseId, resolvedBy: 'middle-g7c1' });
    const view = await waitForCase(app.apiUrl!, caseId, (c) => c.stage === 'HOME_VISIT' && c.timeline.length > 0);
    expect(view.open).toBe(true);
    const workflow = await client.workflow.getHandle(caseWorkflowId(caseId)).describe();
    expect(workflow.status.name).toBe('RUNNING');
    const [row] = await app.dataSource.query(`SELECT note FROM cases WHERE id = $1`, [caseId]);
    expect(row.note).toContain('连续无故缺课 6 个上学日');
    expect(row.note).toContain('班主任家访');

    // Watch groups are the registry's flags: the lists filter by them once the child is on the registry.
    await app.dataSource.query(`UPDATE children SET is_left_behind = true WHERE id_number = $1`, [idNumberFor(ABSENT)]);
    const watched = await items(coordinator, 'status=ALL&watch=isLeftBehind');
    expect([...new Set(watched.map((i) => i.name))]).toEqual([`学生${ABSENT}`]); // (an early run, before the roll came, had it 未入学: GONE now)
    expect(watched.map((i) => i.kind)).toEqual(expect.arrayContaining(['SUSPECTED_DROPOUT', 'POVERTY_DROPOUT']));
    expect(await items(coordinator, 'status=ALL&watch=isOrphan')).toEqual([]);

    const dropouts = (await coordinator.get('/api/finding/ledgers/DROPOUT')).body;
    expect(dropouts.items.map((c: { name: string }) => c.name)).toEqual([`学生${ABSENT}`]);
    const tasks = (await teacher.get('/api/finding/tasks')).body;
    expect(tasks.filter((t: { itemId: string }) => t.itemId === suspectedId)).toEqual([]); // done: the task closed
  }, 60_000);

  it('changes nothing when the cross-check runs again on the same data', async () => {
    const before = await app.dataSource.query(`SELECT id, status, updated_at FROM finding_items ORDER BY id`);
    const moves = await app.dataSource.query(`SELECT count(*)::int AS n FROM ledger_movements`);
    const summary = await crossCheck();
    expect(summary).toMatchObject({ movements: 0, items: { inserted: 0, reopened: 0, updated: 0, gone: 0 } });
    expect(await app.dataSource.query(`SELECT id, status, updated_at FROM finding_items ORDER BY id`)).toEqual(before);
    expect(await app.dataSource.query(`SELECT count(*)::int AS n FROM ledger_movements`)).toEqual(moves);
  }, 120_000);

  it('takes the returned child off the dropout ledger, and counts the return in 复学率', async () => {
    const principal = await as(app.apiUrl!, 'principal-middle');
    const back = await principal.post(`/api/cases/${caseId}/actions`).send({ type: 'RECORD_RETURN', note: '已返校' });
    expect(back.status).toBe(200);
    await waitForCase(app.apiUrl!, caseId, (c) => c.stage === 'RETURNED');
    const summary = await crossCheck();
    expect(summary.ledgers).toMatchObject({ dropout: 0 });
    expect((await coordinator.get('/api/finding/ledgers/DROPOUT')).body.items).toEqual([]);
    const absent = (await coordinator.get('/api/finding/ledgers/SCHOOL_AGE')).body.items.find((c: { name: string }) => c.name === `学生${ABSENT}`);
    const moves = (await coordinator.get(`/api/finding/children/${absent.id}/movements`)).body.movements;
    expect(moves.map((m: Record<string, string>) => [m.from, m.to, m.source])).toEqual([
      ['NONE', 'SUSPECTED', 'ATTENDANCE'],
      ['SUSPECTED', 'DROPOUT', 'CONFIRMED'],
      ['DROPOUT', 'NONE', 'CASE_RETURNED'],
    ]);
    const figures = (await coordinator.get(`/api/finding/figures?month=${new Date().toISOString().slice(0, 7)}`)).body;
    expect(figures.total).toMatchObject({ returned: 1, dropouts: 0, returnRate: 1 });
    expect(figures.openItems).toMatchObject({ NOT_ENROLLED: 1, ROLL_WITHOUT_REGISTER: 1 });
  }, 120_000);
});
