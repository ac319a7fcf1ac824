/**
 * The role's menu of /app (web/shell/navigation.js) follows the permission table: a role sees the
 * report form exactly when it may report, and the bulk reassign exactly when it may REASSIGN.
 */
import { ACCOUNT_ADMIN_ROLES, PERMISSIONS, documentKindsOf, registryAccess } from '../../src/access/permissions';
import { ROLES } from '../../src/access/roles';
import { decideSourceImport } from '../../src/finding/sources/source-scope';
import { SOURCE_KINDS } from '../../src/read-model/entities';
import { DEMO_ACCOUNTS } from '../../src/api/auth/demo-accounts';
// The page module is plain browser JavaScript without DOM access at import; jest compiles it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const navigation = require('../../web/shell/navigation.js') as {
  REPORTING_ROLES: string[];
  REASSIGNING_ROLES: string[];
  LEDGER_IMPORT_ROLES: string[];
  SOURCE_IMPORT_ROLES: string[];
  NO_CASE_ROLES: string[];
  navigationFor(role: string): { id: string }[];
  firstPageFor(role: string): string;
};

describe('the web application’s menu per role', () => {
  it.each(ROLES)('%s sees the report form exactly when it may report', (role) => {
    expect(navigation.navigationFor(role).some((item) => item.id === 'report')).toBe(PERMISSIONS[role].report);
    expect(navigation.REPORTING_ROLES.includes(role)).toBe(PERMISSIONS[role].report);
  });

  it.each(ROLES)('%s gets the bulk reassign exactly when it may REASSIGN', (role) => {
    expect(navigation.REASSIGNING_ROLES.includes(role)).toBe(PERMISSIONS[role].actions.includes('REASSIGN'));
  });

  it.each(ROLES)('%s sees account administration exactly when it administers accounts, and its own password always', (role) => {
    const ids = navigation.navigationFor(role).map((item) => item.id);
    expect(ids.includes('accounts')).toBe(ACCOUNT_ADMIN_ROLES.includes(role));
    expect(ids).toContain('password');
  });

  it.each(ROLES)('%s sees the cross-check lists exactly when it reads the registry', (role) => {
    expect(navigation.navigationFor(role).some((item) => item.id === 'finding')).toBe(registryAccess(role) !== 'NONE');
  });

  it.each(ROLES)('%s sees the ledger page exactly when it may export, and its import form exactly when it may import', (role) => {
    expect(navigation.navigationFor(role).some((item) => item.id === 'ledger')).toBe(registryAccess(role) !== 'NONE');
    expect(navigation.LEDGER_IMPORT_ROLES.includes(role)).toBe(registryAccess(role) === 'WRITE');
  });

  it.each(ROLES)('%s sees the source imports exactly when it may import a source, and exactly the kinds the API takes from it', (role) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const kinds = require('../../web/sources/kinds.js') as { sourceKindsFor(role: string): string[] };
    const account = DEMO_ACCOUNTS.find((a) => a.role === role)!;
    const scoped = { role, town: 'GULING', area: account.area ?? null, school: account.school ?? null, grade: account.grade ?? null, className: account.className ?? null };
    const allowed = SOURCE_KINDS.filter((kind) => decideSourceImport(scoped, kind, account.school ?? 'GULING_PRIMARY', ['GULING_PRIMARY']).allowed);
    expect(kinds.sourceKindsFor(role)).toEqual(allowed);
    expect(navigation.navigationFor(role).some((item) => item.id === 'sources')).toBe(allowed.length > 0);
    expect(navigation.SOURCE_IMPORT_ROLES.includes(role)).toBe(allowed.length > 0);
  });

  it.each(ROLES)('%s sees the children registry exactly when it reads the registry, the audit log exactly when it may read it, and the what-if when it reads the whole town', (role) => {
    const ids = navigation.navigationFor(role).map((item) => item.id);
    expect(ids.includes('registry')).toBe(registryAccess(role) !== 'NONE');
    expect(ids.includes('audit')).toBe(PERMISSIONS[role].readAudit);
    expect(ids.includes('what-if')).toBe(PERMISSIONS[role].read === 'TOWN');
  });

  it.each(ROLES)('%s has its notifications and the education-aid list exactly when it reads cases', (role) => {
    const ids = navigation.navigationFor(role).map((item) => item.id);
    const readsCases = PERMISSIONS[role].read !== 'NONE';
    expect(ids.includes('notifications')).toBe(readsCases);
    expect(ids.includes('education-aid')).toBe(readsCases);
  });

  it.each(ROLES)('%s has its tasks and the dashboard exactly when it reads cases, and starts on its first page', (role) => {
    const ids = navigation.navigationFor(role).map((item) => item.id);
    const readsCases = PERMISSIONS[role].read !== 'NONE';
    expect(navigation.NO_CASE_ROLES.includes(role)).toBe(!readsCases);
    expect(ids.includes('tasks')).toBe(readsCases);
    expect(ids.includes('dashboard')).toBe(readsCases);
    expect(navigation.firstPageFor(role)).toBe(readsCases ? '#/tasks' : '#/accounts');
  });
});

describe('the case page’s document buttons per role', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const documents = require('../../web/case/documents.js') as { documentKindsOf(role: string): string[] };
  it.each(ROLES)('%s is offered exactly the documents it may issue', (role) => {
    expect(documents.documentKindsOf(role)).toEqual(documentKindsOf(role));
  });
});
