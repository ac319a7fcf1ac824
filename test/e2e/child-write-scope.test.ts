/**
 * The write rule over HTTP (real Nest app, real PostgreSQL, in-memory case engine): no write path
 * lets a user change a child outside their scope, and no answer tells them anything about such a
 * child beyond "someone else handles it" (issue 16, part 1). The probe of the issue: the secretary
 * of 高坪村 uploads a row carrying the ID number of a child of 双店村 whose case is at 司法文书,
 * with values of her own area. Also the teacher and the principal of another school, an inline
 * report, a registration, a correction, and the audit log of the refused attempts.
 */
import { createTestApi, TestApi } from '../support/api-app';
import { as, AsUser } from '../support/auth';
import { validIdNumber } from '../support/fixtures';
import { HEADERS } from '../support/ledger-files';
import { importThroughJob } from '../support/ledger-jobs';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;
let api: TestApi;
let coordinator: AsUser;
let secretary: AsUser;
let teacher: AsUser;
let principal: AsUser;
let justice: AsUser;

/** A child of 双店村 at the middle school: outside the secretary's area, the principal's school and the teacher's class. */
const SHUANGDIAN_CHILD = {
  school: '故陵中学',
  grade: 8,
  className: '八年级一班',
  area: '双店村',
  villagerGroup: '二组',
};

/** Values the probe writes: the teacher's class (故陵小学 五年级二班) in the secretary's area (高坪村). */
const PROBE_VALUES = { 姓名: '冒名儿童', 学校: '故陵小学', 年级: 5, 班级: '五年级二班', '责任区/村(社区)': '高坪村', 村民小组: '一组', 监护人: '冒名监护人', 监护人电话: '13999999999', 与学生关系: '父亲' };

interface OnFile {
  childId: string;
  idNumber: string;
  name: string;
  caseId: string | null;
}

/** With an open case at 司法文书 (the child). */
let atJustice: OnFile;
/** On file, no case. */
let noCase: OnFile;
/** Registered in 双店村 with a case there, then moved to 高坪村 by the coordinator: its open case stays at 双店村. */
let movedWithCase: OnFile;

async function registerShuangdian(name: string, birthDate: string, withCase: boolean): Promise<OnFile> {
  const idNumber = validIdNumber(birthDate, 'F');
  const body = { ...SHUANGDIAN_CHILD, name, idNumber, guardians: [{ name: `${name}之母`, phone: '13712345678', relation: '母亲' }] };
  const child = await coordinator.post('/api/children').send(body).expect(201);
  let caseId: string | null = null;
  if (withCase) {
    caseId = (await coordinator.post('/api/cases').send({ childId: child.body.id, cause: 'GUARDIAN_REFUSES' }).expect(201)).body.id;
  }
  return { childId: child.body.id, idNumber, name, caseId };
}

beforeAll(async () => {
  db = await createTestDatabase();
  api = await createTestApi({ dataSource: db.dataSource });
  [coordinator, secretary, teacher, principal, justice] = await Promise.all(['coordinator', 'secretary', 'teacher', 'principal', 'justice'].map((u) => as(api.server, u)));
  atJustice = await registerShuangdian('双店儿童甲', '2011-06-01', true);
  await db.dataSource.query(`UPDATE cases SET stage = 'JUDICIAL_DOCUMENT' WHERE id = $1`, [atJustice.caseId]);
  noCase = await registerShuangdian('双店儿童乙', '2011-07-02', false);
  movedWithCase = await registerShuangdian('双店儿童丙', '2011-08-03', true);
  await coordinator.patch(`/api/children/${movedWithCase.childId}`).send({ area: '高坪村', school: '故陵小学', grade: 5, className: '五年级二班' }).expect(200);
}, 60_000);

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

/** The registry's rows as they are: every column of the children and their guardians. */
async function registrySnapshot(): Promise<unknown> {
  const children = await db.dataSource.query(`SELECT * FROM children ORDER BY id`);
  const guardians = await db.dataSource.query(`SELECT * FROM guardians ORDER BY child_id, name, phone`);
  const cases = await db.dataSource.query(`SELECT id, child_id, area, school, stage, open FROM cases ORDER BY id`);
  return { children, guardians, cases };
}

/** A ledger CSV: each row is the probe's values with the ID number given (and overrides). */
function probeCsv(rows: Array<Record<string, string | number>>): Buffer {
  const line = (cells: Array<string | number>) => cells.map((c) => String(c)).join(',');
  return Buffer.from([line(HEADERS), ...rows.map((r) => line(HEADERS.map((h) => r[h] ?? '')))].join('\r\n') + '\r\n');
}

const probeRow = (idNumber: string, overrides: Record<string, string | number> = {}) => ({ ...PROBE_VALUES, 身份证号: idNumber, ...overrides });

