/**
 * The demo accounts' password. BAOXUE_DEMO_PASSWORD when set; otherwise one generated once per data
 * folder and kept in <dataDir>/demo-password with mode 0600, so that no two installations share a
 * password and none is well known (a deployment with DATABASE_URL must set it: config.ts).
 */
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export const DEMO_PASSWORD_FILE = 'demo-password';

export interface DemoPassword {
  value: string;
  /** The environment, the file, or generated into the file just now (then shown once on the console). */
  source: 'env' | 'file' | 'generated';
  file?: string;
}

export function resolveDemoPassword(options: { password?: string; dataDir: string }): DemoPassword {
  if (options.password) return { value: options.password, source: 'env' };
  const file = join(options.dataDir, DEMO_PASSWORD_FILE);
  mkdirSync(options.dataDir, { recursive: true });
  try {
    // 16 letters and digits in four groups: easy to copy, 80 bits of chance.
    const value = [...randomBytes(16)].map((b) => ALPHABET[b % ALPHABET.length]).join('').replace(/(.{4})(?=.)/g, '$1-');
    writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
    return { value, source: 'generated', file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const value = readFileSync(file, 'utf8').trim();
  if (value.length < 8) throw new Error(`${file} does not hold a demo password of at least 8 characters; delete it to generate a new one`);
  return { value, source: 'file', file };
}

/** No 0/O, 1/l/I: read off a screen and typed by hand. 32 symbols, so b % 32 is uniform. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
