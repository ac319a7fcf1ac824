/**
 * A town's reference data (towns/guling.json): responsibility areas, schools, offices and the
 * leading group, each with a stable code and Chinese/English names. Cases store codes; people may
 * type the Chinese name. A county runs one deployment for all its towns (`Towns`): every record
 * carries its town's code, and names resolve against the user's own town.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../project-root';
import type { Label } from '../workflows/vocabulary';

export interface TownArea {
  code: string;
  name: Label;
}

export interface TownSchool {
  code: string;
  name: Label;
  /** Lowest and highest grade taught, e.g. [1, 6]. */
  grades: [number, number];
}

/** An office of the town government or a station the notice names (镇政府/社事办, 司法所, 派出所, 市监所 ...). */
export interface TownOffice {
  code: string;
  name: Label;
  /** What the notice gives it to do. */
  duty?: Label;
}

export const GROUP_ROLES = ['LEADER', 'DEPUTY_LEADER', 'MEMBER'] as const;
/** 组长, 副组长, 成员 of the leading group (领导小组). */
export type GroupRole = (typeof GROUP_ROLES)[number];
export const GROUP_ROLE_LABELS: Record<GroupRole, Label> = {
  LEADER: { zh: '组长', en: 'Leader' },
  DEPUTY_LEADER: { zh: '副组长', en: 'Deputy leader' },
  MEMBER: { zh: '成员', en: 'Member' },
};

export interface GroupMember {
  name: string;
  /** Post as the notice writes it, e.g. 党委副书记、镇长. */
  post: string;
  role: GroupRole;
  /** The office, school or area the member stands for (codes of this file). */
  office?: string;
  school?: string;
  area?: string;
}

export interface GroupDuty {
  name: string;
  duty?: Label;
}

export interface LeadingGroup {
  members: GroupMember[];
  /** 统筹负责. */
  coordinator?: GroupDuty;
  /** 负责日常具体工作. */
  dailyOfficer?: GroupDuty;
}

/**
 * How the town heads and numbers its documents (src/documents): the full names printed at the
 * head (红头) and foot (落款) of a document, and the 文号 prefix of each document kind, e.g. 故陵府责改
 * gives 故陵府责改〔2026〕3号.
 */
export interface TownDocumentsData {
  /** TOWN_GOVERNMENT, LEADING_GROUP, JUSTICE_OFFICE, POLICE_STATION: full names. */
  letterheads: Record<string, string>;
  /** Document kind → 文号 prefix. */
  numberPrefixes: Record<string, string>;
}

/** The letterheads a document template may name (templates/documents.json). */
export const DOCUMENT_OFFICES = ['TOWN_GOVERNMENT', 'LEADING_GROUP', 'JUSTICE_OFFICE', 'POLICE_STATION'] as const;
export type DocumentOffice = (typeof DOCUMENT_OFFICES)[number];

export interface TownData {
  code: string;
  name: Label;
  source?: string;
  areas: TownArea[];
  schools: TownSchool[];
  offices?: TownOffice[];
  leadingGroup?: LeadingGroup;
  /** Optional: without it, letterheads are named after the town, and 文号 prefixes are the town's name and the kind's short name. */
  documents?: TownDocumentsData;
}

export const DEFAULT_TOWN_PATH = resolve(PROJECT_ROOT, 'towns/guling.json');

export class Town {
  private readonly areasByKey = new Map<string, TownArea>();
  private readonly schoolsByKey = new Map<string, TownSchool>();

  constructor(readonly data: TownData) {
    for (const area of data.areas) for (const key of keysOf(area)) this.areasByKey.set(key, area);
    for (const school of data.schools) for (const key of keysOf(school)) this.schoolsByKey.set(key, school);
  }

  get areas(): readonly TownArea[] {
    return this.data.areas;
  }

  get code(): string {
    return this.data.code;
  }

  get name(): Label {
    return this.data.name;
  }

  get schools(): readonly TownSchool[] {
    return this.data.schools;
  }

  get offices(): readonly TownOffice[] {
    return this.data.offices ?? [];
  }

  get leadingGroup(): LeadingGroup {
    return this.data.leadingGroup ?? { members: [] };
  }

  /** Finds an area by code, Chinese name or English name (case and surrounding spaces ignored). */
  area(codeOrName: string): TownArea | undefined {
    return this.areasByKey.get(normalise(codeOrName));
  }

  school(codeOrName: string): TownSchool | undefined {
    return this.schoolsByKey.get(normalise(codeOrName));
  }

