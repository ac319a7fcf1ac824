/**
 * `Idempotency-Key` on POST: a client on a bad mountain-village connection that did not get its
 * answer sends the same request again with the same key, and nothing happens twice.
 *
 * - The first request with a key INSERTs its row (key, principal, method, path, request hash)
 *   before it runs; the primary key (principal, key) lets only one of two concurrent requests in.
 * - When it succeeds (2xx), its status, body and Location are stored; a repeat with the same key
 *   and the same request gets that answer again (same status, `Idempotency-Replayed: true`) and
 *   runs nothing.
 * - When it fails, the key is released: a refused request wrote nothing, so the retry runs again.
 * - Same key, different request (body, path or method) → 422 IDEMPOTENCY.KEY_REUSED.
 * - Same key while the first is still running → 409 IDEMPOTENCY.IN_PROGRESS (Retry-After: 1).
 * - Keys are per principal (the user, or the IP address when anonymous) and expire after 24 h.
 *
 * Not for log-in (its answer is a token) nor the Temporal codec endpoint (its answer is decrypted
 * children's data): those answers must not be stored. Nor for routes marked `@SkipIdempotency()`.
 */
import { createHash } from 'node:crypto';
import { SetMetadata } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ApiError } from '../errors';
import { validationFailed } from '../validation/field-errors';
import type { HardeningOptions } from './hardening.options';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENCY_REPLAYED_HEADER = 'Idempotency-Replayed';
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/** Paths whose POSTs are never stored (their answers must not be kept). */
export const IDEMPOTENCY_EXCLUDED_PATHS: readonly RegExp[] = [
  // log-in answers a bearer token
  /^\/api\/auth(\/|$)/i,
  // the Temporal UI's codec endpoint answers decrypted payloads (children's data)
  /^\/api\/temporal-codec(\/|$)/i,
];

export const SKIP_IDEMPOTENCY = 'baoxue:skip-idempotency';
/** Marks a POST route whose answer must not be stored (secrets, decrypted payloads). */
export const SkipIdempotency = () => SetMetadata(SKIP_IDEMPOTENCY, true);

/** Headers of the first answer that a replay repeats. */
const REPLAYED_RESPONSE_HEADERS = ['location'] as const;

export interface IdempotentRequest {
  key: string;
  principal: string;
  method: string;
  path: string;
  hash: string;
}

export type IdempotencyClaim =
  /** This request owns the key and runs; `claimedAt` identifies the claim for complete / release. */
  | { kind: 'run'; claimedAt: string }
  | { kind: 'replay'; status: number; body: unknown; headers: Record<string, string> }
  | { kind: 'in-progress' }
  | { kind: 'reused' };

/** The header's value, or undefined when absent; a 400 IDEMPOTENCY.KEY_INVALID when malformed. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header.join(', ') : header;
  if (!KEY_PATTERN.test(value)) {
    throw new ApiError('IDEMPOTENCY.KEY_INVALID', {
      details: { header: IDEMPOTENCY_KEY_HEADER, length: value.length, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH },
    });
  }
  return value;
}

/** What makes two requests "the same": method, path with query and the body (key order ignored). */
export function requestHash(req: { method: string; originalUrl?: string; url?: string; body?: unknown }): string {
  const text = JSON.stringify([req.method, req.originalUrl ?? req.url ?? '', canonical(req.body, 0)]);
  return createHash('sha256').update(text).digest('hex');
}

const MAX_CANONICAL_DEPTH = 100;

