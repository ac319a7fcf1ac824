/**
 * Log-in throttling over HTTP, on the real application and a real PostgreSQL (fake engine): FAILED
 * log-ins are counted per account and per address, in PostgreSQL (table login_throttle), so every
 * API process enforces the same limits; successes are never counted. An account locks after
 * repeated wrong passwords, whichever addresses they came from, with a clear message and
 * Retry-After; every failure and every lockout is in the audit log; the right password after the
 * lock resets the account's counter.
 */
import request from 'supertest';
import { createTestApi, TestApi } from '../support/api-app';
import { DEMO_PASSWORD } from '../support/auth';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;
let api: TestApi;
/** A second API process on the same database: the counters are shared. */
let other: TestApi;

const LOCK_AFTER = 5;

beforeAll(async () => {
  db = await createTestDatabase();
  const hardening = {
    rateLimit: { limit: 100_000, windowMs: 60_000 },
    loginRateLimit: { limit: 10, windowMs: 60_000 },
    loginLockout: { afterFailures: LOCK_AFTER },
  };
  api = await createTestApi({ dataSource: db.dataSource, hardening, trustProxyHops: 1 });
  other = await createTestApi({ dataSource: db.dataSource, hardening, trustProxyHops: 1, seedDemo: false });
});

afterAll(async () => {
  await other?.close();
  await api?.close();
  await db?.drop();
});

function login(target: TestApi, ip: string, username: string, password: string) {
  return request(target.server).post('/api/auth/login').set('X-Forwarded-For', ip).send({ username, password });
}

async function auditRows(username: string) {
  return db.dataSource.query(`SELECT what, status, error_code, ip, town, detail FROM audit_log WHERE username = $1 ORDER BY id`, [username]);
}

describe('per account', () => {
  it('locks the account after repeated wrong passwords from many addresses, even for the right password from a new address, with Retry-After', async () => {
    const answers: number[] = [];
    // Spread over two API processes and a new address each time: neither the address nor the process helps.
    for (let i = 0; i < LOCK_AFTER; i++) answers.push((await login(i % 2 ? other : api, `10.9.0.${i + 1}`, 'leader', `guess-${i}`)).status);
    expect(answers).toEqual([401, 401, 401, 401, 429]);

    const locked = await login(api, '10.9.1.1', 'leader', DEMO_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ statusCode: 429, code: 'AUTH.ACCOUNT_LOCKED', details: { retryAfterSeconds: expect.any(Number) } });
    expect(locked.body.message).toMatch(/锁定.*分钟后再试/);
    expect(locked.body.messageEn).toMatch(/locked/);
    expect(locked.body).not.toHaveProperty('accessToken');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    const rows = await auditRows('leader');
    expect(rows.filter((r: { what: string }) => r.what === 'LOGIN_FAILED')).toHaveLength(LOCK_AFTER + 1);
    const lockouts = rows.filter((r: { what: string }) => r.what === 'LOGIN_LOCKED');
    expect(lockouts).toEqual([
      expect.objectContaining({ status: 429, error_code: 'AUTH.ACCOUNT_LOCKED', ip: `10.9.0.${LOCK_AFTER}`, town: 'GULING', detail: expect.objectContaining({ failures: LOCK_AFTER, lockedSeconds: 60 }) }),
    ]);
    // The leading group reads them in its town's audit log.
    expect(rows.filter((r: { what: string; town: string | null }) => r.what === 'LOGIN_FAILED' && r.town === 'GULING')).toHaveLength(LOCK_AFTER + 1);
  });

  it('after the lock, the right password gets in and resets the counter; a wrong one locks again, for longer', async () => {
    await db.dataSource.query(`UPDATE login_throttle SET locked_until = now() - interval '1 second' WHERE kind = 'ACCOUNT' AND key = 'leader'`);
    expect((await login(api, '10.9.2.1', 'leader', DEMO_PASSWORD)).status).toBe(200);
    expect(await db.dataSource.query(`SELECT 1 FROM login_throttle WHERE kind = 'ACCOUNT' AND key = 'leader'`)).toEqual([]);

    // A fresh count: four wrong passwords are only wrong passwords.
    for (let i = 0; i < LOCK_AFTER - 1; i++) expect((await login(api, `10.9.3.${i + 1}`, 'leader', `guess-${i}`)).status).toBe(401);
    expect((await login(api, '10.9.3.9', 'leader', DEMO_PASSWORD)).status).toBe(200);

    // Locked again and again: the lock doubles (1, 2, 4 ... minutes, at most 15).
    for (let i = 0; i < LOCK_AFTER; i++) await login(api, `10.9.4.${i + 1}`, 'leader', `guess-${i}`);
    await db.dataSource.query(`UPDATE login_throttle SET locked_until = now() - interval '1 second' WHERE kind = 'ACCOUNT' AND key = 'leader'`);
    const longer = await login(api, '10.9.4.9', 'leader', 'another-guess');
    expect(longer.status).toBe(429);
    expect(longer.body.details.retryAfterSeconds).toBeGreaterThan(60);
    expect(longer.body.details.retryAfterSeconds).toBeLessThanOrEqual(120);
  });

  it('treats an unknown user name exactly like a known one, so the lock tells nothing about who exists', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LOCK_AFTER + 1; i++) statuses.push((await login(api, `10.9.5.${i + 1}`, 'no-such-user', `guess-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    const [lockout] = (await auditRows('no-such-user')).filter((r: { what: string }) => r.what === 'LOGIN_LOCKED');
    expect(lockout).toMatchObject({ town: null });
  });
});

describe('per address', () => {
  it('never counts successful log-ins: the 11th colleague behind one office address gets in', async () => {
    const colleagues = ['coordinator', 'officer', 'principal', 'teacher', 'secretary', 'cadre', 'town', 'justice', 'police', 'deputy', 'luoyang', 'huyi'];
    for (const username of colleagues) {
      const res = await login(api, '10.8.0.1', username, DEMO_PASSWORD);
      expect([username, res.status]).toEqual([username, 200]);
    }
  });

  it('counts failed log-ins of any account from one address, refuses that address (429 with Retry-After) and no other, in every API process', async () => {
    for (let i = 0; i < 10; i++) expect((await login(i % 2 ? other : api, '10.8.1.1', `sprayed-${i}`, 'guess')).status).toBe(401);
    const refused = await login(other, '10.8.1.1', 'coordinator', DEMO_PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('REQUEST.RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await login(api, '10.8.1.2', 'coordinator', DEMO_PASSWORD)).status).toBe(200);
  });
});
