/**
 * Sessions over HTTP on a real PostgreSQL (fake engine): log-in answers a short access token and
 * a refresh token; a refresh rotates it; a rotated token presented again revokes the whole
 * session (family); log-out revokes; a password change ends every other session at once (their
 * access tokens too); a session ends at its absolute lifetime; every step is in the audit log.
 */
import request from 'supertest';
import { createTestApi, TestApi } from '../support/api-app';
import { DEMO_PASSWORD } from '../support/auth';
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

interface Session {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  sessionExpiresAt: string;
  passwordChangeRequired: boolean;
}

async function logIn(username: string, password = DEMO_PASSWORD): Promise<Session> {
  const res = await request(api.server).post('/api/auth/login').send({ username, password }).expect(200);
  return res.body;
}

function refresh(refreshToken: string) {
  return request(api.server).post('/api/auth/refresh').send({ refreshToken });
}

function cases(accessToken: string) {
  return request(api.server).get('/api/cases').set('Authorization', `Bearer ${accessToken}`);
}

async function auditRows(what: string, username: string): Promise<Array<{ status: number; error_code: string | null; detail: Record<string, unknown> }>> {
  return db.dataSource.query(`SELECT status, error_code, detail FROM audit_log WHERE what = $1 AND username = $2 ORDER BY id`, [what, username]);
}

describe('log-in', () => {
  it('answers a 15-minute access token, an opaque refresh token and the end of a 10-hour session', async () => {
    const before = Date.now();
    const session = await logIn('teacher');
    expect(session.expiresIn).toBe(900);
    expect(session.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.passwordChangeRequired).toBe(false);
    const end = Date.parse(session.sessionExpiresAt);
    expect(end - before).toBeGreaterThanOrEqual(10 * 3600_000 - 5_000);
    expect(end - before).toBeLessThanOrEqual(10 * 3600_000 + 5_000);
    // Only a hash is stored: the token itself is nowhere in the table.
    const stored: Array<{ token_hash: string }> = await db.dataSource.query(`SELECT token_hash FROM refresh_tokens`);
    expect(stored.length).toBeGreaterThan(0);
    expect(JSON.stringify(stored)).not.toContain(session.refreshToken);
  });
});

describe('POST /api/auth/refresh', () => {
  it('rotates: a new access token and a new refresh token that works, the session keeps its end', async () => {
    const first = await logIn('principal');
    const res = await refresh(first.refreshToken).expect(200);
    const second: Session = res.body;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.sessionExpiresAt).toBe(first.sessionExpiresAt);
    expect(res.body.user).toMatchObject({ username: 'principal', role: 'PRINCIPAL' });
    await cases(second.accessToken).expect(200);
    const third: Session = (await refresh(second.refreshToken).expect(200)).body;
    await cases(third.accessToken).expect(200);
    const rows = await auditRows('REFRESH', 'principal');
    expect(rows.map((r) => r.status)).toEqual([200, 200]);
  });

  it('a rotated token presented again revokes the whole session: the thief and the owner both log in again', async () => {
    const first = await logIn('secretary');
    const second: Session = (await refresh(first.refreshToken).expect(200)).body;
    const replay = await refresh(first.refreshToken).expect(401);
    expect(replay.body).toMatchObject({ code: 'AUTH.INVALID_REFRESH_TOKEN', details: { reason: 'REUSED' } });
    expect(replay.body.message).toContain('重复使用');
    // The newest token of the family is dead too.
    const after = await refresh(second.refreshToken).expect(401);
    expect(after.body.details).toEqual({ reason: 'REVOKED' });
    const rows = await auditRows('REFRESH', 'secretary');
    expect(rows.map((r) => [r.status, r.error_code, r.detail.reason])).toEqual([
      [200, null, undefined],
      [401, 'AUTH.INVALID_REFRESH_TOKEN', 'REUSED'],
      [401, 'AUTH.INVALID_REFRESH_TOKEN', 'REVOKED'],
    ]);
    expect(rows[1].detail.revoked).toBe(2);
    // Another session of the same account lives on.
    const other = await logIn('secretary');
    await refresh(other.refreshToken).expect(200);
  });

  it('refuses unknown and malformed tokens in the error shape', async () => {
    const unknown = await refresh('A'.repeat(43)).expect(401);
    expect(unknown.body).toMatchObject({ code: 'AUTH.INVALID_REFRESH_TOKEN', message: '登录已结束，请重新登录', details: { reason: 'UNKNOWN' } });
    const malformed = await refresh('not a token').expect(400);
    expect(malformed.body).toMatchObject({ code: 'REQUEST.VALIDATION_FAILED' });
    expect(malformed.body.details.fields[0]).toMatchObject({ field: 'refreshToken', message: '不是有效的刷新令牌，请重新登录' });
    await request(api.server).post('/api/auth/refresh').send({}).expect(400);
  });

  it('ends at the absolute lifetime however active the session', async () => {
    const session = await logIn('cadre');
    await db.dataSource.query(`UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE used_at IS NULL AND user_id = (SELECT id FROM users WHERE username = 'cadre')`);
    const res = await refresh(session.refreshToken).expect(401);
    expect(res.body.details).toEqual({ reason: 'EXPIRED' });
  });

  it('an access token never outlives its session', async () => {
    const session = await logIn('justice');
    await db.dataSource.query(
      `UPDATE refresh_tokens SET expires_at = now() + interval '2 minutes' WHERE used_at IS NULL AND user_id = (SELECT id FROM users WHERE username = 'justice')`,
    );
    const next: Session = (await refresh(session.refreshToken).expect(200)).body;
    expect(next.expiresIn).toBeLessThanOrEqual(120);
    expect(next.expiresIn).toBeGreaterThan(100);
    const claims = JSON.parse(Buffer.from(next.accessToken.split('.')[1], 'base64url').toString('utf8'));
    expect(claims.exp - claims.iat).toBe(next.expiresIn);
  });

  it('refuses the session of an account switched off since', async () => {
    const session = await logIn('police');
    await db.dataSource.query(`UPDATE users SET active = false WHERE username = 'police'`);
    try {
      const res = await refresh(session.refreshToken).expect(401);
      expect(res.body.details).toEqual({ reason: 'INACTIVE' });
    } finally {
      await db.dataSource.query(`UPDATE users SET active = true WHERE username = 'police'`);
    }
  });
});

