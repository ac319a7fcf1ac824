import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Demo accounts are marked (users.demo), so that seeding a demo town can tell them from the real
 * accounts of a deployment and refuse a database that holds any of those, and a deployment that
 * did not ask for demo accounts can switch them off (src/api/auth/demo-accounts.ts).
 *
 * Accounts seeded before this migration carry no mark: an account is taken for a demo one when its
 * user name and role are those of a demo definition as of this migration (frozen copy below) and
 * it shares its password hash with another such account (the seeder hashes the one demo password
 * once per run; accounts made one by one have a salt each, so two never share a hash).
 */
export class DemoAccounts1766300000000 implements MigrationInterface {
  name = 'DemoAccounts1766300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN demo boolean NOT NULL DEFAULT false`);
    await q.query(
      `UPDATE users u SET demo = true
        WHERE (u.username, u.role) IN (SELECT * FROM unnest($1::text[], $2::text[]))
          AND EXISTS (SELECT 1 FROM users o WHERE o.id <> u.id AND o.password_hash = u.password_hash)`,
      [DEMO_ACCOUNTS.map(([username]) => username), DEMO_ACCOUNTS.map(([, role]) => role)],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN demo`);
  }
}

// Frozen copy of DEMO_ACCOUNTS (src/api/auth/demo-accounts.ts) as of this migration: user name, role.
const DEMO_ACCOUNTS: Array<[string, string]> = [
  ['leader', 'LEADER'], ['deputy', 'DEPUTY_LEADER'], ['coordinator', 'COORDINATOR'], ['officer', 'DAILY_OFFICER'],
  ['principal', 'PRINCIPAL'], ['teacher', 'TEACHER'], ['secretary', 'VILLAGE_SECRETARY'], ['cadre', 'VILLAGE_CADRE'],
  ['town', 'TOWN_OFFICE'], ['justice', 'JUSTICE_OFFICE'], ['police', 'POLICE_STATION'],
  ['luoyang', 'DEPUTY_LEADER'], ['huyi', 'DEPUTY_LEADER'], ['wangfanghui', 'DEPUTY_LEADER'],
  ...['guling', 'qiaoting', 'baoxing', 'shuangdian', 'lancao', 'hongchun', 'hongping'].flatMap((key): Array<[string, string]> => [
    [`sec-${key}`, 'VILLAGE_SECRETARY'],
    [`cadre-${key}`, 'VILLAGE_CADRE'],
  ]),
  ['gaoping-g1', 'VILLAGE_CADRE'], ['gaoping-g2', 'VILLAGE_CADRE'],
  ['principal-middle', 'PRINCIPAL'], ['primary-vice', 'PRINCIPAL'], ['primary-lower', 'PRINCIPAL'], ['primary-upper', 'PRINCIPAL'],
  ['middle-vice', 'PRINCIPAL'], ['middle-g7', 'PRINCIPAL'], ['middle-g8', 'PRINCIPAL'], ['middle-g9', 'PRINCIPAL'],
  ...[1, 2, 3, 4, 5, 6].map((g): [string, string] => [`primary-g${g}c1`, 'TEACHER']),
  ...[7, 8, 9].map((g): [string, string] => [`middle-g${g}c1`, 'TEACHER']),
];
