/**
 * Routing by the responsibility chains (towns/guling.responsibility.json): for every stage, in each
 * of the 8 areas and both schools, the people who get the task. The expected people are written
 * out here by hand, from the file, so a wrong rule or a wrong file both fail.
 */
import { loadPolicy } from '../../src/policy/load-policy';
import { loadTown } from '../../src/read-model/town';
import {
  ResponsibilityChainsData,
  loadResponsibilityChains,
  peopleOf,
  plannedTasks,
  responsibilityPathFor,
  responsibilityProblems,
  responsiblePeople,
  supervisorOf,
  leaderOf,
  unroutableRoles,
  closureReason,
  TASK_WORK,
} from '../../src/responsibility';
import { findingTaskNotificationText, notificationText } from '../../src/notifications';
import { verifiers } from '../../src/finding/check/cross-check';
import { loadFindingPolicy } from '../../src/finding/check/finding-policy';
import { DEMO_ACCOUNTS } from '../../src/api/auth/demo-accounts';
import { CHAIN_STAGES, ChainStage } from '../../src/workflows/vocabulary';
import { DEFAULT_TOWN_PATH, loadTowns } from '../../src/read-model/town';
import { dirname, join } from 'node:path';

const town = loadTown();
const policy = loadPolicy();
const chains = loadResponsibilityChains(responsibilityPathFor(DEFAULT_TOWN_PATH), town);

/** Area → its village secretary (named in the notice), resident cadre (包村) and district leader (包片, the supervisor). */
const AREAS: Record<string, { secretary: string; cadre: string; supervisor: string }> = {
  GULING_COMMUNITY: { secretary: 'sec-guling', cadre: 'cadre-guling', supervisor: 'deputy' },
  GAOPING: { secretary: 'secretary', cadre: 'cadre', supervisor: 'deputy' },
  QIAOTING: { secretary: 'sec-qiaoting', cadre: 'cadre-qiaoting', supervisor: 'luoyang' },
  BAOXING: { secretary: 'sec-baoxing', cadre: 'cadre-baoxing', supervisor: 'luoyang' },
  SHUANGDIAN: { secretary: 'sec-shuangdian', cadre: 'cadre-shuangdian', supervisor: 'huyi' },
  LANCAO: { secretary: 'sec-lancao', cadre: 'cadre-lancao', supervisor: 'huyi' },
  HONGCHUN: { secretary: 'sec-hongchun', cadre: 'cadre-hongchun', supervisor: 'wangfanghui' },
  HONGPING: { secretary: 'sec-hongping', cadre: 'cadre-hongping', supervisor: 'wangfanghui' },
};

/** A class of each school with its class teacher (包班级) and grade manager (包年级). */
const CLASSES = [
  { school: 'GULING_PRIMARY', grade: 5, className: '五年级二班', teacher: 'teacher', manager: 'primary-upper' },
  { school: 'GULING_PRIMARY', grade: 2, className: '二年级一班', teacher: 'primary-g2c1', manager: 'primary-lower' },
  { school: 'GULING_MIDDLE', grade: 8, className: '八年级一班', teacher: 'middle-g8c1', manager: 'middle-g8' },
];

function expectedPeople(stage: ChainStage, a: (typeof AREAS)[string], k: (typeof CLASSES)[number]): string[] {
  switch (stage) {
    case 'HOME_VISIT':
      return [k.teacher, a.cadre];
    case 'PERSUASION':
      return [k.teacher, k.manager, a.cadre, a.secretary];
    case 'TOWN_CRITICISM':
    case 'CORRECTION_DEADLINE':
      return ['town'];
    case 'JUDICIAL_DOCUMENT':
      return ['justice'];
    case 'LEGAL_LIABILITY':
      return ['police'];
  }
}

