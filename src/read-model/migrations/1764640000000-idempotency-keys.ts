import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys of POST requests (src/api/hardening/idempotency.ts): a client on a bad
 * mountain-village connection retries with the same `Idempotency-Key`, and the retry gets the first
 * request's stored answer instead of running again.
 *
 * - The primary key (principal, key) is what makes it safe: the first request INSERTs its row
 *   before it runs; a concurrent second one conflicts on the key and never runs.
 * - A row without completed_at is a request still running (or one whose process died: after a lease
 *   another request may take the key over); a completed row holds status and body for the replay.
 * - Rows expire after 24 h (created_at); the API deletes expired rows now and then.
 */
export class IdempotencyKeys1764640000000 implements MigrationInterface {
  name = 'IdempotencyKeys1764640000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        key               text        NOT NULL CHECK (key ~ '^[!-~]{1,200}$'),
        principal         text        NOT NULL CHECK (btrim(principal) <> ''),
        method            text        NOT NULL,
        path              text        NOT NULL,
        request_hash      text        NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
        status            integer     CHECK (status BETWEEN 100 AND 599),
        response_body     jsonb,
        response_headers  jsonb       NOT NULL DEFAULT '{}',
        created_at        timestamptz NOT NULL DEFAULT now(),
        completed_at      timestamptz,
        CONSTRAINT idempotency_keys_pkey PRIMARY KEY (principal, key),
        CONSTRAINT idempotency_keys_completed_has_status CHECK ((completed_at IS NULL) = (status IS NULL))
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
  }
}
