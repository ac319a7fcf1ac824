/**
 * The demo town's cases, seeded at start-up by the embedded default (BAOXUE_SEED_DEMO, on unless
 * DATABASE_URL is set), so a new user opening /dashboard sees a populated town: cases in several
 * stages across the areas, two areas at zero. They go through the real engine (the case workflow
 * started and acted on, as a report and actions over the API would), never straight into tables.
 *
 * Idempotent and cheap on every start: the children have fixed ID numbers, and a child that
 * already has a case is skipped; when all have one, seeding is one query.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { CaseEngine } from '../api/case-engine.port';
import { actorName } from '../api/auth/auth-user';
import { DEMO_ACCOUNTS, DEMO_TOWN } from '../api/auth/demo-accounts';
import { idNumberCheckDigit } from '../api/validation/chinese-id-number';
import { openCaseRecord } from '../read-model/case-intake';
import type { ActionRequest, CaseAction } from '../workflows/messages';
import type { Cause } from '../workflows/vocabulary';

interface DemoStep {
  /** A demo account's user name: the actor of the step. */
  by: string;
  action: ActionRequest;
}

export interface DemoCase {
  name: string;
  sex: 'M' | 'F';
  birthDate: string;
  /** Unique per demo child: the ID number's sequence. */
  serial: number;
  school: 'GULING_PRIMARY' | 'GULING_MIDDLE';
  grade: number;
  className: string;
  area: string;
  cause: Cause;
  reportedBy: string;
  note: string;
  steps: DemoStep[];
}

