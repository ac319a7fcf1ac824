import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per ledger import (台账导入) that wrote something: who (an account through the API, or
 * the command line's operator), when, which town, the file's SHA-256, the counts, and the
 * row-by-row problems that were skipped when only the good rows were imported.
 */
export class Imports1764800000002 implements MigrationInterface {
  name = 'Imports1764800000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE imports (
        id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        town                text        NOT NULL,
        at                  timestamptz NOT NULL DEFAULT now(),
        user_id             uuid        REFERENCES users (id),
        username            text        NOT NULL,
        via                 text        NOT NULL,
        file_name           text        NOT NULL,
        file_hash           text        NOT NULL,
        good_rows_only      boolean     NOT NULL,
        total_rows          integer     NOT NULL,
        bad_rows            integer     NOT NULL,
        children_created    integer     NOT NULL,
        children_updated    integer     NOT NULL,
        children_unchanged  integer     NOT NULL,
        cases_opened        integer     NOT NULL,
        cases_already_open  integer     NOT NULL,
        cases_failed        integer     NOT NULL,
        problems            jsonb       NOT NULL DEFAULT '[]',
        CONSTRAINT imports_town_check CHECK (town ~ '^[A-Z][A-Z0-9_]*$'),
        CONSTRAINT imports_via_check CHECK (via IN ('API', 'CLI')),
        CONSTRAINT imports_file_hash_check CHECK (file_hash ~ '^[0-9a-f]{64}$')
      )`);
    await q.query(`CREATE INDEX imports_town_at_idx ON imports (town, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE imports`);
  }
}
