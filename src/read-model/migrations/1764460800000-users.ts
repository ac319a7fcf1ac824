import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The people who log in: one row per account, with the role and the place it is bound to.
 * Passwords are argon2id hashes (PHC strings); the database refuses anything else.
 * The role list is a frozen copy of src/api/auth/roles.ts: a new role needs a new migration.
 *
 * The role's place is checked here too: a principal has a school, a teacher a school, grade and
 * class, a village secretary or cadre an area (the permission table reads nothing for a row without).
 */
export class Users1764460800000 implements MigrationInterface {
  name = 'Users1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id             uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        username       text        NOT NULL,
        display_name   text        NOT NULL,
        password_hash  text        NOT NULL,
        role           text        NOT NULL,
        area           text,
        school         text,
        grade          integer,
        class_name     text,
        active         boolean     NOT NULL DEFAULT true,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_username_key UNIQUE (username),
        CONSTRAINT users_username_check CHECK (username ~ '^[a-z0-9][a-z0-9._-]{0,49}$'),
        CONSTRAINT users_display_name_check CHECK (btrim(display_name) <> ''),
        CONSTRAINT users_password_hash_check CHECK (password_hash LIKE '$argon2id$%'),
        CONSTRAINT users_role_check CHECK (role IN (${list(ROLES)})),
        CONSTRAINT users_grade_check CHECK (grade BETWEEN 1 AND 9),
        CONSTRAINT users_place_matches_role CHECK (${PLACE_RULE})
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE users`);
  }
}

function list(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

// Frozen copy of src/api/auth/roles.ts as of this migration.
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
];

export const PLACE_RULE =
  `CASE role WHEN 'PRINCIPAL' THEN school IS NOT NULL ` +
  `WHEN 'TEACHER' THEN school IS NOT NULL AND grade IS NOT NULL AND class_name IS NOT NULL ` +
  `WHEN 'VILLAGE_SECRETARY' THEN area IS NOT NULL ` +
  `WHEN 'VILLAGE_CADRE' THEN area IS NOT NULL ` +
  `ELSE true END`;
