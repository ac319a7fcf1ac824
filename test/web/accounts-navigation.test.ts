/**
 * The account pages in the menu of /app (web/shell/navigation.js) follow the permission table:
 * 账号管理 exactly for the roles that administer accounts, 修改密码 for every role.
 */
import { ACCOUNT_ADMIN_ROLES, mayAdministerAccounts } from '../../src/access/permissions';
import { ROLES } from '../../src/access/roles';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const navigation = require('../../web/shell/navigation.js') as { ACCOUNT_ADMIN_ROLES: string[]; navigationFor(role: string): { id: string }[] };

describe('the account pages in the menu', () => {
  it('names the same administrator roles as the permission table', () => {
    expect(navigation.ACCOUNT_ADMIN_ROLES).toEqual([...ACCOUNT_ADMIN_ROLES]);
  });

  it.each(ROLES)('%s sees 账号管理 exactly when it administers accounts, and always 修改密码', (role) => {
    const ids = navigation.navigationFor(role).map((item) => item.id);
    expect(ids.includes('accounts')).toBe(mayAdministerAccounts(role));
    expect(ids).toContain('password');
  });
});