describe('routing a stage to the people of the chains', () => {
  it('the policy names only roles routing knows', () => {
    expect(unroutableRoles(policy)).toEqual([]);
  });

  for (const [area, people] of Object.entries(AREAS)) {
    for (const k of CLASSES) {
      it(`names the right people for every stage in ${area} for ${k.school} ${k.className}`, () => {
        const place = { area, school: k.school, grade: k.grade, className: k.className };
        for (const stage of CHAIN_STAGES) {
          const named = responsiblePeople(chains, policy.stages[stage].responsible, place).map((p) => p.username);
          expect({ stage, named }).toEqual({ stage, named: expectedPeople(stage, people, k) });
        }
      });
    }
    it(`escalates overdue work in ${area} to its district leader, then to the leader`, () => {
      expect(supervisorOf(chains, area)).toBe(people.supervisor);
      expect(leaderOf(chains)).toBe('leader');
    });
  }

  it('a villager group with its own cadre (包组) gets the home visit instead of the resident cadre, and joins the persuasion', () => {
    const place = { area: 'GAOPING', school: 'GULING_PRIMARY', grade: 5, className: '五年级二班', villagerGroup: '1组' };
    expect(responsiblePeople(chains, policy.stages.HOME_VISIT.responsible, place)).toEqual([
      { username: 'teacher', role: 'CLASS_TEACHER', link: 'CLASS_TEACHER' },
      { username: 'gaoping-g1', role: 'VILLAGE_CADRE', link: 'GROUP_CADRE' },
    ]);
    expect(responsiblePeople(chains, policy.stages.PERSUASION.responsible, place).map((p) => p.username)).toEqual([
      'teacher',
      'primary-upper',
      'cadre',
      'secretary',
      'gaoping-g1',
    ]);
  });

  it('a household with its party member (包户) joins the village side', () => {
    const withHousehold: ResponsibilityChainsData = {
      ...chains,
      areas: { ...chains.areas, LANCAO: { ...chains.areas.LANCAO, households: { 'child-1': 'party-member' } } },
    };
    const place = { area: 'LANCAO', school: 'GULING_MIDDLE', grade: 7, className: '七年级一班', childId: 'child-1' };
    expect(responsiblePeople(withHousehold, ['VILLAGE'], place)).toContainEqual({ username: 'party-member', role: 'VILLAGE', link: 'HOUSEHOLD' });
  });

  it('a class without a teacher on file falls to the grade manager, a grade without a manager to the principal: nobody is left out', () => {
    const unknownClass = { area: 'GAOPING', school: 'GULING_MIDDLE', grade: 9, className: '九年级五班' };
    expect(responsiblePeople(chains, ['CLASS_TEACHER'], unknownClass)).toEqual([{ username: 'middle-g9', role: 'CLASS_TEACHER', link: 'GRADE_MANAGER' }]);
    const noManagers: ResponsibilityChainsData = { ...chains, schools: { ...chains.schools, GULING_MIDDLE: { principal: 'principal-middle' } } };
    expect(responsiblePeople(noManagers, ['SCHOOL'], unknownClass)).toEqual([{ username: 'principal-middle', role: 'SCHOOL', link: 'PRINCIPAL' }]);
  });

  it('a suspected dropout is verified by the class teacher and the principal (校长负总责); without a teacher on file, the grade manager; never the same person twice', () => {
    const findingPolicy = loadFindingPolicy();
    const at = (school: string | null, grade: number | null, className: string | null) =>
      verifiers(chains, findingPolicy, { area: 'GAOPING', school, grade, className }).map((p) => [p.username, p.link]);
    expect(at('GULING_PRIMARY', 5, '五年级一班')).toEqual([['primary-g5c1', 'CLASS_TEACHER'], ['principal', 'PRINCIPAL']]);
    expect(at('GULING_MIDDLE', 7, '七年级一班')).toEqual([['middle-g7c1', 'CLASS_TEACHER'], ['principal-middle', 'PRINCIPAL']]);
    expect(at('GULING_PRIMARY', 5, '五年级三班')).toEqual([['primary-upper', 'GRADE_MANAGER'], ['principal', 'PRINCIPAL']]);
    expect(at('GULING_PRIMARY', null, null)).toEqual([['principal', 'PRINCIPAL']]); // the class teacher's chain ends at the principal: one task
    expect(at(null, null, null)).toEqual([]); // no school: the item is the area's to work through on the lists
  });

  it('guardians and the court get no task: they have no accounts', () => {
    expect(responsiblePeople(chains, ['GUARDIAN', 'COURT'], { area: 'GAOPING', school: 'GULING_PRIMARY' })).toEqual([]);
  });

  it('every person the chains name is a demo account', () => {
    const accounts = new Set(DEMO_ACCOUNTS.map((a) => a.username));
    expect(peopleOf(chains).filter((p) => !accounts.has(p))).toEqual([]);
  });
});

