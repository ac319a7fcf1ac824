/**
 * Routing: from a stage's responsible roles (the policy's `responsible`, e.g. CLASS_TEACHER,
 * VILLAGE_CADRE) and the case's place (area, villager group, school, grade, class) to the people
 * in the responsibility chains. Pure: no database, unit-tested area by area and school by school.
 *
 * Who answers for each role (the nearest link of the chain that is filled in; nobody is left out,
 * "工作有人具体抓"):
 * - CLASS_TEACHER: the class teacher (包班级), else the grade manager (包年级), else the principal;
 * - SCHOOL: the class teacher and the grade manager (each falling back as above);
 * - VILLAGE_CADRE: the villager group's cadre (包组), else the area's resident cadre (包村);
 * - VILLAGE: the resident cadre (包村) and the village secretary, plus the group cadre and the
 *   household's party member (包户) where the chains name them;
 * - TOWN_GOVERNMENT, JUSTICE_OFFICE, POLICE_STATION, COURT: the people the chains list for the office;
 * - GUARDIAN: nobody in the system (guardians have no accounts; the town office watches them).
 */
import type { Policy } from '../workflows/policy';
import { CHAIN_STAGES, ChainStage, EVENT_LABELS, Label } from '../workflows/vocabulary';
import type { AreaChain, ResponsibilityChainsData, SchoolChain } from './chains';
import { OFFICES, Office } from './chains';

/** Where a case sits in the chains: the case's area and school, the child's grade, class, villager group. */
export interface CasePlace {
  area: string;
  school: string;
  grade?: number | null;
  className?: string | null;
  villagerGroup?: string | null;
  childId?: string;
}

/** The link of a chain a person was found by. */
export type ChainLink =
  | 'CLASS_TEACHER'
  | 'GRADE_MANAGER'
  | 'PRINCIPAL'
  | 'GROUP_CADRE'
  | 'RESIDENT_CADRE'
  | 'SECRETARY'
  | 'HOUSEHOLD'
  | 'OFFICE';

export const CHAIN_LINK_LABELS: Record<ChainLink, Label> = {
  CLASS_TEACHER: { zh: '包班级教师', en: 'Class teacher' },
  GRADE_MANAGER: { zh: '包年级干部', en: 'Grade manager' },
  PRINCIPAL: { zh: '校长', en: 'Principal' },
  GROUP_CADRE: { zh: '包组村干部', en: 'Villager-group cadre' },
  RESIDENT_CADRE: { zh: '包村驻村干部', en: 'Resident cadre' },
  SECRETARY: { zh: '村（社区）支部书记', en: 'Village party secretary' },
  HOUSEHOLD: { zh: '包户党员干部', en: 'Household party member' },
  OFFICE: { zh: '职能部门', en: 'Office' },
};

/** A person named for a stage, and why. */
export interface Assignment {
  username: string;
  /** The policy's responsible role this person answers for. */
  role: string;
  link: ChainLink;
}

export const ROUTABLE_ROLES = ['CLASS_TEACHER', 'SCHOOL', 'VILLAGE_CADRE', 'VILLAGE', ...OFFICES, 'GUARDIAN'] as const;

/** What a task asks for, per stage (the required action's label where the stage has one). */
export const TASK_WORK: Record<ChainStage, Label> = {
  HOME_VISIT: { zh: `${EVENT_LABELS.RECORD_HOME_VISIT.zh}：上门家访并录入家访情况`, en: `${EVENT_LABELS.RECORD_HOME_VISIT.en}: visit the family and record the visit` },
  PERSUASION: { zh: '劝返复学：开展劝返并记录每次劝返', en: 'Persuade the child back to school and record every attempt' },
  TOWN_CRITICISM: { zh: '批评教育监护人并下达责令限期改正通知书', en: 'Criticise and educate the guardians and issue the order to correct' },
  CORRECTION_DEADLINE: { zh: '督促监护人在期限内改正（送学）', en: 'See that the guardians correct within the deadline (send the child to school)' },
  JUDICIAL_DOCUMENT: { zh: '发放司法文书，敦促复学', en: 'Issue the judicial document urging return' },
  LEGAL_LIABILITY: { zh: '依法追究法律责任并记录处理结果', en: 'Pursue legal liability and record the outcome' },
};