const notReturned = (by: string, note: string): DemoStep => ({ by, action: { type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED', note } });
const refused = (by: string, reason: string): DemoStep => ({ by, action: { type: 'PERSUASION_REFUSED', reason } });

/** The demo education aid is due a fortnight after the start that seeds it. */
const DEMO_AID_DUE = new Date(Date.now() + 14 * 86_400_000).toISOString();

/** Twelve children in six areas (兰草村 and 红坪村 at zero). Names are invented. */
export const DEMO_CASES: readonly DemoCase[] = [
  { name: '王小军', sex: 'M', birthDate: '2015-04-12', serial: 11, school: 'GULING_PRIMARY', grade: 5, className: '五年级二班', area: 'GAOPING', cause: 'GUARDIAN_REFUSES', reportedBy: 'teacher', note: '连续两周未到校', steps: [] },
  { name: '陈小红', sex: 'F', birthDate: '2012-09-03', serial: 12, school: 'GULING_MIDDLE', grade: 7, className: '七年级一班', area: 'GAOPING', cause: 'WORK', reportedBy: 'secretary', note: '随父母外出务工', steps: [notReturned('secretary', '家长在外务工，孩子随行')] },
  { name: '刘小东', sex: 'M', birthDate: '2014-02-20', serial: 13, school: 'GULING_PRIMARY', grade: 6, className: '六年级一班', area: 'GAOPING', cause: 'GUARDIAN_REFUSES', reportedBy: 'principal', note: '开学未报到', steps: [notReturned('secretary', '监护人不同意返校'), refused('secretary', '监护人明确拒绝劝返')] },
  { name: '赵小梅', sex: 'F', birthDate: '2011-11-08', serial: 14, school: 'GULING_MIDDLE', grade: 8, className: '八年级二班', area: 'QIAOTING', cause: 'GUARDIAN_REFUSES', reportedBy: 'coordinator', note: '家长让其在家务农', steps: [notReturned('officer', '家长拒绝'), refused('officer', '多次劝返无果'), { by: 'town', action: { type: 'ISSUE_CORRECTION_ORDER', note: '已当面批评教育并送达责令改正通知' } }] },
  { name: '孙小龙', sex: 'M', birthDate: '2016-06-30', serial: 15, school: 'GULING_PRIMARY', grade: 4, className: '四年级一班', area: 'QIAOTING', cause: 'LEARNING_DIFFICULTY', reportedBy: 'principal', note: '厌学在家', steps: [notReturned('principal', '学生厌学'), { by: 'principal', action: { type: 'RECORD_RETURN', note: '制定帮扶计划后返校' } }] },
  { name: '周小燕', sex: 'F', birthDate: '2010-12-15', serial: 16, school: 'GULING_MIDDLE', grade: 9, className: '九年级一班', area: 'BAOXING', cause: 'POVERTY', reportedBy: 'coordinator', note: '家庭困难', steps: [notReturned('officer', '家庭经济困难'), { by: 'officer', action: { type: 'ADD_SUPPORT', measure: 'EDUCATION_AID', owner: 'officer', dueAt: DEMO_AID_DUE, note: '申请教育资助' } }] },
  { name: '吴小兵', sex: 'M', birthDate: '2017-03-22', serial: 17, school: 'GULING_PRIMARY', grade: 3, className: '三年级一班', area: 'BAOXING', cause: 'ILLNESS', reportedBy: 'principal', note: '因病未到校', steps: [] },
  { name: '郑小花', sex: 'F', birthDate: '2015-08-09', serial: 18, school: 'GULING_PRIMARY', grade: 5, className: '五年级一班', area: 'SHUANGDIAN', cause: 'OTHER', reportedBy: 'principal', note: '一周未到校', steps: [{ by: 'principal', action: { type: 'RECORD_HOME_VISIT', outcome: 'RETURNED', note: '家访后当天返校' } }] },
  { name: '冯小刚', sex: 'M', birthDate: '2011-05-17', serial: 19, school: 'GULING_MIDDLE', grade: 8, className: '八年级一班', area: 'SHUANGDIAN', cause: 'GUARDIAN_REFUSES', reportedBy: 'coordinator', note: '监护人不让上学', steps: [notReturned('officer', '监护人拒绝'), refused('officer', '监护人拒绝劝返')] },
  { name: '何小丽', sex: 'F', birthDate: '2012-01-26', serial: 20, school: 'GULING_MIDDLE', grade: 7, className: '七年级二班', area: 'GULING_COMMUNITY', cause: 'MARRIAGE', reportedBy: 'coordinator', note: '疑似早婚', steps: [notReturned('officer', '家长称已订婚')] },
  { name: '许小强', sex: 'M', birthDate: '2014-10-04', serial: 21, school: 'GULING_PRIMARY', grade: 6, className: '六年级二班', area: 'HONGCHUN', cause: 'LEARNING_DIFFICULTY', reportedBy: 'principal', note: '成绩落后后不愿上学', steps: [] },
  { name: '马小芳', sex: 'F', birthDate: '2019-07-19', serial: 22, school: 'GULING_PRIMARY', grade: 2, className: '二年级一班', area: 'GULING_COMMUNITY', cause: 'DISABILITY', reportedBy: 'principal', note: '残疾，行动不便', steps: [notReturned('principal', '需送教上门'), { by: 'principal', action: { type: 'RECORD_RETURN', note: '送教上门，视同在校' } }] },
];

/** The fixed ID number of a demo child (Yunyang county 500235, a valid check digit). */
export function demoIdNumber(c: Pick<DemoCase, 'birthDate' | 'sex' | 'serial'>): string {
  const sequence = String(c.serial * 2 + (c.sex === 'M' ? 1 : 0)).padStart(3, '0');
  const first17 = `500235${c.birthDate.replaceAll('-', '')}${sequence}`;
  return first17 + idNumberCheckDigit(first17);
}

export interface DemoSeedResult {
  opened: number;
  skipped: number;
}

/**
 * Opens the demo cases in the deployment's default town, where the demo accounts are; they name
 * Guling's areas and schools, so another default town gets none.
 */
export async function seedDemoCases(deps: { dataSource: DataSource; engine: CaseEngine; town: string; cases?: readonly DemoCase[] }): Promise<DemoSeedResult> {
  const cases = deps.cases ?? DEMO_CASES;
  if (deps.town !== DEMO_TOWN) return { opened: 0, skipped: cases.length };
  const rows: Array<{ id_number: string }> = await deps.dataSource.query(
    `SELECT ch.id_number FROM children ch WHERE ch.town = $2 AND ch.id_number = ANY($1::text[]) AND EXISTS (SELECT 1 FROM cases c WHERE c.child_id = ch.id)`,
    [cases.map(demoIdNumber), DEMO_TOWN],
  );
  const done = new Set(rows.map((r) => r.id_number));
  const todo = cases.filter((c) => !done.has(demoIdNumber(c)));
  // A few at a time: the worker shares the machine with everything else starting up.
  for (let i = 0; i < todo.length; i += 4) await Promise.all(todo.slice(i, i + 4).map((c) => openDemoCase(deps, c)));
  return { opened: todo.length, skipped: cases.length - todo.length };
}

async function openDemoCase(deps: { dataSource: DataSource; engine: CaseEngine }, c: DemoCase): Promise<void> {
  const caseId = randomUUID();
  const openedAt = new Date().toISOString();
  const openedBy = actor(c.reportedBy);
  const row = await openCaseRecord(deps.dataSource, {
    caseId,
    town: DEMO_TOWN, // the demo accounts' town
    child: {
      name: c.name,
      idNumber: demoIdNumber(c),
      birthDate: c.birthDate,
      sex: c.sex,
      school: c.school,
      grade: c.grade,
      className: c.className,
      area: c.area,
      guardians: [{ name: `${c.name.slice(0, 1)}大山`, phone: `1390000${String(c.serial).padStart(4, '0')}`, relation: '父亲' }],
    },
    cause: c.cause,
    note: c.note,
    openedAt,
    openedBy,
  });
  await deps.engine.startCase({ caseId, town: DEMO_TOWN, childId: row.childId, cause: c.cause, area: row.area, school: row.school, openedAt, openedBy, note: c.note });
  for (const step of c.steps) await deps.engine.act(caseId, { ...step.action, actor: actor(step.by) } as CaseAction);
}

function actor(username: string): string {
  const account = DEMO_ACCOUNTS.find((a) => a.username === username);
  if (!account) throw new Error(`no demo account ${username}`);
  return actorName(account);
}