function canonical(value: unknown, depth: number): unknown {
  if (depth > MAX_CANONICAL_DEPTH) {
    // Unreachable behind inputSanityMiddleware (32 levels); a backstop for apps mounted without it.
    throw validationFailed([{ field: '(body)', constraint: 'maxDepth', message: '嵌套层数过多', messageEn: 'the body is nested too deeply' }]);
  }
  if (Array.isArray(value)) return value.map((v) => canonical(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Array<[string, unknown]> = [];
    for (const k of Object.keys(value).sort()) out.push([k, canonical((value as Record<string, unknown>)[k], depth + 1)]);
    return out;
  }
  return value === undefined ? null : value;
}

export function isIdempotencyExcluded(path: string): boolean {
  return IDEMPOTENCY_EXCLUDED_PATHS.some((re) => re.test(path));
}

/** The table idempotency_keys (migration 1764640000000). */
export class IdempotencyStore {
  private lastSweep = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: HardeningOptions['idempotency'],
  ) {}

  async claim(r: IdempotentRequest): Promise<IdempotencyClaim> {
    this.sweepNowAndThen();
    // A few rounds at most: the row we collided with may be released between our two statements.
    for (let round = 0; round < 5; round++) {
      const claimed: Array<{ claimed_at: string }> = await this.dataSource.query(CLAIM, [
        r.key,
        r.principal,
        r.method,
        r.path,
        r.hash,
        this.options.ttlMs,
        this.options.abandonedAfterMs,
      ]);
      if (claimed.length > 0) return { kind: 'run', claimedAt: claimed[0].claimed_at };
      const rows: Array<{ method: string; path: string; request_hash: string; status: number | null; response_body: unknown; response_headers: Record<string, string> | null }> =
        await this.dataSource.query(
          `SELECT method, path, request_hash, status, response_body, response_headers FROM idempotency_keys WHERE principal = $1 AND key = $2`,
          [r.principal, r.key],
        );
      const row = rows[0];
      if (!row) continue;
      if (row.request_hash !== r.hash || row.method !== r.method || row.path !== r.path) return { kind: 'reused' };
      if (row.status === null) return { kind: 'in-progress' };
      return { kind: 'replay', status: row.status, body: row.response_body, headers: row.response_headers ?? {} };
    }
    return { kind: 'in-progress' };
  }

  /** Stores the answer of a claim that succeeded. */
  async complete(r: IdempotentRequest, claimedAt: string, status: number, body: unknown, headers: Record<string, string>): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET status = $4, response_body = $5::jsonb, response_headers = $6::jsonb, completed_at = now()
       WHERE principal = $1 AND key = $2 AND created_at = $3::timestamptz AND completed_at IS NULL`,
      [r.principal, r.key, claimedAt, status, body === undefined ? null : JSON.stringify(body), JSON.stringify(headers)],
    );
  }

  /** Gives the key back after a failure, so a retry runs. */
  async release(r: IdempotentRequest, claimedAt: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_keys WHERE principal = $1 AND key = $2 AND created_at = $3::timestamptz AND completed_at IS NULL`, [
      r.principal,
      r.key,
      claimedAt,
    ]);
  }

  async deleteExpired(): Promise<number> {
    const [, deleted] = (await this.dataSource.query(`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1::double precision / 1000)`, [
      this.options.ttlMs,
    ])) as [unknown, number];
    return deleted;
  }

  /** Expired rows go at most every ten minutes, in the background of a claim. */
  private sweepNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastSweep < 10 * 60 * 1000) return;
    this.lastSweep = now;
    this.deleteExpired().catch(() => undefined);
  }
}

export function replayedHeaders(getHeader: (name: string) => unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of REPLAYED_RESPONSE_HEADERS) {
    const value = getHeader(name);
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

const CLAIM = `
  INSERT INTO idempotency_keys AS k (key, principal, method, path, request_hash)
  VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (principal, key) DO UPDATE SET
    method = EXCLUDED.method, path = EXCLUDED.path, request_hash = EXCLUDED.request_hash,
    status = NULL, response_body = NULL, response_headers = '{}', created_at = now(), completed_at = NULL
  -- an expired key is free again; so is one whose request was abandoned (its process died)
  WHERE k.created_at < now() - make_interval(secs => $6::double precision / 1000)
     OR (k.completed_at IS NULL AND k.created_at < now() - make_interval(secs => $7::double precision / 1000))
  RETURNING k.created_at::text AS claimed_at`;