/** The import is a job: what the user is answered is the job (its report and error), all of which must say nothing. */
const upload = (user: AsUser, file: Buffer, query = '') => importThroughJob(user, file, 'probe.csv', query);

/** What an answer must never hold about a child outside the scope. */
function expectNothingAbout(answer: unknown, child: OnFile): void {
  const text = JSON.stringify(answer);
  expect(text).not.toContain(child.childId);
  if (child.caseId) expect(text).not.toContain(child.caseId);
  expect(text).not.toContain(child.name);
  expect(text).not.toContain('SHUANGDIAN');
  expect(text).not.toContain('双店');
  expect(text).not.toContain('13712345678');
  expect(text).not.toMatch(/ALREADY_OPEN|DIFFERS_FROM_REGISTRY|ALREADY_REGISTERED|未结案件|不一致/);
}

const NEUTRAL = { zh: /该儿童由其他单位负责，请与镇统筹负责人.*联系/, en: /handled by another unit; contact the town's coordinator/ };

describe("the ledger import of a child outside the importer's scope", () => {
  it("the secretary's import (all or nothing) changes nothing and answers the neutral problem, the same with or without a case", async () => {
    const before = await registrySnapshot();
    const fresh = validIdNumber('2014-01-05', 'M');
    const res = await upload(secretary, probeCsv([probeRow(atJustice.idNumber), probeRow(noCase.idNumber), probeRow(fresh, { 姓名: '新儿童' })]));
    expect([res.status, res.error!.statusCode, res.error!.code]).toEqual(['failed', 422, 'LEDGER.ROWS_INVALID']);
    const { problems, counts } = res.report!;
    expect(problems.map((p: { row: number }) => p.row)).toEqual([2, 3]);
    for (const p of problems) expect(p).toMatchObject({ message: expect.stringMatching(NEUTRAL.zh), messageEn: expect.stringMatching(NEUTRAL.en) });
    // The child with a case at 司法文书 and the one without are answered alike.
    const { row: _a, ...first } = problems[0];
    const { row: _b, ...second } = problems[1];
    expect({ ...first, value: '' }).toEqual({ ...second, value: '' });
    expect(counts).toMatchObject({ badRows: 2, created: 0, updated: 0, unchanged: 0, casesAlreadyOpen: 0 });
    expectNothingAbout(res, atJustice);
    expectNothingAbout(res, noCase);
    expect(await registrySnapshot()).toEqual(before);
  });

  it('a dry run counts no created or updated for such rows, only the refused row and the neutral problem', async () => {
    const before = await registrySnapshot();
    const fresh = validIdNumber('2014-01-06', 'M');
    const dry = await upload(secretary, probeCsv([probeRow(atJustice.idNumber, { 辍学原因: '因贫' }), probeRow(fresh, { 姓名: '新儿童' })]), '?dryRun=true&goodRowsOnly=true');
    expect(dry.status).toBe('done');
    expect(dry.report).toMatchObject({ status: 'DRY_RUN', counts: { rows: 2, badRows: 1, created: 1, updated: 0, unchanged: 0, casesOpened: 0, casesAlreadyOpen: 0 } });
    expect(dry.report!.problems).toHaveLength(1);
    expect(dry.report!.problems[0]).toMatchObject({ row: 2, messageEn: expect.stringMatching(NEUTRAL.en) });
    expectNothingAbout(dry, atJustice);
    // A fresh ID number with the same values answers the same counts: created versus updated tells nothing.
    const other = await upload(secretary, probeCsv([probeRow(noCase.idNumber), probeRow(fresh, { 姓名: '新儿童' })]), '?dryRun=true&goodRowsOnly=true');
    expect(other.report!.counts).toEqual(dry.report!.counts);
    expect(await registrySnapshot()).toEqual(before);
  });

  it('with goodRowsOnly the good rows go in and the child outside the scope is left as it was; the justice office sees the real guardian', async () => {
    const before = (await registrySnapshot()) as { children: Array<{ id: string }>; guardians: Array<{ child_id: string }> };
    const fresh = validIdNumber('2014-01-07', 'M');
    const res = await upload(secretary, probeCsv([probeRow(atJustice.idNumber), probeRow(fresh, { 姓名: '新儿童丁' })]), '?goodRowsOnly=true');
    expect(res.status).toBe('done');
    expect(res.report).toMatchObject({ status: 'IMPORTED', counts: { rows: 2, badRows: 1, created: 1, updated: 0, unchanged: 0 } });
    expectNothingAbout(res, atJustice);
    const after = (await registrySnapshot()) as typeof before;
    const untouched = (s: typeof before) => ({
      child: s.children.find((c) => c.id === atJustice.childId),
      guardians: s.guardians.filter((g) => g.child_id === atJustice.childId),
    });
    expect(untouched(after)).toEqual(untouched(before));
    const casePage = await justice.get(`/api/cases/${atJustice.caseId}`).expect(200);
    expect(casePage.body.child).toMatchObject({ name: atJustice.name, area: 'SHUANGDIAN', guardians: [expect.objectContaining({ phone: '13712345678' })] });
    // Still out of the secretary's reach, still in the responsible village's.
    expect((await secretary.get(`/api/children/${atJustice.childId}`)).status).toBe(404);
    expect((await (await as(api.server, 'sec-shuangdian')).get(`/api/children/${atJustice.childId}`)).status).toBe(200);
  });

  it.each(['teacher', 'principal'] as const)('the %s of another school: the same refusal, nothing changed', async (username) => {
    const user = username === 'teacher' ? teacher : principal;
    const before = await registrySnapshot();
    for (const query of ['', '?dryRun=true', '?goodRowsOnly=true', '?goodRowsOnly=true&dryRun=true']) {
      const res = await upload(user, probeCsv([probeRow(atJustice.idNumber), probeRow(noCase.idNumber)]), query);
      const body = res.report!;
      expect([query, body.counts]).toEqual([query, expect.objectContaining({ badRows: 2, created: 0, updated: 0, unchanged: 0 })]);
      expect(body.problems.map((p: { messageEn: string }) => p.messageEn)).toEqual([expect.stringMatching(NEUTRAL.en), expect.stringMatching(NEUTRAL.en)]);
      expectNothingAbout(res, atJustice);
    }
    expect(await registrySnapshot()).toEqual(before);
  });

  it('a child moved into the scope while its open case stays with another village is not the importer’s to change', async () => {
    const before = await registrySnapshot();
    const res = await upload(secretary, probeCsv([probeRow(movedWithCase.idNumber, { 姓名: movedWithCase.name })]), '?goodRowsOnly=true');
    expect(res.report!.counts).toMatchObject({ badRows: 1, updated: 0, unchanged: 0 });
    expect(res.report!.problems[0].messageEn).toMatch(NEUTRAL.en);
    expect(await registrySnapshot()).toEqual(before);
  });

  it('inside the scope the import still updates (the coordinator corrects the child of 双店村)', async () => {
    const res = await upload(coordinator, probeCsv([probeRow(noCase.idNumber, { 姓名: noCase.name, 学校: '故陵中学', 年级: 8, 班级: '八年级一班', '责任区/村(社区)': '双店村', 监护人: `${noCase.name}之母`, 监护人电话: '13712345678', 与学生关系: '母亲', 村民小组: '三组' })]));
    expect(res.status).toBe('done');
    expect(res.report!.counts).toMatchObject({ updated: 1, badRows: 0 });
  });
});

describe('reporting inline a child on file outside the scope', () => {
  const inline = (idNumber: string) => ({ name: '冒名儿童', idNumber, school: '故陵小学', grade: 5, className: '五年级二班', area: '高坪村', guardians: [{ name: '冒名监护人', phone: '13999999999', relation: '父亲' }] });

  it.each([
    ['secretary', () => secretary],
    ['teacher', () => teacher],
    ['principal', () => principal],
  ] as const)('%s: 409 CHILD.HANDLED_ELSEWHERE without fields, the same with or without an open case; nothing written', async (_name, user) => {
    const before = await registrySnapshot();
    const withCase = await user().post('/api/cases').send({ child: inline(atJustice.idNumber), cause: 'POVERTY' });
    const without = await user().post('/api/cases').send({ child: inline(noCase.idNumber), cause: 'POVERTY' });
    for (const res of [withCase, without]) {
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'CHILD.HANDLED_ELSEWHERE', message: expect.stringMatching(NEUTRAL.zh), messageEn: expect.stringMatching(NEUTRAL.en) });
      expect(res.body.details).toBeUndefined();
    }
    const strip = (b: Record<string, unknown>) => ({ ...b, timestamp: '' });
    expect(strip(withCase.body)).toEqual(strip(without.body));
    expectNothingAbout(withCase.body, atJustice);
    expect(await registrySnapshot()).toEqual(before);
  });

  it('by childId: a child the user cannot read is not found (404, as an unknown id); one it reads whose open case is another unit’s, the neutral 409', async () => {
    const res = await secretary.post('/api/cases').send({ childId: noCase.childId, cause: 'POVERTY' });
    expect([res.status, res.body.code]).toEqual([404, 'CHILD.NOT_FOUND']);
    const moved = await secretary.post('/api/cases').send({ childId: movedWithCase.childId, cause: 'POVERTY' });
    expect([moved.status, moved.body.code, moved.body.details]).toEqual([409, 'CHILD.HANDLED_ELSEWHERE', undefined]);
    expect(JSON.stringify(moved.body)).not.toContain(movedWithCase.caseId);
  });
});

