import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log is never pruned (it is evidence), so GET /api/audit must stay fast at years of
 * rows (test/database/audit-log-at-scale.test.ts, figures in docs/operations.md):
 * - (town, at DESC, id DESC) is the page's exact order, so the newest page of a town is read
 *   straight from the index however many towns share the table; it replaces (town, at);
 * - (town, what, at DESC, id DESC) serves the filter by action kind (a rare WRITE_REFUSED among
 *   millions of reads no longer scans the town's rows);
 * - the plain B-tree on `at` served no query of the API; a BRIN index keeps time-range reads across
 *   towns (an operator's SQL) possible at a few pages of index instead of one entry per row.
 * Rows are kept as they are.
 */
export class AuditLogPageIndexes1767400000000 implements MigrationInterface {
  name = 'AuditLogPageIndexes1767400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX audit_log_town_at_id_idx ON audit_log (town, at DESC, id DESC)`);
    await q.query(`CREATE INDEX audit_log_town_what_at_idx ON audit_log (town, what, at DESC, id DESC)`);
    await q.query(`CREATE INDEX audit_log_at_brin ON audit_log USING brin (at)`);
    await q.query(`DROP INDEX audit_log_town_at_idx`);
    await q.query(`DROP INDEX audit_log_at_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at)`);
    await q.query(`CREATE INDEX audit_log_town_at_idx ON audit_log (town, at)`);
    await q.query(`DROP INDEX audit_log_at_brin`);
    await q.query(`DROP INDEX audit_log_town_what_at_idx`);
    await q.query(`DROP INDEX audit_log_town_at_id_idx`);
  }
}
