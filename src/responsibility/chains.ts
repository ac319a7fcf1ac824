/**
 * The two responsibility chains of the notice (目标责任制), as data beside the town file
 * (towns/<town>.responsibility.json), never code:
 * - town: 领导干部包片 (a leader per district of areas, who supervises them), 驻村干部包村 (a
 *   resident cadre per area), 村干部包组 (a village cadre per villager group), 党员干部包户 (a party
 *   member per household);
 * - school: 校长负总责 (the principal), 校级干部分管 (division leaders), 中层干部包年级 (grade
 *   managers), 教师包班级 (class teachers).
 * People are user names of the town's accounts. Checked at start-up: every problem is listed with
 * its path in the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { RESPONSIBILITY_SUFFIX, Town } from '../read-model/town';
import type { Label } from '../workflows/vocabulary';

/** Offices that act as a whole (every listed person gets the task). COURT is usually nobody in the system. */
export const OFFICES = ['TOWN_GOVERNMENT', 'JUSTICE_OFFICE', 'POLICE_STATION', 'COURT'] as const;
export type Office = (typeof OFFICES)[number];

export interface District {
  code: string;
  name: Label;
  /** 包片领导: supervises the district's areas (overdue escalations go to them). */
  leader: string;
  areas: string[];
}

export interface AreaChain {
  /** 村（社区）支部书记. */
  secretary: string;
  /** 驻村干部（包村）. */
  residentCadre: string;
  /** 村干部包组: villager group (村民小组, as on the child's record) → village cadre. */
  groups?: Record<string, string>;
  /** 党员干部包户: child id → party member (a household is known by its child in this system). */
  households?: Record<string, string>;
}

export interface ClassChain {
  grade: number;
  className: string;
  /** 教师包班级: the class teacher. */
  teacher: string;
}

export interface SchoolChain {
  /** 校长负总责. */
  principal: string;
  /** 校级干部分管: a division leader and the grades of the division. */
  divisions?: Array<{ leader: string; grades: number[] }>;
  /** 中层干部包年级: grade → grade manager. */
  grades?: Record<string, string>;
  classes?: ClassChain[];
}

export interface ResponsibilityChainsData {
  /** The town's code (the town file's `code`). */
  town: string;
  description?: string;
  /** 组长: gets the escalations to the leader. */
  leader: string;
  offices: Partial<Record<Office, string[]>>;
  districts: District[];
  /** Area code → its chain; every area of the town has one. */
  areas: Record<string, AreaChain>;
  /** School code → its chain; every school of the town has one. */
  schools: Record<string, SchoolChain>;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{0,49}$/;

/** towns/guling.json → towns/guling.responsibility.json */
export function responsibilityPathFor(townPath: string): string {
  return townPath.replace(/(\.json)?$/, RESPONSIBILITY_SUFFIX);
}

/** Problems of a chains file against its town, each naming its path in the file; empty when valid. */
export function responsibilityProblems(raw: unknown, town: Town): string[] {
  const problems: string[] = [];
  const c = raw as Partial<ResponsibilityChainsData> | null;
  if (!c || typeof c !== 'object' || Array.isArray(c)) return ['the responsibility file must be a JSON object'];
  const user = (path: string, value: unknown) => {
    if (typeof value !== 'string' || !USERNAME.test(value)) problems.push(`${path}: "${String(value)}" is not a user name (lower case letters, digits, . _ -)`);
  };
  const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);

  if (c.town !== town.data.code) problems.push(`town: "${String(c.town)}" is not the town file's code ${town.data.code}`);
  user('leader', c.leader);

  if (!isObject(c.offices)) problems.push('offices: an object of office → user names');
  else {
    for (const [office, people] of Object.entries(c.offices)) {
      if (!(OFFICES as readonly string[]).includes(office)) problems.push(`offices.${office}: not an office (${OFFICES.join(', ')})`);
      if (!Array.isArray(people)) problems.push(`offices.${office}: a list of user names`);
      else people.forEach((p, i) => user(`offices.${office}[${i}]`, p));
    }
  }

  const districtOf = new Map<string, string>();
  if (!Array.isArray(c.districts) || c.districts.length === 0) problems.push('districts: name at least one district (包片)');
  else {
    c.districts.forEach((d, i) => {
      const path = `districts[${i}]`;
      if (typeof d?.code !== 'string' || d.code.trim() === '') problems.push(`${path}.code: required`);
      if (typeof d?.name?.zh !== 'string' || typeof d?.name?.en !== 'string') problems.push(`${path}.name: needs { "zh": ..., "en": ... }`);
      user(`${path}.leader`, d?.leader);
      if (!Array.isArray(d?.areas) || d.areas.length === 0) problems.push(`${path}.areas: name the areas of the district`);
      else
        d.areas.forEach((a, j) => {
          if (!town.areas.some((ta) => ta.code === a)) problems.push(`${path}.areas[${j}]: "${a}" is not an area of the town (${town.areas.map((ta) => ta.code).join(', ')})`);
          else if (districtOf.has(a)) problems.push(`${path}.areas[${j}]: ${a} is already in district ${districtOf.get(a)}`);
          else districtOf.set(a, d.code);
        });
    });
    for (const area of town.areas) if (!districtOf.has(area.code)) problems.push(`districts: area ${area.code} ${area.name.zh} is in no district (包片)`);
  }