describe('the tasks a case should have', () => {
  const base = {
    caseId: 'c1',
    stage: 'HOME_VISIT' as const,
    open: true,
    paused: false,
    stageEnteredAt: '2024-03-01T00:00:00.000Z',
    actionDueAt: '2024-03-04T00:00:00.000Z',
    windowEndsAt: '2024-03-04T00:00:00.000Z',
  };
  const place = { area: 'QIAOTING', school: 'GULING_PRIMARY', grade: 5, className: '五年级二班' };

  it('one per responsible person, due at the required action, with a deterministic id', () => {
    expect(plannedTasks(base, policy, chains, place)).toEqual([
      expect.objectContaining({ id: 'c1:HOME_VISIT:1709251200000:teacher', username: 'teacher', dueAt: base.actionDueAt, deadline: 'actionDueAt', paused: false }),
      expect.objectContaining({ id: 'c1:HOME_VISIT:1709251200000:cadre-qiaoting', username: 'cadre-qiaoting', dueAt: base.actionDueAt }),
    ]);
  });

  it('a stage without a required action is due at its window end; a paused case has paused tasks', () => {
    const persuasion = { ...base, stage: 'PERSUASION' as const, actionDueAt: undefined, windowEndsAt: '2024-03-16T00:00:00.000Z', paused: true };
    const tasks = plannedTasks(persuasion, policy, chains, place);
    expect(tasks.map((t) => [t.dueAt, t.deadline, t.paused])).toEqual(Array(4).fill(['2024-03-16T00:00:00.000Z', 'windowEndsAt', true]));
  });

  it('none once the required action is done, in RETURNED, or after the case ended; and says why they closed', () => {
    const documentIssued = { ...base, stage: 'JUDICIAL_DOCUMENT' as const, actionDueAt: undefined, windowEndsAt: '2024-03-20T00:00:00.000Z' };
    expect(plannedTasks(documentIssued, policy, chains, place)).toEqual([]);
    expect(plannedTasks({ ...base, stage: 'RETURNED' }, policy, chains, place)).toEqual([]);
    expect(plannedTasks({ ...base, stage: 'CANCELLED', open: false }, policy, chains, place)).toEqual([]);
    const task = { stage: 'JUDICIAL_DOCUMENT', stageEnteredAt: base.stageEnteredAt };
    expect(closureReason(documentIssued, task)).toBe('ACTION_DONE');
    expect(closureReason({ ...base, stage: 'LEGAL_LIABILITY' }, task)).toBe('STAGE_LEFT');
    expect(closureReason({ ...base, stage: 'CANCELLED', open: false }, task)).toBe('CASE_ENDED');
  });
});