/** The people responsible for a stage's roles at a place, each once (the first role that names them wins). */
export function responsiblePeople(chains: ResponsibilityChainsData, roles: readonly string[], place: CasePlace): Assignment[] {
  const found: Assignment[] = [];
  const add = (role: string, username: string | undefined, link: ChainLink) => {
    if (username && !found.some((a) => a.username === username)) found.push({ username, role, link });
  };
  const area: AreaChain | undefined = chains.areas[place.area];
  const school: SchoolChain | undefined = chains.schools[place.school];
  for (const role of roles) {
    switch (role) {
      case 'CLASS_TEACHER':
        add(role, ...classTeacher(school, place));
        break;
      case 'SCHOOL':
        add(role, ...classTeacher(school, place));
        add(role, ...gradeManager(school, place));
        break;
      case 'VILLAGE_CADRE':
        add(role, ...villageCadre(area, place));
        break;
      case 'VILLAGE': {
        add(role, area?.residentCadre, 'RESIDENT_CADRE');
        add(role, area?.secretary, 'SECRETARY');
        if (place.villagerGroup) add(role, area?.groups?.[place.villagerGroup], 'GROUP_CADRE');
        if (place.childId) add(role, area?.households?.[place.childId], 'HOUSEHOLD');
        break;
      }
      case 'GUARDIAN':
        break; // guardians have no accounts
      default:
        if ((OFFICES as readonly string[]).includes(role)) for (const p of chains.offices[role as Office] ?? []) add(role, p, 'OFFICE');
    }
  }
  return found;
}

function classTeacher(school: SchoolChain | undefined, place: CasePlace): [string | undefined, ChainLink] {
  const teacher = school?.classes?.find((k) => k.grade === place.grade && k.className === place.className)?.teacher;
  return teacher ? [teacher, 'CLASS_TEACHER'] : gradeManager(school, place);
}

function gradeManager(school: SchoolChain | undefined, place: CasePlace): [string | undefined, ChainLink] {
  const manager = place.grade === undefined || place.grade === null ? undefined : school?.grades?.[String(place.grade)];
  return manager ? [manager, 'GRADE_MANAGER'] : [school?.principal, 'PRINCIPAL'];
}

function villageCadre(area: AreaChain | undefined, place: CasePlace): [string | undefined, ChainLink] {
  const groupCadre = place.villagerGroup ? area?.groups?.[place.villagerGroup] : undefined;
  return groupCadre ? [groupCadre, 'GROUP_CADRE'] : [area?.residentCadre, 'RESIDENT_CADRE'];
}

/** 驻村领导为监督人: the area's supervisor is the leader of its district (包片). */
export function supervisorOf(chains: ResponsibilityChainsData, area: string): string | undefined {
  return chains.districts.find((d) => d.areas.includes(area))?.leader;
}

/** 组长: escalations to the leader go here. */
export function leaderOf(chains: ResponsibilityChainsData): string {
  return chains.leader;
}

/** Roles a policy names that routing does not know (a start-up error: such a stage would have nobody). */
export function unroutableRoles(policy: Policy): string[] {
  const problems: string[] = [];
  for (const stage of [...CHAIN_STAGES, 'RETURNED'] as const) {
    for (const role of policy.stages[stage].responsible) {
      if (!(ROUTABLE_ROLES as readonly string[]).includes(role)) {
        problems.push(`stages.${stage}.responsible: "${role}" is not a role routing knows (${ROUTABLE_ROLES.join(', ')})`);
      }
    }
  }
  return problems;
}
