/**
 * Log-in and tokens over HTTP: the real application on a real PostgreSQL (fake engine). Wrong
 * password and unknown user answer the same; a tampered, foreign, unsigned or expired token, or
 * the token of a deactivated account, is refused; only log-in, health and the docs are open.
 */
import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { seedDemoAccounts } from '../../src/api/auth/demo-accounts';
import { createTestApi, TestApi } from '../support/api-app';
import { as, DEMO_PASSWORD, tokenFor } from '../support/auth';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;
let api: TestApi;

beforeAll(async () => {
  db = await createTestDatabase();
  api = await createTestApi({ dataSource: db.dataSource });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

const CASE_ID = '3f1c2b9e-8a47-4d55-9b1e-0c6d2f4a7e21';

function login(username: string, password = DEMO_PASSWORD) {
  return request(api.server).post('/api/auth/login').send({ username, password });
}

function decode(token: string): Record<string, unknown>[] {
  return token
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
}

function sign(payload: Record<string, unknown>, secret = api.tokenSecret): string {
  return new JwtService().sign(payload, { secret, algorithm: 'HS256', issuer: 'baoxue', audience: 'baoxue-api' });
}

/** Every protected endpoint, for the "no token" and "bad token" checks. */
const PROTECTED = [
  ['GET', '/api/cases'],
  ['GET', `/api/cases/${CASE_ID}`],
  ['POST', '/api/cases'],
  ['POST', `/api/cases/${CASE_ID}/actions`],
  ['GET', '/api/audit'],
] as const;

function call(method: 'GET' | 'POST', path: string, token?: string) {
  const req = method === 'GET' ? request(api.server).get(path) : request(api.server).post(path).send({ type: 'ADD_NOTE', note: 'x' });
  return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
}

describe('POST /api/auth/login', () => {
  it('answers a 15-minute HS256 token and the user with role, place and permissions', async () => {
    const res = await login('teacher').expect(200);
    expect(res.body).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 900,
      user: {
        username: 'teacher',
        displayName: '五年级二班班主任',
        role: 'TEACHER',
        roleLabel: { zh: '班主任/教师', en: 'Class teacher' },
        school: 'GULING_PRIMARY',
        grade: 5,
        className: '五年级二班',
        actor: '五年级二班班主任（teacher）',
        permissions: { report: true, fullIdentity: true, readAudit: false, actions: expect.arrayContaining(['RECORD_HOME_VISIT']) },
      },
    });
    const [header, claims] = decode(res.body.accessToken);
    expect(header).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    expect(claims).toMatchObject({ sub: res.body.user.id, username: 'teacher', role: 'TEACHER', iss: 'baoxue', aud: 'baoxue-api' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);
    expect(JSON.stringify(claims)).not.toContain(DEMO_PASSWORD);
  });

  it('takes the user name in any case', async () => {
    await login('  Teacher ').expect(200);
  });

  it('answers a wrong password and an unknown user alike, 401 AUTH.INVALID_CREDENTIALS, after the same work', async () => {
    const wrong = await login('teacher', 'not-the-password').expect(401);
    const unknown = await login('nobody', 'not-the-password').expect(401);
    expect(wrong.body.code).toBe('AUTH.INVALID_CREDENTIALS');
    const { timestamp: _a, ...wrongBody } = wrong.body;
    const { timestamp: _b, ...unknownBody } = unknown.body;
    expect(unknownBody).toEqual(wrongBody);

    // An unknown name is checked against a decoy argon2 hash: it costs about what a wrong password costs.
    const time = async (username: string) => {
      const started = process.hrtime.bigint();
      await login(username, 'not-the-password');
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const wrongTimes: number[] = [];
    const unknownTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      wrongTimes.push(await time('teacher'));
      unknownTimes.push(await time(`nobody${i}`));
    }
    expect(median(unknownTimes)).toBeGreaterThan(median(wrongTimes) * 0.3);
  });

  it('refuses a body without user name or password with 400, and never answers a password back', async () => {
    const res = await request(api.server).post('/api/auth/login').send({ username: 'teacher' }).expect(400);
    expect(res.body.code).toBe('REQUEST.VALIDATION_FAILED');
    const extra = await request(api.server).post('/api/auth/login').send({ username: 'teacher', password: DEMO_PASSWORD, role: 'LEADER' }).expect(400);
    expect(JSON.stringify(extra.body)).not.toContain(DEMO_PASSWORD);
  });
});

describe('the bearer token', () => {
  it('is required on every endpoint but log-in, health and the docs: 401 AUTH.REQUIRED', async () => {
    for (const [method, path] of PROTECTED) {
      const res = await call(method, path);
      expect([method, path, res.status, res.body.code]).toEqual([method, path, 401, 'AUTH.REQUIRED']);
    }
    const basic = await request(api.server).get('/api/cases').set('Authorization', 'Basic dGVhY2hlcjpiYW94dWU=');
    expect(basic.body.code).toBe('AUTH.REQUIRED');
    await request(api.server).get('/api/health').expect(200);
    await request(api.server).get('/api/docs-json').expect(200);
  });

  it('works for every protected endpoint when valid', async () => {
    const coordinator = await as(api.server, 'coordinator');
    await coordinator.get('/api/cases').expect(200);
    await coordinator.get(`/api/cases/${CASE_ID}`).expect(404);
  });

  it('refuses a tampered token (a role raised in the payload), one signed with another key, an unsigned one and garbage: 401 AUTH.INVALID_TOKEN', async () => {
    const token = await tokenFor(api.server, 'teacher');
    const [header, payload, signature] = token.split('.');
    const raised = Buffer.from(JSON.stringify({ ...decode(token)[1], role: 'LEADER', username: 'leader' })).toString('base64url');
    const leader = (await login('leader').expect(200)).body.user.id as string;
    const impostor = Buffer.from(JSON.stringify({ ...decode(token)[1], sub: leader })).toString('base64url');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    const bad = [
      `${header}.${raised}.${signature}`,
      `${header}.${impostor}.${signature}`,
      `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`,
      sign({ sub: decode(token)[1].sub, username: 'teacher', role: 'TEACHER' }, 'another-key-another-key-another-key-0000'),
      unsigned,
      'not-a-token',
    ];
    for (const t of bad) {
      for (const [method, path] of PROTECTED) {
        const res = await call(method, path, t);
        expect([t.slice(0, 20), method, path, res.status, res.body.code]).toEqual([t.slice(0, 20), method, path, 401, 'AUTH.INVALID_TOKEN']);
      }
    }
    const empty = await request(api.server).get('/api/cases').set('Authorization', 'Bearer ');
    expect(empty.status).toBe(401);
  });

  it('refuses an expired token, saying it expired', async () => {
    const token = await tokenFor(api.server, 'teacher');
    const { sub } = decode(token)[1];
    const past = Math.floor(Date.now() / 1000) - 3600;
    const expired = sign({ sub, username: 'teacher', role: 'TEACHER', iat: past - 900, exp: past });
    const res = await request(api.server).get('/api/cases').set('Authorization', `Bearer ${expired}`).expect(401);
    expect(res.body).toMatchObject({ code: 'AUTH.INVALID_TOKEN', details: { reason: 'EXPIRED' }, message: '登录已过期，请重新登录' });
    // The same claims, not expired, are accepted: the key and claims were right, only the time was not.
    const fresh = sign({ sub, username: 'teacher', role: 'TEACHER', exp: Math.floor(Date.now() / 1000) + 60 });
    await request(api.server).get('/api/cases').set('Authorization', `Bearer ${fresh}`).expect(200);
  });

  it('refuses a token signed with the right key but without an expiry or an issue time (it would be valid for ever)', async () => {
    const token = await tokenFor(api.server, 'teacher');
    const { sub } = decode(token)[1];
    const claims = { sub, username: 'teacher', role: 'TEACHER', town: 'GULING' };
    const forEver = new JwtService().sign(claims, { secret: api.tokenSecret, algorithm: 'HS256', issuer: 'baoxue', audience: 'baoxue-api' });
    expect(decode(forEver)[1].exp).toBeUndefined();
    const noIssueTime = new JwtService().sign(claims, { secret: api.tokenSecret, algorithm: 'HS256', issuer: 'baoxue', audience: 'baoxue-api', expiresIn: 60, noTimestamp: true });
    expect(decode(noIssueTime)[1].iat).toBeUndefined();
    for (const bad of [forEver, noIssueTime]) {
      const res = await request(api.server).get('/api/cases').set('Authorization', `Bearer ${bad}`).expect(401);
      expect(res.body.code).toBe('AUTH.INVALID_TOKEN');
    }
    // A token that claims a longer life than the API ever gives is refused too.
    const now = Math.floor(Date.now() / 1000);
    const tooLong = sign({ ...claims, iat: now, exp: now + 30 * 86_400 });
    expect((await request(api.server).get('/api/cases').set('Authorization', `Bearer ${tooLong}`)).status).toBe(401);
  });

  it("stops working the moment the account is deactivated; log-in is refused too, with the same answer as a wrong password", async () => {
    await seedDemoAccounts(db.dataSource, 'temporary-password', [
      { username: 'teacher-leaving', displayName: '调走的老师', role: 'TEACHER', school: 'GULING_PRIMARY', grade: 3, className: '三年级一班' },
    ]);
    const token = (await login('teacher-leaving', 'temporary-password').expect(200)).body.accessToken as string;
    await request(api.server).get('/api/cases').set('Authorization', `Bearer ${token}`).expect(200);

    await db.dataSource.query(`UPDATE users SET active = false WHERE username = 'teacher-leaving'`);
    const refused = await request(api.server).get('/api/cases').set('Authorization', `Bearer ${token}`).expect(401);
    expect(refused.body.code).toBe('AUTH.INVALID_TOKEN');
    const again = await login('teacher-leaving', 'temporary-password').expect(401);
    expect(again.body.code).toBe('AUTH.INVALID_CREDENTIALS');
  });

  it('carries who the user is, while the role and place come from the account as it is now', async () => {
    await seedDemoAccounts(db.dataSource, 'temporary-password', [{ username: 'moving-cadre', displayName: '流动干部', role: 'VILLAGE_CADRE', area: 'GAOPING' }]);
    const cadre = await as(api.server, 'moving-cadre', 'temporary-password');
    await cadre.get('/api/audit').expect(403);
    await db.dataSource.query(`UPDATE users SET role = 'LEADER', area = NULL WHERE username = 'moving-cadre'`);
    await cadre.get('/api/audit').expect(200);
  });
});

describe('demo accounts', () => {
  it('seeding again creates nothing, and sets a changed password', async () => {
    const before = await db.dataSource.query(`SELECT count(*)::int AS n FROM users`);
    const again = await seedDemoAccounts(db.dataSource, DEMO_PASSWORD);
    expect(again.created).toEqual([]);
    expect(again.updated).toEqual([]);
    expect((await db.dataSource.query(`SELECT count(*)::int AS n FROM users`))[0].n).toBe(before[0].n);

    const changed = await seedDemoAccounts(db.dataSource, 'a-new-demo-password', [{ username: 'police', displayName: '杨峰', role: 'POLICE_STATION' }]);
    expect(changed.updated).toEqual(['police']);
    await login('police').expect(401);
    await login('police', 'a-new-demo-password').expect(200);
    await seedDemoAccounts(db.dataSource, DEMO_PASSWORD);
    await login('police').expect(200);
  });

  it('every demo account logs in', async () => {
    for (const username of ['leader', 'deputy', 'coordinator', 'officer', 'principal', 'teacher', 'secretary', 'cadre', 'town', 'justice', 'police']) {
      const res = await login(username);
      expect([username, res.status]).toEqual([username, 200]);
    }
  });
});