  if (!isObject(c.areas)) problems.push('areas: an object of area code → chain');
  else {
    for (const area of town.areas) if (!c.areas[area.code]) problems.push(`areas.${area.code}: missing (${area.name.zh})`);
    for (const [code, a] of Object.entries(c.areas)) {
      const path = `areas.${code}`;
      if (!town.areas.some((ta) => ta.code === code)) problems.push(`${path}: not an area of the town`);
      if (!isObject(a)) {
        problems.push(`${path}: an object with secretary and residentCadre`);
        continue;
      }
      user(`${path}.secretary`, a.secretary);
      user(`${path}.residentCadre`, a.residentCadre);
      for (const key of ['groups', 'households'] as const) {
        if (a[key] === undefined) continue;
        if (!isObject(a[key])) problems.push(`${path}.${key}: an object of ${key === 'groups' ? 'villager group' : 'child id'} → user name`);
        else for (const [k, v] of Object.entries(a[key])) user(`${path}.${key}.${k}`, v);
      }
    }
  }

  if (!isObject(c.schools)) problems.push('schools: an object of school code → chain');
  else {
    for (const school of town.schools) if (!c.schools[school.code]) problems.push(`schools.${school.code}: missing (${school.name.zh})`);
    for (const [code, s] of Object.entries(c.schools)) {
      const path = `schools.${code}`;
      const school = town.schools.find((ts) => ts.code === code);
      if (!school) problems.push(`${path}: not a school of the town`);
      if (!isObject(s)) {
        problems.push(`${path}: an object with a principal`);
        continue;
      }
      const [low, high] = school?.grades ?? [1, 9];
      const grade = (p: string, g: unknown) => {
        if (!Number.isInteger(g) || (g as number) < low || (g as number) > high) problems.push(`${p}: ${String(g)} is not a grade of the school (${low}-${high})`);
      };
      user(`${path}.principal`, s.principal);
      if (s.divisions !== undefined) {
        if (!Array.isArray(s.divisions)) problems.push(`${path}.divisions: a list`);
        else
          s.divisions.forEach((d, i) => {
            user(`${path}.divisions[${i}].leader`, d?.leader);
            if (!Array.isArray(d?.grades) || d.grades.length === 0) problems.push(`${path}.divisions[${i}].grades: name the grades`);
            else d.grades.forEach((g, j) => grade(`${path}.divisions[${i}].grades[${j}]`, g));
          });
      }
      if (s.grades !== undefined) {
        if (!isObject(s.grades)) problems.push(`${path}.grades: an object of grade → user name`);
        else
          for (const [g, u] of Object.entries(s.grades)) {
            grade(`${path}.grades.${g}`, Number(g));
            user(`${path}.grades.${g}`, u);
          }
      }
      if (s.classes !== undefined) {
        if (!Array.isArray(s.classes)) problems.push(`${path}.classes: a list`);
        else {
          const seen = new Set<string>();
          s.classes.forEach((k, i) => {
            const p = `${path}.classes[${i}]`;
            grade(`${p}.grade`, k?.grade);
            if (typeof k?.className !== 'string' || k.className.trim() === '') problems.push(`${p}.className: required`);
            else if (seen.has(`${k.grade}:${k.className}`)) problems.push(`${p}: ${k.grade} ${k.className} appears twice`);
            else seen.add(`${k.grade}:${k.className}`);
            user(`${p}.teacher`, k?.teacher);
          });
        }
      }
    }
  }
  return problems;
}

/** Reads and checks a chains file; fails fast with every problem listed and the file named. */
export function loadResponsibilityChains(path: string, town: Town): ResponsibilityChainsData {
  if (!existsSync(path)) throw new Error(`the responsibility file ${path} is missing: every town file needs its chains beside it (see towns/guling.responsibility.json)`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the responsibility file ${path}: ${(err as Error).message}`);
  }
  const problems = responsibilityProblems(raw, town);
  if (problems.length > 0) throw new Error(`the responsibility file ${path} is not valid:\n  - ${problems.join('\n  - ')}`);
  return raw as ResponsibilityChainsData;
}

/** Every user name the chains name (to check against the accounts). */
export function peopleOf(c: ResponsibilityChainsData): string[] {
  const names = new Set<string>([c.leader]);
  for (const people of Object.values(c.offices)) for (const p of people ?? []) names.add(p);
  for (const d of c.districts) names.add(d.leader);
  for (const a of Object.values(c.areas)) {
    names.add(a.secretary);
    names.add(a.residentCadre);
    for (const p of Object.values(a.groups ?? {})) names.add(p);
    for (const p of Object.values(a.households ?? {})) names.add(p);
  }
  for (const s of Object.values(c.schools)) {
    names.add(s.principal);
    for (const d of s.divisions ?? []) names.add(d.leader);
    for (const p of Object.values(s.grades ?? {})) names.add(p);
    for (const k of s.classes ?? []) names.add(k.teacher);
  }
  return [...names].sort();
}
