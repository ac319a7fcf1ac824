import { createHash } from 'node:crypto';

/** Ids of cases, children, users and documents are UUIDs; text that is not one names no row. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

/** A name-based UUID (RFC 4122 version 5, SHA-1, in baoxue's own namespace): the same name, the same id. */
export function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update(BAOXUE_NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const BAOXUE_NAMESPACE = Buffer.from('6f1c7a52d0b94e0c8b5a2f3e9d4c1b70', 'hex');
