import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log is kept for good (it is evidence), so it grows for years. The leading group reads
 * it by town and time range, newest first (GET /api/audit?from=&to=): this index serves that read
 * from the range alone, instead of walking every town's rows of the period (audit_log_at_idx).
 */
export class AuditLogTownTimeIndex1766800000001 implements MigrationInterface {
  name = 'AuditLogTownTimeIndex1766800000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX audit_log_town_at_idx ON audit_log (town, at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_log_town_at_idx`);
  }
}