  areaLabel(code: string): Label {
    return this.area(code)?.name ?? { zh: code, en: code };
  }

  schoolLabel(code: string): Label {
    return this.school(code)?.name ?? { zh: code, en: code };
  }

  /** The full name of an office as printed at the head and foot of a document (云阳县故陵镇人民政府). */
  letterhead(office: DocumentOffice): string {
    const named = this.data.documents?.letterheads?.[office];
    if (named) return named;
    const town = this.data.name.zh;
    return { TOWN_GOVERNMENT: `${town}人民政府`, LEADING_GROUP: `${town}控辍保学工作领导小组`, JUSTICE_OFFICE: `${town}司法所`, POLICE_STATION: `${town}派出所` }[office];
  }

  /** The 文号 prefix the town file gives a document kind (故陵府责改); undefined when it names none. */
  numberPrefix(kind: string): string | undefined {
    return this.data.documents?.numberPrefixes?.[kind];
  }

  /** "GAOPING 高坪村, ..." for error messages. */
  describeAreas(): string[] {
    return this.data.areas.map((a) => `${a.code} ${a.name.zh}`);
  }

  describeSchools(): string[] {
    return this.data.schools.map((s) => `${s.code} ${s.name.zh}`);
  }
}

function keysOf(entry: { code: string; name: Label }): string[] {
  return [entry.code, entry.name.zh, entry.name.en].map(normalise);
}

function normalise(text: string): string {
  return String(text).trim().toLowerCase();
}

/** Problems of a town file, each naming its path; empty when valid. */
export function townProblems(raw: unknown): string[] {
  const problems: string[] = [];
  const t = raw as Partial<TownData> | null;
  if (!t || typeof t !== 'object') return ['the town file must be a JSON object'];
  const label = (path: string, value: unknown) => {
    const l = value as Partial<Label> | undefined;
    if (!l || typeof l.zh !== 'string' || l.zh.trim() === '' || typeof l.en !== 'string' || l.en.trim() === '') {
      problems.push(`${path}: needs { "zh": ..., "en": ... }`);
    }
  };
  if (typeof t.code !== 'string' || t.code.trim() === '') problems.push('code: required');
  label('name', t.name);
  const seen = new Set<string>();
  const entries = (key: 'areas' | 'schools') => {
    const list = t[key];
    if (!Array.isArray(list) || list.length === 0) {
      problems.push(`${key}: name at least one`);
      return;
    }
    list.forEach((entry: Partial<TownSchool>, i) => {
      const path = `${key}[${i}]`;
      if (typeof entry?.code !== 'string' || !CODE.test(entry.code)) {
        problems.push(`${path}.code: an upper-case code like GAOPING`);
      } else if (seen.has(`${key}:${entry.code}`)) {
        problems.push(`${path}.code: ${entry.code} appears twice`);
      } else {
        seen.add(`${key}:${entry.code}`);
      }
      label(`${path}.name`, entry?.name);
      if (key === 'schools') {
        const g = entry?.grades;
        if (!Array.isArray(g) || g.length !== 2 || !g.every((n) => Number.isInteger(n) && n >= 1 && n <= 9) || g[0] > g[1]) {
          problems.push(`${path}.grades: [lowest, highest] within 1-9`);
        }
      }
    });
  };
  entries('areas');
  entries('schools');
  if (t.documents !== undefined) {
    const d = t.documents as Partial<TownDocumentsData> | null;
    for (const key of ['letterheads', 'numberPrefixes'] as const) {
      const map = d?.[key];
      if (!map || typeof map !== 'object' || Object.values(map).some((v) => typeof v !== 'string' || v.trim() === '')) {
        problems.push(`documents.${key}: an object of non-empty strings`);
      }
    }
  }
  if (t.offices !== undefined) {
    if (!Array.isArray(t.offices)) problems.push('offices: a list of { "code", "name", "duty" }');
    else
      t.offices.forEach((office, i) => {
        const path = `offices[${i}]`;
        if (typeof office?.code !== 'string' || !CODE.test(office.code)) problems.push(`${path}.code: an upper-case code like JUSTICE_OFFICE`);
        else if (seen.has(`offices:${office.code}`)) problems.push(`${path}.code: ${office.code} appears twice`);
        else seen.add(`offices:${office.code}`);
        label(`${path}.name`, office?.name);
        if (office?.duty !== undefined) label(`${path}.duty`, office.duty);
      });
  }
  if (t.leadingGroup !== undefined) {
    const group = t.leadingGroup as Partial<LeadingGroup> | null;
    if (!group || !Array.isArray(group.members)) problems.push('leadingGroup.members: a list of { "name", "post", "role" }');
    else
      group.members.forEach((member, i) => {
        const path = `leadingGroup.members[${i}]`;
        if (typeof member?.name !== 'string' || member.name.trim() === '') problems.push(`${path}.name: required`);
        if (typeof member?.post !== 'string' || member.post.trim() === '') problems.push(`${path}.post: required`);
        if (!GROUP_ROLES.includes(member?.role)) problems.push(`${path}.role: one of ${GROUP_ROLES.join(', ')}`);
        for (const [key, list] of [['office', 'offices'], ['school', 'schools'], ['area', 'areas']] as const) {
          const code = member?.[key];
          if (code !== undefined && !seen.has(`${list}:${code}`)) problems.push(`${path}.${key}: ${String(code)} is not in ${list}`);
        }
      });
    for (const key of ['coordinator', 'dailyOfficer'] as const) {
      const duty = group?.[key];
      if (duty === undefined) continue;
      if (typeof duty?.name !== 'string' || duty.name.trim() === '') problems.push(`leadingGroup.${key}.name: required`);
      if (duty?.duty !== undefined) label(`leadingGroup.${key}.duty`, duty.duty);
    }
  }
  return problems;
}

