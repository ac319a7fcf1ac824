import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts administered in the application (src/accounts) and sessions that last a working day
 * (src/api/auth/sessions.ts):
 * - the town administrator role (TOWN_ADMIN) joins the users table's role list (frozen copy below);
 * - users.must_change_password: a password an administrator set (a one-time password) must be
 *   changed before anything else works; users.password_changed_at: access tokens issued before it
 *   are refused, so a changed password ends the other sessions at once;
 * - refresh_tokens: one row per refresh token, only its SHA-256 stored. A session is a family of
 *   tokens sharing an absolute end; every use rotates the token (used_at set, a new row), and a
 *   token used twice revokes its whole family (a copy was stolen, or replayed).
 */
export class AccountsAndSessions1766600000000 implements MigrationInterface {
  name = 'AccountsAndSessions1766600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_role_check`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN (${list(ROLES)}))`);
    await q.query(`ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE users ADD COLUMN password_changed_at timestamptz`);
    await q.query(`
      CREATE TABLE refresh_tokens (
        id             uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        family         uuid        NOT NULL,
        user_id        uuid        NOT NULL REFERENCES users (id),
        token_hash     text        NOT NULL,
        issued_at      timestamptz NOT NULL DEFAULT now(),
        expires_at     timestamptz NOT NULL,
        used_at        timestamptz,
        revoked_at     timestamptz,
        revoked_reason text,
        CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash),
        CONSTRAINT refresh_tokens_token_hash_check CHECK (token_hash ~ '^[0-9a-f]{64}$'),
        CONSTRAINT refresh_tokens_revoked_reason_check CHECK (revoked_reason IN ('LOGOUT', 'REUSED', 'PASSWORD_CHANGED', 'DEACTIVATED'))
      )`);
    await q.query(`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family)`);
    await q.query(`CREATE INDEX refresh_tokens_user_id_idx ON refresh_tokens (user_id) WHERE revoked_at IS NULL`);
    await q.query(`CREATE INDEX refresh_tokens_expires_at_idx ON refresh_tokens (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE refresh_tokens`);
    await q.query(`ALTER TABLE users DROP COLUMN password_changed_at`);
    await q.query(`ALTER TABLE users DROP COLUMN must_change_password`);
    await q.query(`ALTER TABLE users DROP CONSTRAINT users_role_check`);
    await q.query(`ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN (${list(ROLES.filter((r) => r !== 'TOWN_ADMIN'))}))`);
  }
}

function list(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

// Frozen copy of src/access/roles.ts as of this migration.
const ROLES = [
  'LEADER',
  'DEPUTY_LEADER',
  'COORDINATOR',
  'DAILY_OFFICER',
  'PRINCIPAL',
  'TEACHER',
  'VILLAGE_SECRETARY',
  'VILLAGE_CADRE',
  'TOWN_OFFICE',
  'JUSTICE_OFFICE',
  'POLICE_STATION',
  'TOWN_ADMIN',
];
