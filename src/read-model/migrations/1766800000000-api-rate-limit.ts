import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The API's rate-limit counters, in PostgreSQL so that every API process enforces one limit
 * (src/api/hardening/rate-limit-store.ts): one row per limit and client, a fixed window each.
 * UNLOGGED: a counter lost in a crash costs nothing, and it spares the write-ahead log one write
 * per request. Rows of windows that ended long ago are pruned by the retention job.
 */
export class ApiRateLimit1766800000000 implements MigrationInterface {
  name = 'ApiRateLimit1766800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNLOGGED TABLE api_rate_limit (
        key               text        NOT NULL,
        hits              integer     NOT NULL,
        window_started_at timestamptz NOT NULL,
        window_ends_at    timestamptz NOT NULL,
        CONSTRAINT api_rate_limit_pkey PRIMARY KEY (key),
        CONSTRAINT api_rate_limit_hits_check CHECK (hits > 0)
      )`);
    await q.query(`CREATE INDEX api_rate_limit_window_ends_at_idx ON api_rate_limit (window_ends_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_rate_limit`);
  }
}
