/**
 * The embedded default's payload key: with no BAOXUE_PAYLOAD_KEYS, one key is generated on the first
 * start into `<BAOXUE_DATA_DIR>/payload-keys` (mode 0600) and read on every later start, so the
 * cases in the embedded Temporal stay readable across restarts. The file uses the same
 * `id:base64,...` form as the setting (one entry a line, `#` comments), so a rotation is: put a new
 * line first. Losing the file means losing the payloads Temporal stores: back it up with the data.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAYLOAD_KEY_BYTES, PayloadKeyRing, parsePayloadKeys } from './payload-keys';

export const PAYLOAD_KEY_FILE_NAME = 'payload-keys';

export function payloadKeyFilePath(dataDir: string): string {
  return join(dataDir, PAYLOAD_KEY_FILE_NAME);
}

export class PayloadKeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadKeyFileError';
  }
}

/** Reads the key file; undefined when there is none. Refuses a file others can read. */
export function readPayloadKeyFile(dataDir: string): PayloadKeyRing | undefined {
  const file = payloadKeyFilePath(dataDir);
  if (!existsSync(file)) return undefined;
  if (process.platform !== 'win32') {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) {
      throw new PayloadKeyFileError(
        `${file} can be read by other users (mode ${mode.toString(8)}): it holds the keys of the children's data in Temporal. Run: chmod 600 ${file}`,
      );
    }
  }
  const { ring, problems } = parsePayloadKeys(readFileSync(file, 'utf8'), file);
  if (!ring) throw new PayloadKeyFileError(problems.join('; '));
  return ring;
}

/**
 * Reads the key file, creating it with one fresh key when missing. Two processes starting together
 * on one data folder get the same key: the file appears whole (written aside, then hard-linked into
 * place, which fails if the other process was first).
 */
export function loadOrCreatePayloadKeyFile(dataDir: string, now: Date = new Date()): { ring: PayloadKeyRing; created: boolean } {
  const existing = readPayloadKeyFile(dataDir);
  if (existing) return { ring: existing, created: false };
  mkdirSync(dataDir, { recursive: true });
  const file = payloadKeyFilePath(dataDir);
  const id = `local-${now.toISOString().slice(0, 10).replace(/-/g, '')}`;
  const text =
    '# baoxue: keys of the payloads stored in Temporal (AES-256-GCM), the first encrypts new payloads.\n' +
    '# Same form as BAOXUE_PAYLOAD_KEYS (id:base64, one a line). Keep this file secret and back it up with the data:\n' +
    '# without it, the cases stored in Temporal cannot be read. To rotate, add a new key as the first line.\n' +
    `${id}:${randomBytes(PAYLOAD_KEY_BYTES).toString('base64')}\n`;
  const staging = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(staging, text, { mode: 0o600 });
  let created = true;
  try {
    linkSync(staging, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    created = false;
  } finally {
    unlinkSync(staging);
  }
  const ring = readPayloadKeyFile(dataDir);
  if (!ring) throw new PayloadKeyFileError(`${file} vanished right after it was written`);
  return { ring, created };
}
