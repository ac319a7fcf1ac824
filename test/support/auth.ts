/**
 * How tests speak to the API as a person: log in as a demo account (src/api/auth/demo-accounts.ts)
 * and send its token.
 *
 *   const token = await tokenFor(api.server, 'teacher');       // or an URL: tokenFor(app.apiUrl!, 'leader')
 *   await withToken(request(api.server).get('/api/cases'), token).expect(200);
 *   const teacher = await as(api.server, 'teacher');            // the same, shorter
 *   await teacher.get('/api/cases').expect(200);
 *
 * Tokens are kept per server and user name for 10 minutes (they live 15), so a test file logs
 * each account in once: log-in is rate-limited per address and argon2 is slow on purpose.
 */
import request, { Test } from 'supertest';

/**
 * The demo accounts' password in tests: the test harnesses seed with it (test/support/api-app.ts,
 * running-app.ts). The product has no default one (a generated one per data folder, or
 * BAOXUE_DEMO_PASSWORD).
 */
export const DEMO_PASSWORD = process.env.BAOXUE_DEMO_PASSWORD?.trim() || 'baoxue-test-password';

/** What supertest can call: an URL or an http.Server (TestApi.server). */
export type ApiTarget = Parameters<typeof request>[0];

const TOKEN_REUSE_MS = 10 * 60 * 1000;
const cache = new Map<unknown, Map<string, { token: string; until: number }>>();

/** A bearer token for an account (a demo account by default password); throws when log-in fails. */
export async function tokenFor(apiUrl: ApiTarget, username = 'coordinator', password = DEMO_PASSWORD): Promise<string> {
  const byUser = cache.get(apiUrl) ?? new Map<string, { token: string; until: number }>();
  cache.set(apiUrl, byUser);
  const key = `${username}\u0000${password}`;
  const kept = byUser.get(key);
  if (kept && kept.until > Date.now()) return kept.token;
  const res = await request(apiUrl).post('/api/auth/login').send({ username, password });
  if (res.status !== 200 || typeof res.body?.accessToken !== 'string') {
    throw new Error(`log-in as ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  byUser.set(key, { token: res.body.accessToken, until: Date.now() + TOKEN_REUSE_MS });
  return res.body.accessToken;
}

/** Forgets the kept tokens (of one server, or all). */
export function forgetTokens(apiUrl?: ApiTarget): void {
  if (apiUrl === undefined) cache.clear();
  else cache.delete(apiUrl);
}

/** Adds the Authorization header when there is a token. */
export function withToken(req: Test, token: string | undefined): Test {
  return token ? req.set('Authorization', `Bearer ${token}`) : req;
}

export interface AsUser {
  username: string;
  token: string;
  get(path: string): Test;
  post(path: string): Test;
  put(path: string): Test;
  patch(path: string): Test;
  delete(path: string): Test;
}

/** Requests as an account: `(await as(api.server, 'teacher')).get('/api/cases')`. */
export async function as(apiUrl: ApiTarget, username = 'coordinator', password = DEMO_PASSWORD): Promise<AsUser> {
  const token = await tokenFor(apiUrl, username, password);
  const bearer = (req: Test) => req.set('Authorization', `Bearer ${token}`);
  return {
    username,
    token,
    get: (path) => bearer(request(apiUrl).get(path)),
    post: (path) => bearer(request(apiUrl).post(path)),
    put: (path) => bearer(request(apiUrl).put(path)),
    patch: (path) => bearer(request(apiUrl).patch(path)),
    delete: (path) => bearer(request(apiUrl).delete(path)),
  };
}
