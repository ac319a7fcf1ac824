/**
 * Demo accounts for every role, for the embedded default (one command on a fresh machine): user
 * names say the role, display names are the people the notice names where it names them.
 * Seeding is idempotent: a second run creates nothing, brings role, place, name and `active` back
 * to these definitions, and sets the password again only when it changed. Every account it makes
 * is marked (users.demo), and it refuses a database that holds any account not so marked: a demo
 * town is never seeded beside real people's accounts (nor over one that has a demo user name).
 * When seeding is off, the demo accounts are switched off (deactivateDemoAccounts).
 */
import type { DataSource } from 'typeorm';
import type { Town } from '../../read-model/town';
import { UserEntity } from '../../read-model/entities';
import { hashPassword, verifyPassword } from './passwords';
import { ROLE_LABELS, Role } from '../../access/roles';

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
  { username: 'admin', displayName: '故陵镇账号管理员', role: 'TOWN_ADMIN' },
  // The responsibility chains (towns/guling.responsibility.json): 包片 leaders (deputies of the
  // leading group), every area's secretary (named in the notice) and resident cadre, Gaoping's
  // villager-group cadres, and the schools' principals, division leaders (分管), grade managers
  // (包年级, who read their school's cases as school leaders do) and class teachers.
  { username: 'luoyang', displayName: '罗阳', role: 'DEPUTY_LEADER' },
  { username: 'huyi', displayName: '胡意', role: 'DEPUTY_LEADER' },
  { username: 'wangfanghui', displayName: '王方辉', role: 'DEPUTY_LEADER' },
  ...villageAccounts(),
  { username: 'gaoping-g1', displayName: '高坪村1组村干部', role: 'VILLAGE_CADRE', area: 'GAOPING' },
  { username: 'gaoping-g2', displayName: '高坪村2组村干部', role: 'VILLAGE_CADRE', area: 'GAOPING' },
  { username: 'principal-middle', displayName: '范林', role: 'PRINCIPAL', school: 'GULING_MIDDLE' },
  { username: 'primary-vice', displayName: '故陵小学分管副校长', role: 'PRINCIPAL', school: 'GULING_PRIMARY' },
  { username: 'primary-lower', displayName: '故陵小学低年级（1-3）包年级干部', role: 'PRINCIPAL', school: 'GULING_PRIMARY' },
  { username: 'primary-upper', displayName: '故陵小学高年级（4-6）包年级干部', role: 'PRINCIPAL', school: 'GULING_PRIMARY' },
  { username: 'middle-vice', displayName: '故陵中学分管副校长', role: 'PRINCIPAL', school: 'GULING_MIDDLE' },
  ...[7, 8, 9].map((g): DemoAccount => ({ username: `middle-g${g}`, displayName: `故陵中学${g}年级包年级干部`, role: 'PRINCIPAL', school: 'GULING_MIDDLE' })),
  ...classTeachers('primary', 'GULING_PRIMARY', ['一年级一班', '二年级一班', '三年级一班', '四年级一班', '五年级一班', '六年级一班'], 1),
  ...classTeachers('middle', 'GULING_MIDDLE', ['七年级一班', '八年级一班', '九年级一班'], 7),
];

/** The eight areas' party secretaries (the notice names them) and resident cadres; Gaoping's are `secretary` and `cadre` above. */
function villageAccounts(): DemoAccount[] {
  const areas: Array<[string, string, string, string]> = [
    ['guling', 'GULING_COMMUNITY', '靳远平', '故陵社区'],
    ['qiaoting', 'QIAOTING', '李合平', '桥亭村'],
    ['baoxing', 'BAOXING', '吴雪梅', '宝兴村'],
    ['shuangdian', 'SHUANGDIAN', '刘朝平', '双店村'],
    ['lancao', 'LANCAO', '覃长春', '兰草村'],
    ['hongchun', 'HONGCHUN', '刘志强', '红椿村'],
    ['hongping', 'HONGPING', '杨义兵', '红坪村'],
  ];
  return areas.flatMap(([key, area, secretary, place]): DemoAccount[] => [
    { username: `sec-${key}`, displayName: secretary, role: 'VILLAGE_SECRETARY', area },
    { username: `cadre-${key}`, displayName: `${place}驻村干部`, role: 'VILLAGE_CADRE', area },
  ]);
}

/** One class per grade, `<prefix>-g<grade>c1`; the notice names no teacher, so the name says the post. */
function classTeachers(prefix: string, school: string, classNames: string[], firstGrade: number): DemoAccount[] {
  return classNames.map((className, i) => ({
    username: `${prefix}-g${firstGrade + i}c1`,
    displayName: `${className}班主任`,
    role: 'TEACHER',
    school,
    grade: firstGrade + i,
    className,
  }));
}

export interface SeedResult {
  created: string[];
  updated: string[];
  unchanged: string[];
}

/** The town of the demo accounts when the caller names none: Guling, the default data set. */
export const DEMO_TOWN = 'GULING';

