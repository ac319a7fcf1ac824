/*
 * Role-aware navigation: which pages a role reaches from the first page after log-in. The menu
 * follows the permission table (src/access/permissions.ts); test/unit/web-navigation.test.ts
 * checks this file against it, so a role never sees a page the API refuses it, nor misses one it may use.
 * A feature adds its page here (docs/web.md): { id, href, label: [zh, en], roles | when(permissions) }.
 */

/** Roles that report a suspected dropout (permissions.report). */
export const REPORTING_ROLES = ['COORDINATOR', 'DAILY_OFFICER', 'PRINCIPAL', 'TEACHER', 'VILLAGE_SECRETARY', 'VILLAGE_CADRE'];
/** Roles that may take REASSIGN (bulk reassign on the task list). */
export const REASSIGNING_ROLES = ['COORDINATOR', 'DAILY_OFFICER'];
/** Roles that read the whole town (the dashboard's first page). */
export const TOWN_WIDE_ROLES = ['LEADER', 'DEPUTY_LEADER', 'COORDINATOR', 'DAILY_OFFICER', 'TOWN_OFFICE'];

/** Roles that import the ledger (children: 'WRITE' in src/access/permissions.ts; POST /api/ledger/import). */
export const LEDGER_IMPORT_ROLES = ['COORDINATOR', 'DAILY_OFFICER', 'PRINCIPAL', 'TEACHER', 'VILLAGE_SECRETARY', 'VILLAGE_CADRE'];
/** Roles that read the registry (children: 'READ' or 'WRITE'): the 儿童名册 page and the ledger's export (GET /api/ledger/export). */
export const LEDGER_ROLES = [...LEDGER_IMPORT_ROLES, 'LEADER', 'DEPUTY_LEADER', 'TOWN_OFFICE'];

/** Roles that import a source of 四查三比对 (src/finding/sources/source-scope.ts; web/sources/kinds.js has the kinds per role). */
export const SOURCE_IMPORT_ROLES = ['COORDINATOR', 'DAILY_OFFICER', 'PRINCIPAL', 'TEACHER'];
/** Roles that read the audit log (readAudit in src/access/permissions.ts; GET /api/audit). */
export const AUDIT_ROLES = ['LEADER', 'DEPUTY_LEADER'];

/** Roles that administer their town's accounts (ACCOUNT_ADMIN_ROLES in src/access/permissions.ts). */
export const ACCOUNT_ADMIN_ROLES = ['TOWN_ADMIN'];

/** Roles that read no case (permissions read: 'NONE'): no tasks, no dashboard. */
export const NO_CASE_ROLES = ['TOWN_ADMIN'];
const CASE_ROLES = (role) => !NO_CASE_ROLES.includes(role);

export const NAVIGATION = [
  { id: 'accounts', href: '#/accounts', label: ['账号管理', 'Accounts'], roles: ACCOUNT_ADMIN_ROLES },
  { id: 'tasks', href: '#/tasks', label: ['我的待办', 'My tasks'], when: CASE_ROLES },
  // The notifications are about cases; the menu shows the unread count (web/notifications).
  { id: 'notifications', href: '#/notifications', label: ['通知', 'Notifications'], when: CASE_ROLES },
  { id: 'report', href: '#/report', label: ['上报疑似辍学', 'Report a dropout'], roles: REPORTING_ROLES },
  { id: 'registry', href: '#/registry', label: ['儿童名册', 'Children'], roles: LEDGER_ROLES },
  // The aid of the cases the role reads (the justice office's too: a pending aid holds a case before the judicial document).
  { id: 'education-aid', href: '#/education-aid', label: ['教育资助', 'Education aid'], when: CASE_ROLES },
  { id: 'ledger', href: '#/ledger', label: ['台账导入导出', 'Ledger import/export'], roles: LEDGER_ROLES },
  { id: 'sources', href: '#/sources', label: ['四查名单导入', 'Source imports'], roles: SOURCE_IMPORT_ROLES },
  // 四查三比对's lists and ledgers: whoever reads the registry (the lists are children, cut to the same scope).
  { id: 'finding', href: '#/finding', label: ['四查三比对', 'Cross-check'], roles: LEDGER_ROLES },
  { id: 'dashboard', href: '/dashboard', label: ['进度看板', 'Dashboard'], when: CASE_ROLES },
  // A draft policy forecast over the town's running cases (POST /api/what-if: the roles that read the whole town).
  { id: 'what-if', href: '#/what-if', label: ['政策推演', 'Policy what-if'], roles: TOWN_WIDE_ROLES },
  { id: 'audit', href: '#/audit', label: ['审计记录', 'Audit log'], roles: AUDIT_ROLES },
  { id: 'password', href: '#/password', label: ['修改密码', 'Change password'] },
];

/** The menu of a role. */
export function navigationFor(role) {
  return NAVIGATION.filter((item) => (!item.roles || item.roles.includes(role)) && (!item.when || item.when(role)));
}

/** The first page after log-in: 我的待办 for the roles that read cases, else the first entry of the menu inside /app. */
export function firstPageFor(role) {
  const items = navigationFor(role);
  return (items.find((item) => item.id === 'tasks') ?? items.find((item) => item.href.startsWith('#')))?.href ?? '#/password';
}
