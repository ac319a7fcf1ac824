/**
 * Hardening of the API (src/api/hardening), over the real Nest application set up by configureApp,
 * a real PostgreSQL and an in-memory engine: security headers and a CSP under which Swagger UI
 * works, rate limits (tight here) answered in the one error shape, Idempotency-Key on POST, and the
 * input checks that keep malformed bodies away from the database (400, 413, never a stack trace).
 */
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import type { CaseFacts, CaseSnapshot } from '../../src/workflows/messages';
import { IDEMPOTENCY_EXCLUDED_PATHS, MAX_BODY_DEPTH } from '../../src/api/hardening';
import { ERROR_CODES } from '../../src/api/errors';
import { createTestApi, TestApi } from '../support/api-app';
import { DEMO_PASSWORD, tokenFor, withToken } from '../support/auth';
import { FakeCaseEngine } from '../support/fake-case-engine';
import { validIdNumber } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

/** An engine whose startCase can be held open, to have a request "still running". */
class GatedEngine extends FakeCaseEngine {
  private gate?: Promise<void>;
  private openGate?: () => void;

  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  override async startCase(facts: CaseFacts): Promise<CaseSnapshot> {
    if (this.gate) await this.gate;
    return super.startCase(facts);
  }
}

function reportBody(overrides: Record<string, unknown> = {}) {
  return {
    child: {
      name: '王小明',
      idNumber: validIdNumber('2012-03-15', 'M'),
      school: '故陵小学',
      grade: 5,
      className: '五年级二班',
      area: '高坪村',
      guardians: [{ name: '王大山', phone: '13800000000', relation: '父亲' }],
    },
    cause: 'POVERTY',
    note: '开学两周未到校',
    ...overrides,
  };
}

function expectErrorShape(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ statusCode: status, code, message: expect.any(String), messageEn: expect.any(String), path: expect.any(String) });
  expect(Object.keys(res.body).sort()).toEqual(
    ['statusCode', 'code', 'message', 'messageEn', 'path', 'timestamp', ...('details' in res.body ? ['details'] : [])].sort(),
  );
  expect(ERROR_CODES).toContain(code);
  expect(res.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
}

async function count(table: string): Promise<number> {
  const rows = await db.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0].n;
}

describe('security headers', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await createTestApi({ dataSource: db.dataSource });
  });

  afterAll(() => api?.close());

  it('go with every answer, errors included, and say nothing about the server', async () => {
    for (const res of [await request(api.server).get('/api/health'), await request(api.server).get('/api/no-such-route')]) {
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['content-security-policy']).not.toContain('unsafe-eval');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('let Swagger UI at /api/docs work: every script and style it loads is ours and allowed by the CSP', async () => {
    const page = await request(api.server).get('/api/docs');
    expect(page.status).toBe(200);
    const csp = Object.fromEntries(
      String(page.headers['content-security-policy'])
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    ) as Record<string, string[]>;
    // Scripts: only from our origin, so no inline script may be needed.
    expect(csp['script-src']).toEqual(["'self'"]);
    const inlineScripts = [...page.text.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].filter((m) => m[1].trim() !== '');
    expect(inlineScripts).toEqual([]);
    // Styles: the page has inline <style> blocks, which the CSP must allow; its images are data: URIs.
    if (/<style[\s>]/.test(page.text)) expect(csp['style-src']).toContain("'unsafe-inline'");
    expect(csp['img-src']).toEqual(expect.arrayContaining(["'self'", 'data:']));
    expect(csp['connect-src'] ?? csp['default-src']).toContain("'self'");

    const assets = [...page.text.matchAll(/<(?:script[^>]*\bsrc|link[^>]*\bhref)=["']([^"']+)["']/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset).not.toMatch(/^(https?:)?\/\//); // same origin: allowed by 'self'
      const url = new URL(asset, 'http://host/api/docs').pathname;
      const res = await request(api.server).get(url);
      expect({ url, status: res.status }).toEqual({ url, status: 200 });
      if (url.endsWith('.js')) expect(res.headers['content-type']).toMatch(/javascript/);
      if (url.endsWith('.css')) expect(res.headers['content-type']).toMatch(/css/);
    }
    // The document is inlined into swagger-ui-init.js: the UI needs no request elsewhere to show it.
    const init = await request(api.server).get('/api/docs/swagger-ui-init.js');
    expect(init.text).toContain('"openapi"');
  });

  it('document Idempotency-Key on every POST and 429 on every operation', async () => {
    const doc = (await request(api.server).get('/api/docs-json')).body as {
      paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; responses: Record<string, unknown> }>>;
    };
    let posts = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        expect({ path, method, has429: '429' in operation.responses }).toEqual({ path, method, has429: true });
        if (method !== 'post' || IDEMPOTENCY_EXCLUDED_PATHS.some((re) => re.test(path))) continue;
        posts++;
        const header = operation.parameters?.find((p) => p.in === 'header' && p.name === 'Idempotency-Key');
        expect({ path, header: header?.name }).toEqual({ path, header: 'Idempotency-Key' });
        expect(operation.responses).toHaveProperty('422');
      }
    }
    expect(posts).toBeGreaterThanOrEqual(2); // reporting a case, acting on a case
  });
});

