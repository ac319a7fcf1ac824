/**
 * Account administration over HTTP on a real PostgreSQL (fake engine): the town administrator
 * creates, edits, switches off and resets accounts of their own town only; a one-time password
 * forces a change at the first log-in (only the change works until then); every change is in the
 * audit log without a password. And `npm run admin -- create-first` (dist/admin-main.js, built by
 * `npm run build`) on an empty database, and its refusal on a database with accounts.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { loadResponsibilityChains, responsibilityPathFor } from '../../src/responsibility/chains';
import { ResponsibilityDirectory } from '../../src/responsibility/directory';
import { DEFAULT_TOWN_PATH, loadTowns } from '../../src/read-model/town';
import { createTestApi, TestApi } from '../support/api-app';
import { as, AsUser } from '../support/auth';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;
let api: TestApi;
let admin: AsUser;

beforeAll(async () => {
  db = await createTestDatabase();
  const towns = loadTowns();
  const chains = new ResponsibilityDirectory([loadResponsibilityChains(responsibilityPathFor(DEFAULT_TOWN_PATH), towns.default)]);
  api = await createTestApi({ dataSource: db.dataSource, towns, responsibility: chains });
  admin = await as(api.server, 'admin');
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

function logIn(username: string, password: string) {
  return request(api.server).post('/api/auth/login').send({ username, password });
}

async function auditRows(what: string): Promise<Array<{ username: string; status: number; error_code: string | null; detail: Record<string, unknown>; case_id: string | null }>> {
  return db.dataSource.query(`SELECT username, status, error_code, detail, case_id FROM audit_log WHERE what = $1 ORDER BY id`, [what]);
}

const NEW_TEACHER = { username: 'Wang.Li', displayName: '王丽', role: 'TEACHER', school: '故陵小学', grade: 3, className: '三年级二班' };

describe('who administers accounts', () => {
  it('only the town administrator: every other role gets 403, recorded', async () => {
    for (const username of ['coordinator', 'leader', 'teacher']) {
      const res = await (await as(api.server, username)).get('/api/accounts').expect(403);
      expect(res.body.code).toBe('AUTH.FORBIDDEN');
      expect(res.body.message).toContain('账号管理员');
    }
    await request(api.server).get('/api/accounts').expect(401);
    const refused = (await auditRows('LIST_ACCOUNTS')).filter((r) => r.status === 403).map((r) => r.username);
    expect(refused).toEqual(['coordinator', 'leader', 'teacher']);
  });

  it('the administrator reads no case and no child', async () => {
    const list = await admin.get('/api/cases').expect(200);
    expect(list.body.total).toBe(0);
    await admin.get('/api/children').expect(403);
  });
});

describe('the town administrator', () => {
  let created: { account: { id: string; username: string; mustChangePassword: boolean; school: string }; oneTimePassword: string };

  it('lists the town\'s accounts with their posts in the responsibility chains', async () => {
    const res = await admin.get('/api/accounts').expect(200);
    const teacher = res.body.items.find((a: { username: string }) => a.username === 'teacher');
    expect(teacher).toMatchObject({ role: 'TEACHER', roleLabel: { zh: '班主任/教师' }, active: true, mustChangePassword: false, demo: true });
    expect(teacher.posts).toEqual([{ post: 'CLASS_TEACHER', label: { zh: '故陵小学五年级二班班主任（包班）', en: expect.any(String) } }]);
    expect(res.body.vacantPosts).toEqual([]);
    const filtered = await admin.get('/api/accounts?role=PRINCIPAL&active=true&q=middle').expect(200);
    expect(filtered.body.items.map((a: { username: string }) => a.username).sort()).toEqual(['middle-g7', 'middle-g8', 'middle-g9', 'middle-vice', 'principal-middle']);
    await admin.get('/api/accounts?role=KING').expect(400);
  });

  it('creates an account with a one-time password, the place checked against the role and the town', async () => {
    const res = await admin.post('/api/accounts').send(NEW_TEACHER).expect(201);
    created = res.body;
    expect(res.headers.location).toBe(`/api/accounts/${created.account.id}`);
    expect(created.account).toMatchObject({ username: 'wang.li', role: 'TEACHER', school: 'GULING_PRIMARY', grade: 3, className: '三年级二班', area: null, mustChangePassword: true });
    expect(created.oneTimePassword).toMatch(/^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$/);

    const taken = await admin.post('/api/accounts').send({ ...NEW_TEACHER, username: 'wang.li' }).expect(409);
    expect(taken.body).toMatchObject({ code: 'ACCOUNT.USERNAME_TAKEN' });
    const noClass = await admin.post('/api/accounts').send({ ...NEW_TEACHER, username: 'zhao', grade: undefined, className: undefined }).expect(400);
    expect(noClass.body).toMatchObject({ code: 'ACCOUNT.PLACE_REQUIRED', message: '岗位"班主任/教师"须填写：年级、班级' });
    const noSchool = await admin.post('/api/accounts').send({ ...NEW_TEACHER, username: 'zhao', school: '北京四中' }).expect(400);
    expect(noSchool.body).toMatchObject({ code: 'SCHOOL.UNKNOWN', message: '本镇没有学校"北京四中"' });
    const badName = await admin.post('/api/accounts').send({ ...NEW_TEACHER, username: '王丽' }).expect(400);
    expect(badName.body.details.fields[0]).toMatchObject({ field: 'username', message: expect.stringContaining('小写字母') });
    // A coordinator's row keeps no school: the fields the role does not use are dropped.
    const officer = await admin.post('/api/accounts').send({ username: 'liu.officer', displayName: '刘明', role: 'DAILY_OFFICER', school: 'GULING_PRIMARY' }).expect(201);
    expect(officer.body.account.school).toBeNull();
  });

  it('forces a change at the first log-in: only the change endpoint works until then', async () => {
    const login = await logIn('wang.li', created.oneTimePassword).expect(200);
    expect(login.body.passwordChangeRequired).toBe(true);
    const token = login.body.accessToken;
    const blocked = await request(api.server).get('/api/cases').set('Authorization', `Bearer ${token}`).expect(403);
    expect(blocked.body).toMatchObject({ code: 'AUTH.PASSWORD_CHANGE_REQUIRED', message: expect.stringContaining('请先修改密码') });
    await request(api.server).get('/api/me/tasks').set('Authorization', `Bearer ${token}`).expect(403);
    // The refresh works (the page keeps its session while the person types), and still says so.
    const refreshed = await request(api.server).post('/api/auth/refresh').send({ refreshToken: login.body.refreshToken }).expect(200);
    expect(refreshed.body.passwordChangeRequired).toBe(true);

    const changed = await request(api.server)
      .post('/api/auth/password')
      .set('Authorization', `Bearer ${refreshed.body.accessToken}`)
      .send({ oldPassword: created.oneTimePassword, newPassword: 'sanban-2027-guling' })
      .expect(200);
    expect(changed.body.passwordChangeRequired).toBe(false);
    await request(api.server).get('/api/cases').set('Authorization', `Bearer ${changed.body.accessToken}`).expect(200);
    await logIn('wang.li', created.oneTimePassword).expect(401);
    const again = await logIn('wang.li', 'sanban-2027-guling').expect(200);
    expect(again.body.passwordChangeRequired).toBe(false);
    const rows = (await auditRows('CHANGE_PASSWORD')).filter((r) => r.username === 'wang.li');
    expect(rows.map((r) => [r.status, r.detail.wasOneTime])).toEqual([[200, true]]);
  });

  it('edits role and place: a class teacher becomes a village cadre, the school is dropped, the change audited', async () => {
    const res = await admin.patch(`/api/accounts/${created.account.id}`).send({ role: 'VILLAGE_CADRE', area: '高坪村' }).expect(200);
    expect(res.body).toMatchObject({ role: 'VILLAGE_CADRE', area: 'GAOPING', school: null, grade: null, className: null });
    const missing = await admin.patch(`/api/accounts/${created.account.id}`).send({ role: 'PRINCIPAL' }).expect(400);
    expect(missing.body.code).toBe('ACCOUNT.PLACE_REQUIRED');
    const rows = (await auditRows('UPDATE_ACCOUNT')).filter((r) => r.status === 200);
    expect(rows.at(-1)!.detail).toMatchObject({
      accountId: created.account.id,
      username: 'wang.li',
      changes: { role: ['TEACHER', 'VILLAGE_CADRE'], area: [null, 'GAOPING'], school: ['GULING_PRIMARY', null], grade: [3, null], className: ['三年级二班', null] },
    });
    // The audit row names the account in its detail, not as a case.
    expect(rows.at(-1)!.case_id).toBeNull();
  });

  it('keeps where notifications go: a mainland mobile number and a WeCom userid, null clears; a number that is no mainland mobile is refused in Chinese; the audit masks the number', async () => {
    const res = await admin.patch(`/api/accounts/${created.account.id}`).send({ phone: '13912345678', wecomUserId: 'WangLi' }).expect(200);
    expect(res.body).toMatchObject({ phone: '13912345678', wecomUserId: 'WangLi' });
    for (const phone of ['12912345678', '1391234567', '+8613912345678', '139 1234 5678']) {
      const bad = await admin.patch(`/api/accounts/${created.account.id}`).send({ phone }).expect(400);
      expect(bad.body).toMatchObject({ code: 'REQUEST.VALIDATION_FAILED' });
      expect(bad.body.details.fields[0]).toMatchObject({ field: 'phone', message: expect.stringContaining('11 位大陆手机号') });
    }
    const badUser = await admin.patch(`/api/accounts/${created.account.id}`).send({ wecomUserId: '王丽' }).expect(400);
    expect(badUser.body.details.fields[0]).toMatchObject({ field: 'wecomUserId', message: expect.stringContaining('企业微信') });
    expect((await admin.get(`/api/accounts/${created.account.id}`).expect(200)).body.phone).toBe('13912345678');
    const rows = (await auditRows('UPDATE_ACCOUNT')).filter((r) => r.status === 200);
    expect(rows.at(-1)!.detail).toMatchObject({ changes: { phone: [null, '139****5678'], wecomUserId: [null, 'WangLi'] } });
    const cleared = await admin.patch(`/api/accounts/${created.account.id}`).send({ phone: null }).expect(200);
    expect(cleared.body).toMatchObject({ phone: null, wecomUserId: 'WangLi' });
  });

  it('switches an account off (its sessions end at once) and on again', async () => {
    const session = (await logIn('wang.li', 'sanban-2027-guling').expect(200)).body;
    const off = await admin.patch(`/api/accounts/${created.account.id}`).send({ active: false }).expect(200);
    expect(off.body.active).toBe(false);
    await request(api.server).get('/api/cases').set('Authorization', `Bearer ${session.accessToken}`).expect(401);
    const refresh = await request(api.server).post('/api/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
    expect(refresh.body.details.reason).toBe('REVOKED');
    await logIn('wang.li', 'sanban-2027-guling').expect(401);
    await admin.patch(`/api/accounts/${created.account.id}`).send({ active: true }).expect(200);
    await logIn('wang.li', 'sanban-2027-guling').expect(200);
    const rows = (await auditRows('UPDATE_ACCOUNT')).filter((r) => r.status === 200 && (r.detail.changes as Record<string, unknown>).active);
    expect(rows.map((r) => (r.detail.changes as Record<string, unknown>).active)).toEqual([
      [true, false],
      [false, true],
    ]);
    expect(rows[0].detail.sessionsEnded).toBeGreaterThanOrEqual(1);
  });

  it('resets a password to a new one-time one: the old password and every session end', async () => {
    const session = (await logIn('wang.li', 'sanban-2027-guling').expect(200)).body;
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the reset falls in a later second than the token
    const res = await admin.post(`/api/accounts/${created.account.id}/password-reset`).expect(200);
    expect(res.body.account.mustChangePassword).toBe(true);
    await request(api.server).get('/api/cases').set('Authorization', `Bearer ${session.accessToken}`).expect(401);
    await request(api.server).post('/api/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
    await logIn('wang.li', 'sanban-2027-guling').expect(401);
    const fresh = await logIn('wang.li', res.body.oneTimePassword).expect(200);
    expect(fresh.body.passwordChangeRequired).toBe(true);
    const rows = await auditRows('RESET_PASSWORD');
    // This session and the one of the last log-in of the test before.
    expect(rows.at(-1)).toMatchObject({ username: 'admin', status: 200, detail: { username: 'wang.li', sessionsEnded: 2 } });
  });

  it('cannot lock the town out: not its own deactivation, role change or reset', async () => {
    const me = (await admin.get('/api/accounts?q=admin').expect(200)).body.items.find((a: { username: string }) => a.username === 'admin');
    const off = await admin.patch(`/api/accounts/${me.id}`).send({ active: false }).expect(409);
    expect(off.body.code).toBe('ACCOUNT.OWN_ACCOUNT');
    await admin.patch(`/api/accounts/${me.id}`).send({ role: 'COORDINATOR' }).expect(409);
    await admin.post(`/api/accounts/${me.id}/password-reset`).expect(409);
    await admin.patch(`/api/accounts/${me.id}`).send({ displayName: '故陵镇账号管理员（新）' }).expect(200);
  });

  it('never stores an answer holding a one-time password for an Idempotency-Key replay', async () => {
    const key = 'acc-create-0001';
    const first = await admin.post('/api/accounts').set('Idempotency-Key', key).send({ username: 'zhou.ping', displayName: '周平', role: 'TOWN_OFFICE' }).expect(201);
    const stored = await db.dataSource.query(`SELECT * FROM idempotency_keys`);
    expect(JSON.stringify(stored)).not.toContain(first.body.oneTimePassword);
    // A retry runs again: the user name is now taken, and no password is replayed.
    const retry = await admin.post('/api/accounts').set('Idempotency-Key', key).send({ username: 'zhou.ping', displayName: '周平', role: 'TOWN_OFFICE' }).expect(409);
    expect(retry.headers['idempotency-replayed']).toBeUndefined();
  });

  it('never writes a password into the audit log', async () => {
    const rows: Array<{ detail: unknown }> = await db.dataSource.query(`SELECT detail FROM audit_log WHERE what IN ('CREATE_ACCOUNT', 'UPDATE_ACCOUNT', 'RESET_PASSWORD', 'CHANGE_PASSWORD')`);
    const text = JSON.stringify(rows);
    expect(text).not.toContain(created.oneTimePassword);
    expect(text).not.toContain('sanban-2027-guling');
    expect(text).not.toMatch(/password"?:/i);
    const creates = (await auditRows('CREATE_ACCOUNT')).filter((r) => r.status === 201);
    expect(creates[0].detail).toMatchObject({ username: 'wang.li', changes: { role: [null, 'TEACHER'], school: [null, 'GULING_PRIMARY'] } });
  });
});

describe('an administrator is scoped to their town', () => {
  it('another town\'s account does not exist for them (404), and is not listed', async () => {
    const [other] = await db.dataSource.query(
      `INSERT INTO users (username, display_name, password_hash, role, town) SELECT 'far.away', '外镇干部', password_hash, 'COORDINATOR', 'OTHERTOWN' FROM users WHERE username = 'admin' RETURNING id`,
    );
    const list = await admin.get('/api/accounts').expect(200);
    expect(list.body.items.map((a: { username: string }) => a.username)).not.toContain('far.away');
    expect((await admin.get(`/api/accounts/${other.id}`).expect(404)).body).toMatchObject({ code: 'ACCOUNT.NOT_FOUND', message: '本镇没有这个账号' });
    await admin.patch(`/api/accounts/${other.id}`).send({ active: false }).expect(404);
    await admin.post(`/api/accounts/${other.id}/password-reset`).expect(404);
    const [row] = await db.dataSource.query(`SELECT active, must_change_password FROM users WHERE id = $1`, [other.id]);
    expect(row).toEqual({ active: true, must_change_password: false });
    expect((await admin.get('/api/accounts/not-a-uuid').expect(400)).body.code).toBe('ACCOUNT.INVALID_ID');
  });
});

describe('npm run admin -- create-first', () => {
  function run(args: string[], env: Record<string, string>, stdin?: string): Promise<{ code: number | null; out: string; err: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'admin-main.js'), ...args], {
        env: { ...process.env, BAOXUE_DATA_DIR: '/nonexistent-baoxue-data', ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out, err }));
      child.stdin.end(stdin ?? '');
    });
  }

  it('explains itself in Chinese and English', async () => {
    const help = await run(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.out).toContain('npm run admin -- create-first --town <code> --username <name>');
    expect(help.out).toContain('创建第一个账号管理员');
    expect(help.out).toContain('Creates the first account administrator');
    const wrong = await run(['create-first', '--town', 'GULING'], {});
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('--username');
  });

  it('creates the first administrator on a database with no accounts, who logs in and must change the password', async () => {
    const empty = await createTestDatabase();
    try {
      const res = await run(['create-first', '--town', 'GULING', '--username', 'first.admin'], { DATABASE_URL: empty.url });
      expect(res.err).toBe('');
      expect(res.code).toBe(0);
      const password = /one-time password, shown this once, changed at the first log-in: (\S+)/.exec(res.out)?.[1];
      expect(password).toBeDefined();
      const [row] = await empty.dataSource.query(`SELECT username, role, town, must_change_password, display_name FROM users`);
      expect(row).toEqual({ username: 'first.admin', role: 'TOWN_ADMIN', town: 'GULING', must_change_password: true, display_name: '云阳县故陵镇账号管理员' });
      const [audit] = await empty.dataSource.query(`SELECT what, method, detail FROM audit_log`);
      expect(audit).toMatchObject({ what: 'CREATE_ACCOUNT', method: 'CLI', detail: { username: 'first.admin', firstAdministrator: true } });
      expect(JSON.stringify(audit)).not.toContain(password!);

      const second = await createTestApi({ dataSource: empty.dataSource, seedDemo: false });
      try {
        const login = await request(second.server).post('/api/auth/login').send({ username: 'first.admin', password }).expect(200);
        expect(login.body).toMatchObject({ passwordChangeRequired: true, user: { role: 'TOWN_ADMIN' } });
        await request(second.server).get('/api/accounts').set('Authorization', `Bearer ${login.body.accessToken}`).expect(403);
      } finally {
        await second.close();
      }

      // Refused on a database that holds an account, whoever's.
      const again = await run(['create-first', '--town', 'GULING', '--username', 'second.admin'], { DATABASE_URL: empty.url });
      expect(again.code).toBe(2);
      expect(again.err).toContain('数据库中已有 1 个账号');
      expect((await empty.dataSource.query(`SELECT count(*)::int AS n FROM users`))[0].n).toBe(1);
    } finally {
      await empty.drop();
    }
  });

  it('reads the one-time password from stdin when asked, and refuses a weak one, an unknown town and a non-empty database', async () => {
    const empty = await createTestDatabase();
    try {
      const weak = await run(['create-first', '--town', 'GULING', '--username', 'boss', '--password-stdin'], { DATABASE_URL: empty.url }, 'short\n');
      expect(weak.code).toBe(2);
      expect(weak.err).toContain('至少 10 个字符');
      const town = await run(['create-first', '--town', 'NOWHERE', '--username', 'boss'], { DATABASE_URL: empty.url });
      expect(town.code).toBe(2);
      expect(town.err).toContain('没有这个乡镇');
      const ok = await run(['create-first', '--town', 'GULING', '--username', 'boss', '--password-stdin'], { DATABASE_URL: empty.url }, 'chosen-by-ops-2027\n');
      expect(ok.code).toBe(0);
      expect(ok.out).not.toContain('chosen-by-ops-2027');
      const api2 = await createTestApi({ dataSource: empty.dataSource, seedDemo: false });
      try {
        await request(api2.server).post('/api/auth/login').send({ username: 'boss', password: 'chosen-by-ops-2027' }).expect(200);
      } finally {
        await api2.close();
      }
    } finally {
      await empty.drop();
    }
    // The test database of this file holds the demo accounts: refused.
    const full = await run(['create-first', '--town', 'GULING', '--username', 'boss'], { DATABASE_URL: db.url });
    expect(full.code).toBe(2);
    expect(full.err).toMatch(/数据库中已有 \d+ 个账号/);
  });

  it('without DATABASE_URL and without a data folder, says where to start', async () => {
    const res = await run(['create-first', '--town', 'GULING', '--username', 'boss'], { DATABASE_URL: '' });
    expect(res.code).toBe(2);
    expect(res.err).toContain('holds no baoxue data');
  });
});
