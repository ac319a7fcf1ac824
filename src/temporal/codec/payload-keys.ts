/**
 * The AES-256 keys that encrypt Temporal payloads, written `id:base64,id:base64` with the current
 * key first (`BAOXUE_PAYLOAD_KEYS=k2:<base64 of 32 bytes>,k1:<base64>`). New payloads are encrypted
 * with the current key; every key listed can still decrypt the payloads that name it, so a rotation
 * is: put the new key first, keep the old ones after it for as long as histories that use them are
 * kept (the namespace's retention, plus any case still open).
 *
 * Key material never appears in an error message or a log line: only key ids do.
 */

export interface PayloadKeyRing {
  /** Id of the key that encrypts new payloads (the first one listed). */
  readonly currentKeyId: string;
  /** Every known key by id, the current one included; each is 32 bytes. */
  readonly keys: ReadonlyMap<string, Buffer>;
}

/** The length AES-256 needs. */
export const PAYLOAD_KEY_BYTES = 32;

const KEY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Standard or URL-safe base64, strictly: Buffer.from() alone would skip any character it does not know. */
function decodeBase64(text: string): Buffer | undefined {
  const url = /^[A-Za-z0-9_-]+={0,2}$/.test(text) && /[-_]/.test(text);
  if (!url && !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, url ? 'base64url' : 'base64');
  const canonical = (b: string) => b.replace(/=+$/, '');
  return canonical(bytes.toString(url ? 'base64url' : 'base64')) === canonical(text) ? bytes : undefined;
}

/**
 * Reads `id:base64,...`. Returns the ring, or every problem found (naming ids and positions, never
 * the keys). `source` names where the text came from, for the messages.
 */
export function parsePayloadKeys(text: string, source = 'BAOXUE_PAYLOAD_KEYS'): { ring?: PayloadKeyRing; problems: string[] } {
  const problems: string[] = [];
  const keys = new Map<string, Buffer>();
  const entries = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) {
    return { problems: [`${source}: no key; write it like k1:<base64 of 32 random bytes> (for example from: openssl rand -base64 32)`] };
  }
  entries.forEach((entry, i) => {
    const where = `${source}: entry ${i + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) {
      problems.push(`${where} is not id:base64 (for example k1:<base64 of 32 random bytes>)`);
      return;
    }
    const id = entry.slice(0, colon).trim();
    const material = entry.slice(colon + 1).trim();
    if (!KEY_ID_PATTERN.test(id)) {
      problems.push(`${where}: the key id must be 1-64 letters, digits, dot, dash or underscore, starting with a letter or digit`);
      return;
    }
    if (keys.has(id)) {
      problems.push(`${where}: key id "${id}" is listed twice`);
      return;
    }
    const bytes = decodeBase64(material);
    if (!bytes || bytes.length !== PAYLOAD_KEY_BYTES) {
      problems.push(`${where}: key "${id}" must be ${PAYLOAD_KEY_BYTES} bytes in base64 (openssl rand -base64 32)${bytes ? `, not ${bytes.length} bytes` : ''}`);
      return;
    }
    keys.set(id, bytes);
  });
  if (problems.length > 0) return { problems };
  return { ring: { currentKeyId: keys.keys().next().value as string, keys }, problems };
}

/** Writes a ring back in the `id:base64,...` form (for the key file and tests). */
export function formatPayloadKeys(ring: PayloadKeyRing): string {
  const ids = [ring.currentKeyId, ...[...ring.keys.keys()].filter((id) => id !== ring.currentKeyId)];
  return ids.map((id) => `${id}:${ring.keys.get(id)!.toString('base64')}`).join(',');
}

/** For log lines: ids only, the current one marked. */
export function describePayloadKeys(ring: PayloadKeyRing): string {
  return [...ring.keys.keys()].map((id) => (id === ring.currentKeyId ? `${id} (current)` : id)).join(', ');
}