describe('the registry', () => {
  const body = (idNumber: string) => ({ name: '冒名儿童', idNumber, school: '故陵小学', grade: 5, className: '五年级二班', area: '高坪村', guardians: [{ name: '冒名监护人', phone: '13999999999', relation: '父亲' }] });

  it('POST /api/children of an ID number on file outside the scope: the neutral 409, nothing written', async () => {
    const before = await registrySnapshot();
    const withCase = await secretary.post('/api/children').send(body(atJustice.idNumber));
    const without = await secretary.post('/api/children').send(body(noCase.idNumber));
    for (const res of [withCase, without]) {
      expect([res.status, res.body.code]).toEqual([409, 'CHILD.HANDLED_ELSEWHERE']);
      expect(res.body.details).toBeUndefined();
    }
    expectNothingAbout(withCase.body, atJustice);
    expect(await registrySnapshot()).toEqual(before);
  });

  it('PATCH still checks the record and the new values: another village’s child is not found, one’s own cannot be moved out', async () => {
    const own = (await secretary.post('/api/children').send(body(validIdNumber('2014-02-03', 'F'))).expect(201)).body;
    const before = await registrySnapshot();
    expect((await secretary.patch(`/api/children/${atJustice.childId}`).send({ name: '冒名儿童' })).status).toBe(404);
    expect((await secretary.patch(`/api/children/${own.id}`).send({ area: '双店村' })).status).toBe(403);
    // In the scope by its place, but its open case is another village's: refused with the neutral answer.
    const moved = await secretary.patch(`/api/children/${movedWithCase.childId}`).send({ guardians: [{ name: '冒名监护人', phone: '13999999999', relation: '父亲' }] });
    expect([moved.status, moved.body.code]).toEqual([409, 'CHILD.HANDLED_ELSEWHERE']);
    expect(await registrySnapshot()).toEqual(before);
  });
});

