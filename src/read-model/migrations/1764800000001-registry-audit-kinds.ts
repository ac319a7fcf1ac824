import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log learns the registry's and the ledger's kinds (REGISTER_CHILD, LIST_CHILDREN,
 * READ_CHILD, UPDATE_CHILD, IMPORT_LEDGER, EXPORT_LEDGER). Several parts of baoxue add kinds in
 * parallel; a list in the database would make each migration redefine the others' lists. So the
 * constraint checks the form of a kind (upper-case words) and the list lives in code, in one
 * place: AUDIT_KINDS (src/read-model/entities/audit-entry.entity.ts), the only writer's type.
 */
export class RegistryAuditKinds1764800000001 implements MigrationInterface {
  name = 'RegistryAuditKinds1764800000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_log_what_check`);
    await q.query(`ALTER TABLE audit_log ADD CONSTRAINT audit_log_what_check CHECK (what ~ '^[A-Z][A-Z_]*$')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_log_what_check`);
    await q.query(
      `ALTER TABLE audit_log ADD CONSTRAINT audit_log_what_check CHECK (what IN ('LOGIN', 'LOGIN_FAILED', 'LIST_CASES', 'READ_CASE', 'REPORT_CASE', 'ACT', 'READ_AUDIT', 'REQUEST'))`,
    );
  }
}