describe('rate limits', () => {
  it('log-in: a strict limit of failed log-ins per IP address, 429 REQUEST.RATE_LIMITED with Retry-After, other addresses unaffected', async () => {
    const api = await createTestApi({
      dataSource: db.dataSource,
      // The account's own lockout is tested in login-throttle.test.ts; here the address alone.
      hardening: { rateLimit: { limit: 1_000, windowMs: 60_000 }, loginRateLimit: { limit: 3, windowMs: 60_000 }, loginLockout: { afterFailures: 1_000 } },
      trustProxyHops: 1,
    });
    try {
      const login = (ip: string, password: string) =>
        request(api.server).post('/api/auth/login').set('X-Forwarded-For', ip).send({ username: 'coordinator', password });
      for (let i = 0; i < 3; i++) expect((await login('10.0.0.1', 'wrong-password')).status).not.toBe(429);
      const limited = await login('10.0.0.1', 'wrong-password');
      expectErrorShape(limited, 429, 'REQUEST.RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(limited.body.details).toMatchObject({ retryAfterSeconds: expect.any(Number), limit: 3 });
      // Blocked means blocked: the right password does not get through either.
      expect((await login('10.0.0.1', DEMO_PASSWORD)).status).toBe(429);
      // Another address is another client.
      expect((await login('10.0.0.2', 'wrong-password')).status).not.toBe(429);
    } finally {
      await api.close();
    }
  });

  it('everything else: per user when logged in, per IP address otherwise, across all routes', async () => {
    const api = await createTestApi({
      dataSource: db.dataSource,
      hardening: { rateLimit: { limit: 5, windowMs: 60_000 }, loginRateLimit: { limit: 100, windowMs: 60_000 } },
      trustProxyHops: 1,
    });
    try {
      // Log-ins from their own addresses, so they do not use up the buckets checked below.
      const login = async (username: string, ip: string) => {
        const res = await request(api.server).post('/api/auth/login').set('X-Forwarded-For', ip).send({ username, password: DEMO_PASSWORD });
        return res.body.accessToken as string | undefined;
      };
      const coordinator = await login('coordinator', '10.1.0.1');
      const leader = await login('leader', '10.1.0.2');
      // (Routes that need log-in: on a public route nobody is logged in, the address counts.)
      const paths = ['/api/cases', `/api/cases/${randomUUID()}`, '/api/cases?stage=HOME_VISIT', '/api/cases?page=2', '/api/cases'];
      for (const path of paths) {
        expect((await withToken(request(api.server).get(path).set('X-Forwarded-For', '10.1.0.9'), coordinator)).status).not.toBe(429);
      }
      const limited = await withToken(request(api.server).get('/api/cases').set('X-Forwarded-For', '10.1.0.9'), coordinator);
      expectErrorShape(limited, 429, 'REQUEST.RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      if (coordinator) {
        // Logged in, the user is the client: another user from the same address still gets through.
        expect((await withToken(request(api.server).get('/api/cases').set('X-Forwarded-For', '10.1.0.9'), leader)).status).toBe(200);
      }
      // Anonymous, the address is the client (on a public route; health is not counted: it must answer when PostgreSQL, which holds the counts, is down).
      const refresh = (ip: string) => request(api.server).post('/api/auth/refresh').set('X-Forwarded-For', ip).send({ refreshToken: 'not-a-refresh-token' });
      for (let i = 0; i < 5; i++) expect((await refresh('10.1.0.10')).status).not.toBe(429);
      expectErrorShape(await refresh('10.1.0.10'), 429, 'REQUEST.RATE_LIMITED');
      expect((await refresh('10.1.0.11')).status).not.toBe(429);
      for (let i = 0; i < 3; i++) expect((await request(api.server).get('/api/health').set('X-Forwarded-For', '10.1.0.10')).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});

describe('Idempotency-Key', () => {
  let api: TestApi<GatedEngine>;
  let token: string | undefined;

  beforeAll(async () => {
    api = await createTestApi({ dataSource: db.dataSource, engine: new GatedEngine() });
    token = await tokenFor(api.server, 'coordinator');
  });

  afterAll(() => api?.close());

  afterEach(() => {
    api.engine.release();
    api.engine.failNextStart = undefined;
  });

  const report = (body: object, key?: string, as = token) => {
    const req = withToken(request(api.server).post('/api/cases'), as);
    return (key === undefined ? req : req.set('Idempotency-Key', key)).send(body);
  };

  it('runs the first request, answers a repeat with the stored answer and Idempotency-Replayed, and does nothing twice', async () => {
    const key = randomUUID();
    const body = reportBody();
    const [casesBefore, startedBefore] = [await count('cases'), api.engine.started.length];
    const first = await report(body, key);
    expect(first.status).toBe(201);
    expect(first.headers['idempotency-replayed']).toBeUndefined();

    const again = await report(body, key);
    expect(again.status).toBe(201);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.body).toEqual(first.body);

    expect(api.engine.started.length - startedBefore).toBe(1);
    expect((await count('cases')) - casesBefore).toBe(1);
    const rows = await db.dataSource.query(`SELECT method, path, status, completed_at FROM idempotency_keys WHERE key = $1`, [key]);
    expect(rows).toEqual([{ method: 'POST', path: '/api/cases', status: 201, completed_at: expect.any(Date) }]);
  });

  it('answers 422 IDEMPOTENCY.KEY_REUSED for the same key with another body, and writes nothing', async () => {
    const key = randomUUID();
    expect((await report(reportBody(), key)).status).toBe(201);
    const casesBefore = await count('cases');
    const other = await report(reportBody({ note: '另一个请求' }), key);
    expectErrorShape(other, 422, 'IDEMPOTENCY.KEY_REUSED');
    expect(await count('cases')).toBe(casesBefore);
  });

  it('answers 409 IDEMPOTENCY.IN_PROGRESS while the first request with the key still runs, then the stored answer', async () => {
    const key = randomUUID();
    const body = reportBody();
    api.engine.hold();
    const first = report(body, key).then((r) => r);
    // Wait until the first request holds the key.
    for (let i = 0; i < 100; i++) {
      const rows = await db.dataSource.query(`SELECT 1 FROM idempotency_keys WHERE key = $1`, [key]);
      if (rows.length > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const during = await report(body, key);
    expectErrorShape(during, 409, 'IDEMPOTENCY.IN_PROGRESS');
    expect(during.headers['retry-after']).toBe('1');
    api.engine.release();
    expect((await first).status).toBe(201);
    const after = await report(body, key);
    expect(after.status).toBe(201);
    expect(after.headers['idempotency-replayed']).toBe('true');
    expect(after.body.id).toBe((await first).body.id);
  });

  it('lets exactly one of many concurrent requests with one key run', async () => {
    const key = randomUUID();
    const body = reportBody();
    const startedBefore = api.engine.started.length;
    const answers = await Promise.all(Array.from({ length: 12 }, () => report(body, key)));
    const ran = answers.filter((r) => r.status === 201 && r.headers['idempotency-replayed'] === undefined);
    expect(ran).toHaveLength(1);
    for (const r of answers) {
      if (r === ran[0]) continue;
      if (r.status === 201) expect(r.body.id).toBe(ran[0].body.id);
      else expectErrorShape(r, 409, 'IDEMPOTENCY.IN_PROGRESS');
    }
    expect(api.engine.started.length - startedBefore).toBe(1);
  });

  it('gives the key back when the request fails, so the retry runs (a refused request wrote nothing)', async () => {
    const key = randomUUID();
    const body = reportBody();
    api.engine.failNextStart = new Error('temporal is down');
    expectErrorShape(await report(body, key), 503, 'ENGINE.UNAVAILABLE');
    const retry = await report(body, key);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotency-replayed']).toBeUndefined();

    // A body refused by validation does not bind the key to it either: fixed, it goes through.
    const key2 = randomUUID();
    expect((await report({ ...reportBody(), cause: 'LAZY' }, key2)).status).toBe(400);
    expect((await report(reportBody(), key2)).status).toBe(201);
  });

  it('works for actions too: a repeated action is recorded once', async () => {
    const created = await report(reportBody());
    const key = randomUUID();
    const act = () =>
      withToken(request(api.server).post(`/api/cases/${created.body.id}/actions`), token).set('Idempotency-Key', key).send({ type: 'ADD_NOTE', note: '电话联系家长' });
    const actionsBefore = api.engine.actions.length;
    const first = await act();
    expect(first.status).toBe(200);
    const again = await act();
    expect(again.status).toBe(200);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(api.engine.actions.length - actionsBefore).toBe(1);
  });

  it('keeps keys 24 hours, and takes over a key whose request was abandoned by a dead process', async () => {
    const key = randomUUID();
    expect((await report(reportBody(), key)).status).toBe(201);
    await db.dataSource.query(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`, [key]);
    const fresh = await report(reportBody(), key); // another body: after expiry the key is new
    expect(fresh.status).toBe(201);
    expect(fresh.headers['idempotency-replayed']).toBeUndefined();

    const abandoned = randomUUID();
    const principal = (await db.dataSource.query(`SELECT principal FROM idempotency_keys WHERE key = $1`, [key]))[0].principal;
    await db.dataSource.query(
      `INSERT INTO idempotency_keys (key, principal, method, path, request_hash, created_at) VALUES ($1, $2, 'POST', '/api/cases', $3, now() - interval '10 minutes')`,
      [abandoned, principal, '0'.repeat(64)],
    );
    expect((await report(reportBody(), abandoned)).status).toBe(201);
  });

  it('keeps keys apart per user: another user with the same key never gets the first answer', async () => {
    const key = randomUUID();
    expect((await report(reportBody(), key)).status).toBe(201);
    const leader = await tokenFor(api.server, 'leader');
    if (!leader) return; // no log-in yet: every request is the same anonymous client
    const other = await report(reportBody(), key, leader);
    expect(other.headers['idempotency-replayed']).toBeUndefined();
  });

  it('refuses a malformed key with 400 IDEMPOTENCY.KEY_INVALID; works without one; ignores it on GET; never stores a log-in', async () => {
    for (const bad of ['has space', 'x'.repeat(201), '', 'tab\there', 'é']) {
      const res = await withToken(request(api.server).post('/api/cases'), token).set('Idempotency-Key', bad).send(reportBody());
      expectErrorShape(res, 400, 'IDEMPOTENCY.KEY_INVALID');
    }
    const keysBefore = await count('idempotency_keys');
    expect((await report(reportBody())).status).toBe(201);
    expect(await count('idempotency_keys')).toBe(keysBefore);
    expect((await withToken(request(api.server).get('/api/cases'), token).set('Idempotency-Key', 'has space')).status).toBe(200);

    const loginKey = randomUUID();
    for (let i = 0; i < 2; i++) {
      const res = await request(api.server)
        .post('/api/auth/login')
        .set('Idempotency-Key', loginKey)
        .send({ username: 'coordinator', password: DEMO_PASSWORD });
      expect(res.headers['idempotency-replayed']).toBeUndefined();
    }
    expect(await db.dataSource.query(`SELECT 1 FROM idempotency_keys WHERE key = $1`, [loginKey])).toEqual([]);
  });
});

describe('input checks and the one error shape', () => {
  let api: TestApi;
  let token: string | undefined;

  beforeAll(async () => {
    api = await createTestApi({ dataSource: db.dataSource });
    token = await tokenFor(api.server, 'coordinator');
  });

  afterAll(() => api?.close());

  const post = (path: string) => withToken(request(api.server).post(path), token);

  it('refuses unknown fields and wrong types with 400 and a message per field', async () => {
    const res = await post('/api/cases').send({ ...reportBody({ cause: 42 }), extra: 'x', child: { ...reportBody().child, grade: 'five', hacked: true } });
    expectErrorShape(res, 400, 'REQUEST.VALIDATION_FAILED');
    const fields = (res.body.details.fields as Array<{ field: string; constraint: string; message: string; messageEn: string }>).map((f) => [f.field, f.constraint]);
    expect(fields).toEqual(
      expect.arrayContaining([
        ['extra', 'whitelistValidation'],
        ['child.hacked', 'whitelistValidation'],
        ['child.grade', 'isInt'],
        ['cause', 'isIn'],
      ]),
    );
  });

  it('refuses a body over the limit with 413 REQUEST.TOO_LARGE', async () => {
    expectErrorShape(await post('/api/cases').send(reportBody({ note: '很'.repeat(60_000) })), 413, 'REQUEST.TOO_LARGE');
  });

  it('refuses the NUL character anywhere (PostgreSQL cannot store it) with 400 naming the field, and writes nothing', async () => {
    const before = await count('children');
    const res = await post('/api/cases').send(reportBody({ note: 'a\u0000b' }));
    expectErrorShape(res, 400, 'REQUEST.VALIDATION_FAILED');
    expect(res.body.details.fields[0]).toMatchObject({ field: 'note', constraint: 'noNulCharacter' });
    const inName = await post('/api/cases').send({ ...reportBody(), child: { ...reportBody().child, name: '王\u0000明' } });
    expect(inName.body.details.fields[0]).toMatchObject({ field: 'child.name', constraint: 'noNulCharacter' });
    expect((await post(`/api/cases/${randomUUID()}/actions`).send({ type: 'ADD_NOTE', note: '\u0000' })).status).toBe(400);
    expect(await count('children')).toBe(before);
  });

  it('refuses the keys __proto__, constructor and prototype anywhere (they made class-transformer fail: 500)', async () => {
    for (const raw of ['{"type":"ADD_NOTE","note":"x","x":{"constructor":1}}', '{"type":"ADD_NOTE","note":"x","__proto__":{"isAdmin":true}}', '{"type":"ADD_NOTE","a":[{"prototype":{}}]}']) {
      const res = await post(`/api/cases/${randomUUID()}/actions`).set('content-type', 'application/json').send(raw);
      expectErrorShape(res, 400, 'REQUEST.VALIDATION_FAILED');
      expect(res.body.details.fields[0].constraint).toBe('forbiddenKey');
    }
  });

  it('refuses a lone UTF-16 surrogate (not text; PostgreSQL refuses it in jsonb) and a NUL in the path', async () => {
    const res = await post('/api/cases').set('content-type', 'application/json').send(JSON.stringify(reportBody({ note: 'x' })).replace('"x"', '"\\ud800"'));
    expectErrorShape(res, 400, 'REQUEST.VALIDATION_FAILED');
    expect(res.body.details.fields[0]).toMatchObject({ field: 'note', constraint: 'wellFormedUnicode' });
    expectErrorShape(await withToken(request(api.server).get('/api/cases/%00'), token), 400, 'REQUEST.VALIDATION_FAILED');
  });

  it(`refuses bodies nested deeper than ${MAX_BODY_DEPTH} levels with 400 (deep nesting used to overflow the validator's stack: 500)`, async () => {
    for (const depth of [MAX_BODY_DEPTH + 1, 1_500, 3_000]) {
      let deep: unknown = 'x';
      for (let i = 0; i < depth; i++) deep = i % 2 ? { a: deep } : [deep];
      const res = await post('/api/cases').send({ ...reportBody(), child: { ...reportBody().child, guardians: deep } });
      expect(res.status).toBe(400);
      expect(res.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }
  });

  it('answers an unexpected failure with 500 INTERNAL.ERROR and nothing of the error itself', async () => {
    const created = await post('/api/cases').send(reportBody());
    api.engine.refuseWith = new Error('secret detail at /srv/app/x.ts:12');
    try {
      const res = await post(`/api/cases/${created.body.id}/actions`).send({ type: 'ADD_NOTE', note: 'x' });
      expectErrorShape(res, 500, 'INTERNAL.ERROR');
      expect(res.text).not.toContain('secret detail');
    } finally {
      api.engine.refuseWith = undefined;
    }
  });
});