describe('the audit log', () => {
  it('records every refused attempt on a child on file: user, path, the child’s internal id and the reason, never the ID number or name', async () => {
    const rows: Array<{ username: string; path: string; child_id: string; status: number; error_code: string | null; detail: Record<string, unknown> }> = await db.dataSource.query(
      `SELECT username, path, child_id, status, error_code, detail FROM audit_log WHERE what = 'WRITE_REFUSED' ORDER BY id`,
    );
    const of = (username: string, path: string, childId: string) => rows.filter((r) => r.username === username && r.path === path && r.child_id === childId);
    // The import: every attempt (all or nothing, dry run, good rows only), one row per refused child.
    expect(of('secretary', '/api/ledger/import', atJustice.childId)).toHaveLength(3);
    expect(of('secretary', '/api/ledger/import', noCase.childId)).toHaveLength(2);
    expect(of('teacher', '/api/ledger/import', atJustice.childId)).toHaveLength(4);
    expect(of('principal', '/api/ledger/import', noCase.childId)).toHaveLength(4);
    expect(of('secretary', '/api/ledger/import', movedWithCase.childId)).toHaveLength(1);
    expect(of('secretary', '/api/cases', atJustice.childId)).toHaveLength(1);
    expect(of('secretary', '/api/cases', noCase.childId)).toHaveLength(2);
    expect(of('secretary', '/api/cases', movedWithCase.childId)).toHaveLength(1);
    expect(of('secretary', '/api/children', noCase.childId)).toHaveLength(1);
    expect(of('secretary', `/api/children/${movedWithCase.childId}`, movedWithCase.childId)).toHaveLength(1);
    expect(of('secretary', `/api/children/${atJustice.childId}`, atJustice.childId)).toHaveLength(1);
    expect(of('secretary', '/api/cases', noCase.childId).map((r) => r.detail.reason)).toEqual(['RECORD_OUTSIDE_SCOPE', 'RECORD_OUTSIDE_SCOPE']);
    expect(of('secretary', '/api/ledger/import', atJustice.childId)[0]).toMatchObject({ error_code: 'CHILD.HANDLED_ELSEWHERE', detail: { reason: 'RECORD_OUTSIDE_SCOPE', attempted: 'IMPORT_LEDGER', row: 2 } });
    const text = JSON.stringify(rows);
    for (const child of [atJustice, noCase, movedWithCase]) {
      expect(text).not.toContain(child.idNumber);
      expect(text).not.toContain(child.name);
    }
    // The coordinator's import inside the scope was not refused.
    expect(rows.filter((r) => r.username === 'coordinator')).toEqual([]);
    // The leading group finds them by child.
    const listed = await (await as(api.server, 'leader')).get(`/api/audit?what=WRITE_REFUSED&childId=${atJustice.childId}`).expect(200);
    expect(listed.body.items.length).toBe(rows.filter((r) => r.child_id === atJustice.childId).length);
  });
});