describe('POST /api/auth/logout', () => {
  it('revokes the session: its refresh token is refused after, and the log-out is audited', async () => {
    const session = await logIn('town');
    await request(api.server).post('/api/auth/logout').send({ refreshToken: session.refreshToken }).expect(204);
    const res = await refresh(session.refreshToken).expect(401);
    expect(res.body.details).toEqual({ reason: 'REVOKED' });
    const rows = await auditRows('LOGOUT', 'town');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 204, detail: { revoked: 1 } });
    // Logging out twice, or with a token nobody knows, is not an error.
    await request(api.server).post('/api/auth/logout').send({ refreshToken: session.refreshToken }).expect(204);
    await request(api.server).post('/api/auth/logout').send({ refreshToken: 'B'.repeat(43) }).expect(204);
  });
});

describe('POST /api/auth/password (own password)', () => {
  const NEW_PASSWORD = 'qiaoting-river-2027';

  it('needs the old password and a strong new one, in Chinese', async () => {
    const session = await logIn('officer');
    const change = (body: Record<string, unknown>) =>
      request(api.server).post('/api/auth/password').set('Authorization', `Bearer ${session.accessToken}`).send(body);
    const wrong = await change({ oldPassword: 'not-it', newPassword: NEW_PASSWORD }).expect(400);
    expect(wrong.body).toMatchObject({ code: 'AUTH.WRONG_PASSWORD', message: '原密码不正确' });
    const weak = await change({ oldPassword: DEMO_PASSWORD, newPassword: 'short1' }).expect(400);
    expect(weak.body.code).toBe('AUTH.WEAK_PASSWORD');
    expect(weak.body.message).toContain('至少 10 个字符');
    const noDigit = await change({ oldPassword: DEMO_PASSWORD, newPassword: 'onlyletters-here' }).expect(400);
    expect(noDigit.body.message).toContain('须同时包含字母和数字');
    const hasName = await change({ oldPassword: DEMO_PASSWORD, newPassword: 'officer12345' }).expect(400);
    expect(hasName.body.message).toContain('不能包含用户名');
    await change({ oldPassword: DEMO_PASSWORD }).expect(400);
    await request(api.server).post('/api/auth/password').send({ oldPassword: DEMO_PASSWORD, newPassword: NEW_PASSWORD }).expect(401);
  });

  it('ends every other session at once (access and refresh tokens) and goes on with a new pair', async () => {
    const phone = await logIn('officer');
    const office = await logIn('officer');
    await cases(phone.accessToken).expect(200);
    // The change must fall in a later second than the other session's token was issued.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const res = await request(api.server)
      .post('/api/auth/password')
      .set('Authorization', `Bearer ${office.accessToken}`)
      .send({ oldPassword: DEMO_PASSWORD, newPassword: NEW_PASSWORD })
      .expect(200);
    const renewed: Session = res.body;
    expect(renewed.passwordChangeRequired).toBe(false);
    await cases(renewed.accessToken).expect(200);
    await refresh(renewed.refreshToken).expect(200);

    const stale = await cases(phone.accessToken).expect(401);
    expect(stale.body).toMatchObject({ code: 'AUTH.INVALID_TOKEN', message: '密码已更改，请重新登录' });
    await cases(office.accessToken).expect(401);
    expect((await refresh(phone.refreshToken).expect(401)).body.details).toEqual({ reason: 'REVOKED' });
    expect((await refresh(office.refreshToken).expect(401)).body.details).toEqual({ reason: 'REVOKED' });

    await request(api.server).post('/api/auth/login').send({ username: 'officer', password: DEMO_PASSWORD }).expect(401);
    await logIn('officer', NEW_PASSWORD);
    const rows = await auditRows('CHANGE_PASSWORD', 'officer');
    expect(rows.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 200]);
    expect(rows[5].detail).toMatchObject({ sessionsEnded: expect.any(Number), wasOneTime: false });
    expect(JSON.stringify(rows)).not.toContain(NEW_PASSWORD);
  });
});
