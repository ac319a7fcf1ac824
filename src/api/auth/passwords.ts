/**
 * Password hashing with argon2id (memory-hard), in the PHC string format the users table checks.
 * Parameters: 19 MiB, 2 passes, 1 lane, the OWASP recommendation for argon2id.
 */
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Options } from '@node-rs/argon2';

/**
 * argon2id. Written as its number: the package declares Algorithm as a `const enum`, which
 * transpilers that compile file by file (swc in the tests) cannot inline.
 */
const ARGON2ID = 2;

export const ARGON2_OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** False for a wrong password and for a hash that cannot be read. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * A hash of a random password: log-in verifies against it when the user name is unknown, so an
 * unknown name costs the same time as a wrong password and the answer does not tell them apart.
 */
export function decoyHash(): Promise<string> {
  return hashPassword(randomBytes(24).toString('base64'));
}