const CODE = /^[A-Z][A-Z0-9_]*$/;

/** Reads and checks a town file; fails fast with every problem listed. */
export function loadTown(path: string = DEFAULT_TOWN_PATH): Town {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the town file ${path}: ${(err as Error).message}`);
  }
  const problems = townProblems(raw);
  if (problems.length > 0) throw new Error(`the town file ${path} is not valid:\n  - ${problems.join('\n  - ')}`);
  return new Town(raw as TownData);
}

/**
 * The towns one deployment serves, by code. The first town loaded is the deployment's default: the
 * demo accounts belong to it, and rows written before towns existed were given its code.
 */
export class Towns {
  private readonly byCode = new Map<string, Town>();

  constructor(towns: readonly Town[]) {
    if (towns.length === 0) throw new Error('a deployment serves at least one town');
    for (const town of towns) {
      if (this.byCode.has(town.code)) throw new Error(`two town files have the code ${town.code}`);
      this.byCode.set(town.code, town);
    }
  }

  /** The deployment's default town (the first loaded). */
  get default(): Town {
    return this.byCode.values().next().value as Town;
  }

  get all(): Town[] {
    return [...this.byCode.values()];
  }

  get codes(): string[] {
    return [...this.byCode.keys()];
  }

  /** The town of a code; throws for a code the deployment does not serve (a user row with a stale town). */
  get(code: string): Town {
    const town = this.byCode.get(code);
    if (!town) throw new Error(`this deployment serves no town ${code} (towns: ${this.codes.join(', ')})`);
    return town;
  }

  has(code: string): boolean {
    return this.byCode.has(code);
  }
}

/**
 * The town files named by paths: each path a JSON file or a folder of them (its *.json in name
 * order, leaving out the responsibility chains that sit beside the town files, *.responsibility.json).
 */
export function townFiles(paths: readonly string[] = [DEFAULT_TOWN_PATH]): string[] {
  return paths.flatMap((path) => {
    let isFolder = false;
    try {
      isFolder = statSync(path).isDirectory();
    } catch {
      // not there: loadTown says so with the path
    }
    if (!isFolder) return [path];
    const inFolder = readdirSync(path)
      .filter((name) => name.endsWith('.json') && !name.endsWith(RESPONSIBILITY_SUFFIX))
      .sort()
      .map((name) => join(path, name));
    if (inFolder.length === 0) throw new Error(`the town folder ${path} holds no .json town file`);
    return inFolder;
  });
}

/** The responsibility chains of towns/x.json are towns/x.responsibility.json (src/responsibility). */
export const RESPONSIBILITY_SUFFIX = '.responsibility.json';

/** Reads town files (see townFiles). Every problem of every file is listed in one error. */
export function loadTowns(paths: readonly string[] = [DEFAULT_TOWN_PATH]): Towns {
  const problems: string[] = [];
  const towns: Town[] = [];
  for (const file of townFiles(paths)) {
    try {
      towns.push(loadTown(file));
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return new Towns(towns);
}
