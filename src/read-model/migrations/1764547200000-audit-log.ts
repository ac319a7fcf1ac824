import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log: who read or did what, when, from where, with which answer. Append-only like
 * case_events: a trigger refuses UPDATE, DELETE and TRUNCATE, so nobody (not even the API's own
 * database user) changes the record afterwards; there is no endpoint that writes it either.
 *
 * No foreign keys to cases or children: refused requests name case ids that may not exist, and
 * the record must outlive anything it mentions. user_id refers to users (accounts are deactivated,
 * never deleted).
 */
export class AuditLog1764547200000 implements MigrationInterface {
  name = 'AuditLog1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at          timestamptz NOT NULL DEFAULT clock_timestamp(),
        user_id     uuid        REFERENCES users (id),
        username    text,
        role        text,
        ip          text,
        method      text        NOT NULL,
        path        text        NOT NULL,
        what        text        NOT NULL,
        case_id     uuid,
        child_id    uuid,
        status      integer     NOT NULL,
        error_code  text,
        detail      jsonb       NOT NULL DEFAULT '{}',
        CONSTRAINT audit_log_what_check CHECK (what IN (${list(WHAT)})),
        CONSTRAINT audit_log_status_check CHECK (status BETWEEN 100 AND 599)
      )`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at)`);
    await q.query(`CREATE INDEX audit_log_case_id_idx ON audit_log (case_id, at)`);
    await q.query(`CREATE INDEX audit_log_username_idx ON audit_log (username, at)`);
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'restrict_violation',
                HINT = 'the audit log is a record of who saw and did what; it is never changed';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER audit_log_no_update_or_delete
        BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_log_no_truncate
        BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_append_only()`);
  }
}

function list(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

// Frozen copy of AUDIT_KINDS (src/api/audit/audit-kinds.ts) as of this migration.
const WHAT = ['LOGIN', 'LOGIN_FAILED', 'LIST_CASES', 'READ_CASE', 'REPORT_CASE', 'ACT', 'READ_AUDIT', 'REQUEST'];