describe('the responsibility file', () => {
  it('lists every problem with its path', () => {
    const broken = {
      ...chains,
      town: 'ELSEWHERE',
      leader: 'Not A User',
      offices: { TOWN_GOVERNMENT: ['town'], MAYOR: ['x'] },
      districts: chains.districts.filter((d) => d.code !== 'HONGHONG').concat([{ code: 'X', name: { zh: '甲', en: 'X' }, leader: 'x', areas: ['GAOPING', 'MOON'] }]),
      areas: { ...chains.areas, HONGPING: undefined },
      schools: { ...chains.schools, GULING_MIDDLE: { principal: 'principal-middle', classes: [{ grade: 3, className: '三年级一班', teacher: 't' }] } },
    };
    expect(responsibilityProblems(JSON.parse(JSON.stringify(broken)), town)).toEqual([
      'town: "ELSEWHERE" is not the town file\'s code GULING',
      'leader: "Not A User" is not a user name (lower case letters, digits, . _ -)',
      'offices.MAYOR: not an office (TOWN_GOVERNMENT, JUSTICE_OFFICE, POLICE_STATION, COURT)',
      'districts[3].areas[0]: GAOPING is already in district EAST',
      'districts[3].areas[1]: "MOON" is not an area of the town (GULING_COMMUNITY, GAOPING, QIAOTING, BAOXING, SHUANGDIAN, LANCAO, HONGCHUN, HONGPING)',
      'districts: area HONGCHUN 红椿村 is in no district (包片)',
      'districts: area HONGPING 红坪村 is in no district (包片)',
      'areas.HONGPING: missing (红坪村)',
      'schools.GULING_MIDDLE.classes[0].grade: 3 is not a grade of the school (7-9)',
    ]);
  });

  it('sits beside the town file: a folder of towns does not read it as a town', () => {
    const folder = dirname(DEFAULT_TOWN_PATH);
    expect(loadTowns([folder]).codes).toEqual(['GULING']);
    expect(responsibilityPathFor(DEFAULT_TOWN_PATH)).toBe(join(folder, 'guling.responsibility.json'));
  });

  it('a missing file is named', () => {
    expect(() => loadResponsibilityChains('/nowhere/x.responsibility.json', town)).toThrow('/nowhere/x.responsibility.json is missing');
  });
});

describe('the words of a notification', () => {
  it('name the kind, the case and stage, the work and the due date in Beijing time, and carry no personal data', () => {
    const text = notificationText('REMINDER', { caseId: '0b6f7c1e-2a51-4c1e-9d43-3f7a2c9e8b10', stage: 'TOWN_CRITICISM', work: TASK_WORK.TOWN_CRITICISM, dueAt: '2026-12-03T08:29:00.000Z' });
    expect(text).toEqual({
      title: { zh: '【到期提醒】案件 0b6f7c1e「批评教育」', en: '[Due soon] case 0b6f7c1e (Town criticism and education)' },
      body: {
        zh: '批评教育监护人并下达责令限期改正通知书；期限 2026年12月3日 16:29（北京时间）。', // a Chinese sentence writes the date in Chinese
        en: 'Criticise and educate the guardians and issue the order to correct; due 2026-12-03 16:29 (Beijing time).',
      },
    });
    const reassigned = notificationText('TASK_REASSIGNED', { caseId: 'c', stage: 'HOME_VISIT', reassigned: { by: '谭巧玲（coordinator）', reason: '驻村干部调整' } });
    expect(reassigned.body.zh).toBe('家访；由 谭巧玲（coordinator） 转交，原因：驻村干部调整。');
  });

  it('of a cross-check task name the kind of task, the work and the due date, and no case', () => {
    const text = findingTaskNotificationText({ kindLabel: { zh: '核实疑似辍学', en: 'Verify a suspected dropout' }, work: { zh: '核实疑似辍学：到家了解未到校原因', en: 'Verify: find out why' }, dueAt: '2026-11-23T10:00:00.000Z' });
    expect(text).toEqual({
      title: { zh: '【新任务】四查比对「核实疑似辍学」', en: '[New task] cross-check (Verify a suspected dropout)' },
      body: { zh: '核实疑似辍学：到家了解未到校原因；期限 2026年11月23日 18:00（北京时间）。', en: 'Verify: find out why; due 2026-11-23 18:00 (Beijing time).' },
    });
  });
});
