/**
 * The audit log over HTTP: every read of a child's record, every report and action, and every
 * log-in is recorded with who, when, from where and the answer, refusals included; the leading
 * group reads it and nobody changes it; without the record, nothing is read.
 */
import request from 'supertest';
import { createTestApi, TestApi } from '../support/api-app';
import { as, AsUser, DEMO_PASSWORD } from '../support/auth';
import { validIdNumber } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;
let api: TestApi;
let coordinator: AsUser;
let teacher: AsUser;
let leader: AsUser;
/** A case of the teacher's class, and one of the middle school (outside the teacher's scope). */
let inClass: { id: string; childId: string };
let elsewhere: { id: string; childId: string };

function child(overrides: Record<string, unknown> = {}) {
  return {
    name: '审计儿童',
    idNumber: validIdNumber('2013-04-02', 'M'),
    school: '故陵小学',
    grade: 5,
    className: '五年级二班',
    area: '高坪村',
    guardians: [{ name: '监护人', phone: '13800000000', relation: '父亲' }],
    ...overrides,
  };
}

async function report(body: Record<string, unknown>) {
  const res = await coordinator.post('/api/cases').send({ child: body, cause: 'POVERTY' }).expect(201);
  return { id: res.body.id as string, childId: res.body.child.id as string };
}

interface AuditRow {
  id: string;
  user_id: string | null;
  username: string | null;
  role: string | null;
  ip: string | null;
  method: string;
  path: string;
  what: string;
  case_id: string | null;
  child_id: string | null;
  status: number;
  error_code: string | null;
  detail: Record<string, unknown>;
}

async function lastRows(n = 1): Promise<AuditRow[]> {
  return db.dataSource.query(`SELECT * FROM audit_log ORDER BY id DESC LIMIT $1`, [n]);
}