/** Seeding a demo town on a database that holds real accounts: refused, nothing written. */
export class DemoSeedRefusedError extends Error {
  constructor(
    readonly realAccounts: number,
    readonly examples: string[],
  ) {
    super(
      `演示账号未创建：数据库中已有 ${realAccounts} 个非演示账号（${examples.join('、')}${realAccounts > examples.length ? '…' : ''}），演示账号只能建在没有真实账号的数据库上；请去掉 BAOXUE_SEED_DEMO=true。` +
        ` / Demo accounts not seeded: the database holds ${realAccounts} account(s) that are not demo accounts (${examples.join(', ')}${realAccounts > examples.length ? ', ...' : ''});` +
        ' a demo town is seeded only on a database without real accounts. Remove BAOXUE_SEED_DEMO=true.',
    );
    this.name = 'DemoSeedRefusedError';
  }
}

/** Creates or refreshes the accounts, all of them in `town` (the deployment's default town); throws DemoSeedRefusedError beside real accounts. */
export async function seedDemoAccounts(
  dataSource: DataSource,
  password: string,
  accounts: readonly DemoAccount[] = DEMO_ACCOUNTS,
  town: string = DEMO_TOWN,
): Promise<SeedResult> {
  const result: SeedResult = { created: [], updated: [], unchanged: [] };
  const repo = dataSource.getRepository(UserEntity);
  const [real] = await dataSource.query(
    `SELECT count(*)::int AS n, (array_agg(username ORDER BY username))[1:3] AS examples FROM users WHERE NOT demo`,
  );
  if (real.n > 0) throw new DemoSeedRefusedError(real.n, real.examples);
  // argon2 is slow on purpose, and the demo accounts share one password: hash it once per run and
  // verify each stored hash once (a shared salt tells nothing the shared password does not).
  let hashed: Promise<string> | undefined;
  const demoHash = () => (hashed ??= hashPassword(password));
  const verified = new Map<string, Promise<boolean>>();
  const matches = (stored: string) => {
    if (!verified.has(stored)) verified.set(stored, verifyPassword(stored, password));
    return verified.get(stored)!;
  };
  for (const [index, account] of accounts.entries()) {
    const place = {
      demo: true,
      active: true,
      displayName: account.displayName,
      role: account.role,
      town,
      area: account.area ?? null,
      school: account.school ?? null,
      grade: account.grade ?? null,
      className: account.className ?? null,
      // Where the demo town's SMS and WeCom messages go (the embedded fake provider takes them): made-up numbers.
      phone: demoPhone(index),
      wecomUserId: account.username,
    };
    const existing = await repo.findOne({ where: { username: account.username } });
    if (!existing) {
      const inserted = await repo
        .createQueryBuilder()
        .insert()
        .values({ username: account.username, passwordHash: await demoHash(), ...place })
        .orIgnore() // another process seeding at the same moment
        .execute();
      (inserted.identifiers.length > 0 ? result.created : result.unchanged).push(account.username);
      continue;
    }
    const samePlace = (Object.keys(place) as Array<keyof typeof place>).every((key) => existing[key] === place[key]);
    const samePassword = await matches(existing.passwordHash);
    if (samePlace && samePassword) {
      result.unchanged.push(account.username);
      continue;
    }
    await repo.update(
      { id: existing.id },
      { ...place, ...(samePassword ? {} : { passwordHash: await demoHash() }), updatedAt: () => 'now()' },
    );
    result.updated.push(account.username);
  }
  return result;
}

/** 13800000001, 13800000002, …: a made-up number per demo account, in the order of the list. */
export function demoPhone(index: number): string {
  return `13800${String(index + 1).padStart(6, '0')}`;
}

/** Switches off the demo accounts of a deployment that did not ask for them; answers their user names. */
export async function deactivateDemoAccounts(dataSource: DataSource): Promise<string[]> {
  const rows: Array<{ username: string }> = await dataSource.query(
    `WITH off AS (UPDATE users SET active = false, updated_at = now() WHERE demo AND active RETURNING username) SELECT username FROM off ORDER BY username`,
  );
  return rows.map((r) => r.username);
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
 * The accounts as a small table for the start-up log. The password is never written to a log: the
 * header says where it is (the file of the data folder, or BAOXUE_DEMO_PASSWORD).
 */
export function demoAccountsTable(town: Town, passwordWhere: string, accounts: readonly DemoAccount[] = DEMO_ACCOUNTS): string[] {
  const rows = accounts.map((a) => [a.username, `${ROLE_LABELS[a.role].zh} / ${ROLE_LABELS[a.role].en}`, a.displayName, describePlace(a, town)]);
  const header = ['username', 'role 岗位', 'name 姓名', 'scope 范围'];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => displayWidth(r[i]))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]))).join('  ');
  return [`演示账号 / demo accounts (password 密码: ${passwordWhere}; POST /api/auth/login)`, `  ${line(header)}`, ...rows.map((r) => `  ${line(r)}`)];
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
