import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ledger imports as jobs (issue 16): the upload is stored here and answered 202; a worker takes
 * it (FOR UPDATE SKIP LOCKED), reads the file in a worker thread and writes in one transaction.
 * `importer` is the user as the request saw them (role and scope), for the write rule; `file` is
 * emptied when the job ends (the children's data stay in the registry, not in a second copy).
 * A job `running` whose heartbeat stopped (the worker died) is taken again: its transaction was
 * rolled back, and the import is idempotent.
 */
export class LedgerImportJobs1766200000000 implements MigrationInterface {
  name = 'LedgerImportJobs1766200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger_import_jobs (
        id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        town            text        NOT NULL,
        user_id         uuid        REFERENCES users (id),
        username        text        NOT NULL,
        importer        jsonb       NOT NULL,
        ip              text,
        file_name       text        NOT NULL,
        file_hash       text        NOT NULL,
        file_size       integer     NOT NULL,
        file            bytea,
        good_rows_only  boolean     NOT NULL,
        dry_run         boolean     NOT NULL,
        status          text        NOT NULL DEFAULT 'queued',
        attempts        integer     NOT NULL DEFAULT 0,
        progress_phase  text,
        progress_done   integer     NOT NULL DEFAULT 0,
        progress_total  integer     NOT NULL DEFAULT 0,
        report          jsonb,
        error           jsonb,
        import_id       uuid        REFERENCES imports (id) ON DELETE SET NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        started_at      timestamptz,
        heartbeat_at    timestamptz,
        finished_at     timestamptz,
        CONSTRAINT ledger_import_jobs_status_check CHECK (status IN ('queued', 'running', 'done', 'failed')),
        CONSTRAINT ledger_import_jobs_town_check CHECK (town ~ '^[A-Z][A-Z0-9_]*$'),
        CONSTRAINT ledger_import_jobs_file_hash_check CHECK (file_hash ~ '^[0-9a-f]{64}$'),
        CONSTRAINT ledger_import_jobs_phase_check CHECK (progress_phase IS NULL OR progress_phase IN ('reading', 'children', 'cases'))
      )`);
    await q.query(`CREATE INDEX ledger_import_jobs_waiting_idx ON ledger_import_jobs (created_at) WHERE status IN ('queued', 'running')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger_import_jobs`);
  }
}