beforeAll(async () => {
  db = await createTestDatabase();
  api = await createTestApi({ dataSource: db.dataSource });
  [coordinator, teacher, leader] = await Promise.all([as(api.server, 'coordinator'), as(api.server, 'teacher'), as(api.server, 'leader')]);
  inClass = await report(child());
  elsewhere = await report(child({ idNumber: validIdNumber('2011-01-09', 'F'), school: '故陵中学', grade: 8, className: '八年级一班', area: '红坪村' }));
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

describe('what is recorded', () => {
  it('a read of a case: who, role, from where, which case and child, the answer', async () => {
    await teacher.get(`/api/cases/${inClass.id}`).expect(200);
    const [row] = await lastRows();
    expect(row).toMatchObject({
      username: 'teacher',
      role: 'TEACHER',
      ip: '127.0.0.1',
      method: 'GET',
      path: `/api/cases/${inClass.id}`,
      what: 'READ_CASE',
      case_id: inClass.id,
      child_id: inClass.childId,
      status: 200,
      error_code: null,
    });
    expect(row.user_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a list: the filters asked and the cases shown', async () => {
    await teacher.get('/api/cases?open=true').expect(200);
    const [row] = await lastRows();
    expect(row).toMatchObject({ what: 'LIST_CASES', status: 200, path: '/api/cases', detail: { query: { open: 'true' }, caseIds: [inClass.id], total: 1 } });
  });

  it('refusals too: a case outside the scope (404), an action the role may not take (403), a malformed id (400)', async () => {
    await teacher.get(`/api/cases/${elsewhere.id}`).expect(404);
    await teacher.post(`/api/cases/${inClass.id}/actions`).send({ type: 'ISSUE_JUDICIAL_DOCUMENT', documentNumber: '云故司〔2026〕9号' }).expect(403);
    await teacher.get('/api/cases/not-a-uuid').expect(400);
    const [malformed, forbidden, outside] = await lastRows(3);
    expect(outside).toMatchObject({ what: 'READ_CASE', case_id: elsewhere.id, child_id: elsewhere.childId, status: 404, error_code: 'CASE.NOT_FOUND', username: 'teacher' });
    expect(forbidden).toMatchObject({ what: 'ACT', case_id: inClass.id, status: 403, error_code: 'AUTH.FORBIDDEN', detail: { action: 'ISSUE_JUDICIAL_DOCUMENT' } });
    expect(malformed).toMatchObject({ what: 'READ_CASE', case_id: null, status: 400, error_code: 'CASE.INVALID_ID', detail: { caseIdGiven: 'not-a-uuid' } });
  });

  it('a report and an action, with the case and the child', async () => {
    const opened = await report(child({ idNumber: validIdNumber('2013-05-05', 'F') }));
    const [reported] = await lastRows();
    expect(reported).toMatchObject({ what: 'REPORT_CASE', method: 'POST', status: 201, case_id: opened.id, child_id: opened.childId, username: 'coordinator' });

    await teacher.post(`/api/cases/${opened.id}/actions`).send({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' }).expect(200);
    const [acted] = await lastRows();
    expect(acted).toMatchObject({ what: 'ACT', status: 200, case_id: opened.id, child_id: opened.childId, detail: { action: 'RECORD_HOME_VISIT' } });
  });

  it('log-ins, failed ones with the name tried', async () => {
    await request(api.server).post('/api/auth/login').send({ username: 'Leader', password: 'guess' }).expect(401);
    const [failed] = await lastRows();
    expect(failed).toMatchObject({ what: 'LOGIN_FAILED', user_id: null, username: 'leader', status: 401, error_code: 'AUTH.INVALID_CREDENTIALS', ip: '127.0.0.1' });
    await request(api.server).post('/api/auth/login').send({ username: 'leader', password: DEMO_PASSWORD }).expect(200);
    const [ok] = await lastRows();
    expect(ok).toMatchObject({ what: 'LOGIN', username: 'leader', role: 'LEADER', status: 200 });
    expect(JSON.stringify(ok)).not.toContain(DEMO_PASSWORD);
  });

  it('not health checks, which show no one’s data', async () => {
    const [before] = await lastRows();
    await request(api.server).get('/api/health').expect(200);
    const [after] = await lastRows();
    expect(after.id).toBe(before.id);
  });

  it('the address of the client behind a trusted proxy, and only then', async () => {
    await teacher.get(`/api/cases/${inClass.id}`).set('X-Forwarded-For', '198.51.100.23').expect(200);
    expect((await lastRows())[0].ip).toBe('127.0.0.1');

    const behindProxy = await createTestApi({ dataSource: db.dataSource, trustProxyHops: 1 });
    try {
      await (await as(behindProxy.server, 'teacher')).get(`/api/cases/${inClass.id}`).set('X-Forwarded-For', '6.6.6.6, 198.51.100.23').expect(200);
      expect((await lastRows())[0].ip).toBe('198.51.100.23');
    } finally {
      await behindProxy.close();
    }
  });
});

describe('nobody changes it', () => {
  it('the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    const [row] = await lastRows();
    await expect(db.dataSource.query(`UPDATE audit_log SET username = 'someone-else' WHERE id = $1`, [row.id])).rejects.toThrow(/append-only/);
    await expect(db.dataSource.query(`DELETE FROM audit_log WHERE id = $1`, [row.id])).rejects.toThrow(/append-only/);
    await expect(db.dataSource.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    expect((await db.dataSource.query(`SELECT username FROM audit_log WHERE id = $1`, [row.id]))[0].username).toBe(row.username);
  });

  it('the API has no route that writes or deletes it', async () => {
    // The path answers GET alone: 405, with Allow saying so.
    for (const res of [await leader.post('/api/audit').send({}), await leader.delete('/api/audit')]) {
      expect([res.status, res.headers.allow]).toEqual([405, 'GET, HEAD']);
    }
  });
});

describe('GET /api/audit', () => {
  it('is for the leading group: leader and deputy read it, every other role gets 403, and that refusal is recorded', async () => {
    for (const username of ['leader', 'deputy']) {
      await (await as(api.server, username)).get('/api/audit').expect(200);
    }
    for (const username of ['coordinator', 'officer', 'principal', 'teacher', 'secretary', 'cadre', 'town', 'justice', 'police']) {
      const res = await (await as(api.server, username)).get('/api/audit');
      expect([username, res.status, res.body.code]).toEqual([username, 403, 'AUTH.FORBIDDEN']);
      expect(res.body.items).toBeUndefined();
      const [row] = await lastRows();
      expect(row).toMatchObject({ what: 'READ_AUDIT', username, status: 403 });
    }
  });

  it('filters by case and by user name, newest first, in pages', async () => {
    const byCase = await leader.get(`/api/audit?caseId=${inClass.id}&pageSize=2`).expect(200);
    expect(byCase.body.total).toBeGreaterThanOrEqual(4);
    expect(byCase.body.items).toHaveLength(2);
    expect(byCase.body.items.every((e: { caseId: string }) => e.caseId === inClass.id)).toBe(true);
    const ids = byCase.body.items.map((e: { id: string }) => Number(e.id));
    expect(ids[0]).toBeGreaterThan(ids[1]);
    expect(byCase.body.items[0]).toMatchObject({ username: expect.any(String), what: expect.any(String), ip: expect.any(String), at: expect.any(String) });

    const byUser = await leader.get('/api/audit?username=TEACHER&what=READ_CASE').expect(200);
    expect(byUser.body.items.length).toBeGreaterThan(0);
    expect(byUser.body.items.every((e: { username: string; what: string }) => e.username === 'teacher' && e.what === 'READ_CASE')).toBe(true);
    // Each entry names its kind in words for the audit page.
    expect(byUser.body.items[0].whatLabel).toEqual({ zh: '查看案件', en: 'Read a case' });

    await leader.get('/api/audit?caseId=nope').expect(400);
    // Reading the audit log is itself recorded.
    expect((await lastRows())[0]).toMatchObject({ what: 'READ_AUDIT', username: 'leader', status: 400 });
  });
});

describe('when the record cannot be written', () => {
  afterEach(async () => {
    await db.dataSource.query(`ALTER TABLE IF EXISTS audit_log_away RENAME TO audit_log`);
  });

  it('a read is refused with 503 AUDIT.UNAVAILABLE and discloses nothing; a refusal stays unanswered too', async () => {
    await db.dataSource.query(`ALTER TABLE audit_log RENAME TO audit_log_away`);
    const read = await coordinator.get(`/api/cases/${inClass.id}`).expect(503);
    expect(read.body.code).toBe('AUDIT.UNAVAILABLE');
    expect(JSON.stringify(read.body)).not.toContain('审计儿童');
    const list = await coordinator.get('/api/cases').expect(503);
    expect(list.body.items).toBeUndefined();
    await teacher.get(`/api/cases/${elsewhere.id}`).expect(503);
  });

  it('an action already carried out is answered as it happened (a retry must not repeat it); its event names the user', async () => {
    await db.dataSource.query(`ALTER TABLE audit_log RENAME TO audit_log_away`);
    const before = api.engine.actions.length;
    const res = await teacher.post(`/api/cases/${inClass.id}/actions`).send({ type: 'ADD_NOTE', note: '审计表不可用时的备注' }).expect(200);
    expect(api.engine.actions).toHaveLength(before + 1);
    expect(res.body.events[0].actor).toBe('五年级二班班主任（teacher）');
  });
});
