/**
 * Demo accounts for every role, for the embedded default (one command on a fresh machine): user
 * names say the role, display names are the people the notice names where it names them.
 * Seeding is idempotent: a second run creates nothing, brings role, place and name back to these
 * definitions, and sets the password again only when BAOXUE_DEMO_PASSWORD changed. It never
 * re-activates an account someone deactivated.
 */
import type { DataSource } from 'typeorm';
import type { Town } from '../../read-model/town';
import { UserEntity } from '../../read-model/entities';
import { hashPassword, verifyPassword } from './passwords';
import { ROLE_LABELS, Role } from './roles';

export interface DemoAccount {
  username: string;
  displayName: string;
  role: Role;
  area?: string;
  school?: string;
  grade?: number;
  className?: string;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { username: 'leader', displayName: '张术清', role: 'LEADER' },
  { username: 'deputy', displayName: '王军', role: 'DEPUTY_LEADER' },
  { username: 'coordinator', displayName: '谭巧玲', role: 'COORDINATOR' },
  { username: 'officer', displayName: '秦豪', role: 'DAILY_OFFICER' },
  { username: 'principal', displayName: '谢勇', role: 'PRINCIPAL', school: 'GULING_PRIMARY' },
  // The notice names no teacher: the display name says the post.
  { username: 'teacher', displayName: '五年级二班班主任', role: 'TEACHER', school: 'GULING_PRIMARY', grade: 5, className: '五年级二班' },
  { username: 'secretary', displayName: '吴家俊', role: 'VILLAGE_SECRETARY', area: 'GAOPING' },
  { username: 'cadre', displayName: '高坪村驻村干部', role: 'VILLAGE_CADRE', area: 'GAOPING' },
  { username: 'town', displayName: '李尚春', role: 'TOWN_OFFICE' },
  { username: 'justice', displayName: '何秋潼', role: 'JUSTICE_OFFICE' },
  { username: 'police', displayName: '杨峰', role: 'POLICE_STATION' },
];

export interface SeedResult {
  created: string[];
  updated: string[];
  unchanged: string[];
}

/** The town of the demo accounts when the caller names none: Guling, the default data set. */
export const DEMO_TOWN = 'GULING';

/** Creates or refreshes the accounts, all of them in `town` (the deployment's default town). */
export async function seedDemoAccounts(
  dataSource: DataSource,
  password: string,
  accounts: readonly DemoAccount[] = DEMO_ACCOUNTS,
  town: string = DEMO_TOWN,
): Promise<SeedResult> {
  const result: SeedResult = { created: [], updated: [], unchanged: [] };
  const repo = dataSource.getRepository(UserEntity);
  for (const account of accounts) {
    const place = {
      displayName: account.displayName,
      role: account.role,
      town,
      area: account.area ?? null,
      school: account.school ?? null,
      grade: account.grade ?? null,
      className: account.className ?? null,
    };
    const existing = await repo.findOne({ where: { username: account.username } });
    if (!existing) {
      const inserted = await repo
        .createQueryBuilder()
        .insert()
        .values({ username: account.username, passwordHash: await hashPassword(password), ...place })
        .orIgnore() // another process seeding at the same moment
        .execute();
      (inserted.identifiers.length > 0 ? result.created : result.unchanged).push(account.username);
      continue;
    }
    const samePlace = (Object.keys(place) as Array<keyof typeof place>).every((key) => existing[key] === place[key]);
    const samePassword = await verifyPassword(existing.passwordHash, password);
    if (samePlace && samePassword) {
      result.unchanged.push(account.username);
      continue;
    }
    await repo.update(
      { id: existing.id },
      { ...place, ...(samePassword ? {} : { passwordHash: await hashPassword(password) }), updatedAt: () => 'now()' },
    );
    result.updated.push(account.username);
  }
  return result;
}

/** Where an account works, in words: 故陵小学 5 年级 五年级二班, 高坪村, 全镇. */
export function describePlace(account: Pick<DemoAccount, 'area' | 'school' | 'grade' | 'className'>, town: Town): string {
  if (account.school && account.grade !== undefined && account.className) {
    return `${town.schoolLabel(account.school).zh} ${account.grade}年级 ${account.className}`;
  }
  if (account.school) return town.schoolLabel(account.school).zh;
  if (account.area) return `${town.areaLabel(account.area).zh} ${account.area}`;
  return '全镇 / whole town';
}

/**
 * The accounts as a small table for the start-up log. The password is shown when it is the
 * default; a password set in BAOXUE_DEMO_PASSWORD is not written to logs.
 */
export function demoAccountsTable(town: Town, password: { value: string; isDefault: boolean }, accounts: readonly DemoAccount[] = DEMO_ACCOUNTS): string[] {
  const rows = accounts.map((a) => [a.username, `${ROLE_LABELS[a.role].zh} / ${ROLE_LABELS[a.role].en}`, a.displayName, describePlace(a, town)]);
  const header = ['username', 'role 岗位', 'name 姓名', 'scope 范围'];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => displayWidth(r[i]))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]))).join('  ');
  const shown = password.isDefault ? `"${password.value}"` : 'the value of BAOXUE_DEMO_PASSWORD';
  return [`演示账号 / demo accounts (password 密码: ${shown}; POST /api/auth/login)`, `  ${line(header)}`, ...rows.map((r) => `  ${line(r)}`)];
}

/** Columns a string takes in a terminal: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    width += (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60) || (code >= 0xffe0 && code <= 0xffe6) ? 2 : 1;
  }
  return width;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}
