import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed log-ins, counted in PostgreSQL so that every API process enforces the same limits
 * (src/api/hardening/login-throttle.ts): one row per account (the user name tried, whether or not
 * it exists) and one per client address. Successes are never counted; a success deletes its
 * account's row. Rows whose last failure is a day old are pruned as new failures come in.
 */
export class LoginThrottle1766300000001 implements MigrationInterface {
  name = 'LoginThrottle1766300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE login_throttle (
        kind            text        NOT NULL,
        key             text        NOT NULL,
        failures        integer     NOT NULL,
        first_failed_at timestamptz NOT NULL,
        last_failed_at  timestamptz NOT NULL,
        locked_until    timestamptz,
        CONSTRAINT login_throttle_pkey PRIMARY KEY (kind, key),
        CONSTRAINT login_throttle_kind_check CHECK (kind IN ('ACCOUNT', 'ADDRESS')),
        CONSTRAINT login_throttle_failures_check CHECK (failures > 0)
      )`);
    await q.query(`CREATE INDEX login_throttle_last_failed_at_idx ON login_throttle (last_failed_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_throttle`);
  }
}
