import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An import job may ask to open a new case for a child whose case was closed (销号); off unless asked (issue 13). */
export class LedgerImportJobsReopenClosed1766200000001 implements MigrationInterface {
  name = 'LedgerImportJobsReopenClosed1766200000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger_import_jobs ADD COLUMN reopen_closed_cases boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger_import_jobs DROP COLUMN reopen_closed_cases`);
  }
}
