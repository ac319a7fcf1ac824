/**
 * The posts of the responsibility chains (towns/<town>.responsibility.json) that name an account,
 * in words: the accounts pages show them beside the role, and the chain posts without an active
 * account, so the administrator sees whose tasks would wait unread. The chains are edited in their
 * file (reviewed with the town's notice), not here.
 */
import type { ResponsibilityChainsData } from '../responsibility/chains';
import type { Town } from '../read-model/town';
import type { Label } from '../workflows/vocabulary';

export interface ChainPost {
  /** Which post: LEADER 组长, DISTRICT_LEADER 包片, OFFICE, SECRETARY, RESIDENT_CADRE 包村, GROUP_CADRE 包组, HOUSEHOLD 包户, PRINCIPAL, DIVISION_LEADER 分管, GRADE_MANAGER 包年级, CLASS_TEACHER 包班. */
  post: string;
  label: Label;
}

const OFFICE_LABELS: Record<string, Label> = {
  TOWN_GOVERNMENT: { zh: '镇政府', en: 'town government' },
  JUSTICE_OFFICE: { zh: '司法所', en: 'justice office' },
  POLICE_STATION: { zh: '派出所', en: 'police station' },
  COURT: { zh: '法院', en: 'court' },
};

/** Every post of the chains, with the user name it names. */
export function chainPosts(chains: ResponsibilityChainsData, town: Town): Array<ChainPost & { username: string }> {
  const out: Array<ChainPost & { username: string }> = [];
  const add = (username: string, post: string, zh: string, en: string) => out.push({ username, post, label: { zh, en } });
  add(chains.leader, 'LEADER', '组长', 'leader of the leading group');
  for (const [office, people] of Object.entries(chains.offices)) {
    for (const p of people ?? []) add(p, 'OFFICE', OFFICE_LABELS[office]?.zh ?? office, OFFICE_LABELS[office]?.en ?? office);
  }
  for (const d of chains.districts) add(d.leader, 'DISTRICT_LEADER', `包片领导：${d.name.zh}`, `district leader: ${d.name.en}`);
  for (const [code, a] of Object.entries(chains.areas)) {
    const area = town.areaLabel(code);
    add(a.secretary, 'SECRETARY', `${area.zh}支部书记`, `party secretary of ${area.en}`);
    add(a.residentCadre, 'RESIDENT_CADRE', `${area.zh}驻村干部（包村）`, `resident cadre of ${area.en}`);
    for (const [group, p] of Object.entries(a.groups ?? {})) add(p, 'GROUP_CADRE', `${area.zh}${group}（包组）`, `cadre of group ${group}, ${area.en}`);
    const households = Object.values(a.households ?? {});
    for (const p of new Set(households)) {
      const n = households.filter((h) => h === p).length;
      add(p, 'HOUSEHOLD', `${area.zh}包户党员（${n} 户）`, `party member for ${n} household(s), ${area.en}`);
    }
  }
  for (const [code, s] of Object.entries(chains.schools)) {
    const school = town.schoolLabel(code);
    add(s.principal, 'PRINCIPAL', `${school.zh}校长（负总责）`, `principal of ${school.en}`);
    for (const d of s.divisions ?? []) add(d.leader, 'DIVISION_LEADER', `${school.zh}分管 ${d.grades.join('、')} 年级`, `division leader, grades ${d.grades.join(', ')}, ${school.en}`);
    for (const [grade, p] of Object.entries(s.grades ?? {})) add(p, 'GRADE_MANAGER', `${school.zh}${grade}年级（包年级）`, `grade ${grade} manager, ${school.en}`);
    for (const k of s.classes ?? []) add(k.teacher, 'CLASS_TEACHER', `${school.zh}${k.className}班主任（包班）`, `class teacher of ${k.className}, ${school.en}`);
  }
  return out;
}
