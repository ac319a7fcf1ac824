/**
 * The first administrator of a deployment (npm run admin -- create-first): on a database with no
 * account at all, one TOWN_ADMIN account with a one-time password that must be changed at the
 * first log-in. Anything else is refused: after the first, accounts are made in the application
 * (src/accounts), audited under the administrator's name. The check and the insert hold a lock on
 * the users table, so two runs at once make one administrator.
 */
import type { DataSource } from 'typeorm';
import { hashPassword } from '../api/auth/passwords';
import { USERNAME_PATTERN, normaliseUsername } from '../api/auth/user-store';

export class FirstAdminRefusedError extends Error {
  constructor(readonly accounts: number) {
    super(
      `数据库中已有 ${accounts} 个账号，不能再创建"第一个管理员"；请由现有管理员在"账号管理"中新建账号。` +
        ` / The database already holds ${accounts} account(s): no first administrator is created; an existing administrator creates accounts in the application.`,
    );
    this.name = 'FirstAdminRefusedError';
  }
}

export async function createFirstAdmin(
  dataSource: DataSource,
  account: { town: string; username: string; displayName: string; password: string; operator: string },
): Promise<{ id: string; username: string }> {
  const username = normaliseUsername(account.username);
  if (!USERNAME_PATTERN.test(username)) throw new Error(`"${account.username}" is not a user name (lower case letters, digits, . _ -, up to 50)`);
  const passwordHash = await hashPassword(account.password);
  return dataSource.transaction(async (m) => {
    await m.query(`LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`);
    const [{ n }] = await m.query(`SELECT count(*)::int AS n FROM users`);
    if (n > 0) throw new FirstAdminRefusedError(n);
    const [row] = await m.query(
      `INSERT INTO users (username, display_name, password_hash, role, town, must_change_password) VALUES ($1, $2, $3, 'TOWN_ADMIN', $4, true) RETURNING id`,
      [username, account.displayName, passwordHash, account.town],
    );
    // Audited like the API's account changes, under the operator's name.
    await m.query(
      `INSERT INTO audit_log (user_id, username, role, ip, method, path, what, status, detail, town) VALUES (NULL, $1, NULL, NULL, 'CLI', 'admin create-first', 'CREATE_ACCOUNT', 201, $2::jsonb, $3)`,
      [account.operator, JSON.stringify({ accountId: row.id, username, changes: { username: [null, username], role: [null, 'TOWN_ADMIN'] }, firstAdministrator: true }), account.town],
    );
    return { id: row.id, username };
  });
}
