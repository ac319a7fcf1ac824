/**
 * How tests speak to the API as a person. Until log-in exists every request is anonymous;
 * the auth work replaces this with a real log-in (POST /api/auth/login) per demo account.
 */
import type { Test } from 'supertest';

/** A bearer token for a demo account, or undefined while the API has no log-in. */
export async function tokenFor(_apiUrl: string, _username = 'coordinator'): Promise<string | undefined> {
  return undefined;
}

/** Adds the Authorization header when there is a token. */
export function withToken(req: Test, token: string | undefined): Test {
  return token ? req.set('Authorization', `Bearer ${token}`) : req;
}
