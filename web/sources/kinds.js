/*
 * The four sources as the page offers them: which a role imports (the API's rule,
 * src/finding/sources/source-scope.ts; test/web/navigation.test.ts checks this against it), whether
 * a school is chosen, and the headers a file has (docs/finding.md has them all).
 */
export const SOURCE_KINDS = [
  {
    kind: 'HOUSEHOLD_REGISTER',
    label: ['户籍', 'Household register'],
    school: false,
    headers: ['姓名、公民身份号码（或 身份证号）、性别、出生日期、户主姓名、与户主关系、住址（或 村(社区)、村民小组）', '姓名, 公民身份号码 (or 身份证号), 性别, 出生日期, 户主姓名, 与户主关系, 住址 (or 村(社区), 村民小组)'],
  },
  {
    kind: 'SCHOOL_ROLL',
    label: ['学籍', 'School roll'],
    school: true,
    headers: ['学籍号（或 全国学籍号）、姓名、身份证号、性别、出生日期、年级、班级', '学籍号 (or 全国学籍号), 姓名, 身份证号, 性别, 出生日期, 年级, 班级'],
  },
  {
    kind: 'ATTENDANCE',
    label: ['考勤', 'Attendance'],
    school: true,
    headers: [
      '学籍号（或 身份证号）、姓名，再按日一行：日期、出勤情况（√、缺勤、旷课、病假、事假）、缺勤原因；或按周一行，每天一列，表头为日期（2026-09-07）',
      '学籍号 (or 身份证号), 姓名, then a row per day: 日期, 出勤情况 (√, 缺勤, 旷课, 病假, 事假), 缺勤原因; or a row per week with a column per day headed by its date (2026-09-07)',
    ],
  },
  {
    kind: 'POVERTY_LIST',
    label: ['脱贫户/监测户名单', 'Poverty-monitoring list'],
    school: false,
    headers: ['户主姓名、成员姓名（或 姓名）、身份证号码、与户主关系、村(社区)、户类型（脱贫户、监测户……）', '户主姓名, 成员姓名 (or 姓名), 身份证号码, 与户主关系, 村(社区), 户类型 (脱贫户, 监测户…)'],
  },
];

/** The town-wide roles (the ledger keepers) import every source, naming the school where one is needed. */
const KEEPERS = ['COORDINATOR', 'DAILY_OFFICER'];

/** The kinds a role imports: keepers all, a principal its school's roll and attendance, a teacher its class's attendance. */
export function sourceKindsFor(role) {
  if (KEEPERS.includes(role)) return SOURCE_KINDS.map((k) => k.kind);
  if (role === 'PRINCIPAL') return ['SCHOOL_ROLL', 'ATTENDANCE'];
  if (role === 'TEACHER') return ['ATTENDANCE'];
  return [];
}

/** Whether the role chooses the school itself (otherwise it is the user's own). */
export const choosesSchool = (role) => KEEPERS.includes(role);
