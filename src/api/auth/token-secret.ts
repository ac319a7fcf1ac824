/**
 * The key that signs log-in tokens. BAOXUE_TOKEN_SECRET when set; otherwise one generated once and
 * kept in <dataDir>/token-secret with mode 0600, so tokens survive a restart. Generating one is
 * right for the embedded default (one process); with DATABASE_URL a deployment may run several
 * API processes, which must share one key, so start-up warns there.
 */
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { MIN_TOKEN_SECRET_LENGTH } from '../../config';

export const TOKEN_SECRET_FILE = 'token-secret';

export interface TokenSecret {
  secret: string;
  /** Where it came from: the environment, the file, or generated into the file just now. */
  source: 'env' | 'file' | 'generated';
  file?: string;
}

export function resolveTokenSecret(options: {
  secret?: string;
  dataDir: string;
  /** DATABASE_URL is set: possibly several API processes; warn when the key is not configured. */
  shared: boolean;
  log?: (line: string) => void;
}): TokenSecret {
  const log = options.log ?? (() => undefined);
  if (options.secret) return { secret: options.secret, source: 'env' };

  const file = join(options.dataDir, TOKEN_SECRET_FILE);
  mkdirSync(options.dataDir, { recursive: true });
  let result: TokenSecret;
  try {
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
    result = { secret: readSecret(file), source: 'generated', file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if ((statSync(file).mode & 0o077) !== 0) {
      chmodSync(file, 0o600);
      log(`警告 / warning: ${file} was readable by others; its mode is now 0600`);
    }
    result = { secret: readSecret(file), source: 'file', file };
  }
  if (options.shared) {
    log(
      `警告 / warning: BAOXUE_TOKEN_SECRET is not set; log-in tokens are signed with the key in ${file}. ` +
        'Every API process must use the same key: set BAOXUE_TOKEN_SECRET (openssl rand -base64 48).',
    );
  }
  return result;
}

function readSecret(file: string): string {
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < MIN_TOKEN_SECRET_LENGTH) {
    throw new Error(`${file} does not hold a token key of at least ${MIN_TOKEN_SECRET_LENGTH} characters; delete it to generate a new one`);
  }
  return secret;
}
