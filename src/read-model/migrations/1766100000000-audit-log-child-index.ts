import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log found by child: who read, changed or tried to change a child (what = WRITE_REFUSED,
 * one row per child a write was refused for). GET /api/audit?childId= reads it newest first.
 */
export class AuditLogChildIndex1766100000000 implements MigrationInterface {
  name = 'AuditLogChildIndex1766100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX audit_log_child_id_idx ON audit_log (child_id, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_log_child_id_idx`);
  }
}
