/**
 * The town's reference data (towns/guling.json): responsibility areas and schools, each with a
 * stable code and Chinese/English names. Cases store codes; people may type the Chinese name.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
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

/**
 * How the town heads and numbers its documents (src/documents): the offices' full names (红头 and
 * 落款) and the 文号 prefix of each document kind, e.g. 故陵府责改 gives 故陵府责改〔2026〕3号.
 */
export interface TownDocumentsData {
  /** TOWN_GOVERNMENT, LEADING_GROUP, JUSTICE_OFFICE, POLICE_STATION: full names. */
  offices: Record<string, string>;
  /** Document kind → 文号 prefix. */
  numberPrefixes: Record<string, string>;
}

export interface TownData {
  code: string;
  name: Label;
  source?: string;
  areas: TownArea[];
  schools: TownSchool[];
  /** Optional: without it, offices are named after the town and prefixes are the town's name plus the kind's first letters. */
  documents?: TownDocumentsData;
}

/** The offices a document template may name (templates/documents.json). */
export const DOCUMENT_OFFICES = ['TOWN_GOVERNMENT', 'LEADING_GROUP', 'JUSTICE_OFFICE', 'POLICE_STATION'] as const;
export type DocumentOffice = (typeof DOCUMENT_OFFICES)[number];

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

  get schools(): readonly TownSchool[] {
    return this.data.schools;
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

  /** The full name of an office, as printed at the head and foot of a document. */
  office(office: DocumentOffice): string {
    const named = this.data.documents?.offices?.[office];
    if (named) return named;
    const town = this.data.name.zh;
    return { TOWN_GOVERNMENT: `${town}人民政府`, LEADING_GROUP: `${town}控辍保学工作领导小组`, JUSTICE_OFFICE: `${town}司法所`, POLICE_STATION: `${town}派出所` }[office];
  }

  /** The 文号 prefix of a document kind (故陵府责改), or the town's name and the kind when the data names none. */
  numberPrefix(kind: string): string {
    return this.data.documents?.numberPrefixes?.[kind] ?? `${this.data.name.zh}${kind}`;
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
      if (typeof entry?.code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(entry.code)) {
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
    for (const key of ['offices', 'numberPrefixes'] as const) {
      const map = d?.[key];
      if (!map || typeof map !== 'object' || Object.values(map).some((v) => typeof v !== 'string' || v.trim() === '')) {
        problems.push(`documents.${key}: an object of non-empty strings`);
      }
    }
  }
  return problems;
}

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
