/**
 * The roles of the town's dropout-control work, one vocabulary with Chinese and English labels.
 * Pure data: the permission table (permissions.ts), the users table's CHECK constraint (a frozen
 * copy in its migration) and the API all use these names.
 */
import type { Label } from '../workflows/vocabulary';

export const ROLES = [
  'LEADER',
  'DEPUTY_LEADER',
  'COORDINATOR',
  'DAILY_OFFICER',
  'PRINCIPAL',
  'TEACHER',
  'VILLAGE_SECRETARY',
  'VILLAGE_CADRE',
  'TOWN_OFFICE',
  'JUSTICE_OFFICE',
  'POLICE_STATION',
  // Administers the town's accounts (src/accounts); reads no case and no child.
  'TOWN_ADMIN',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, Label> = {
  LEADER: { zh: '组长', en: 'Leader' },
  DEPUTY_LEADER: { zh: '副组长', en: 'Deputy leader' },
  COORDINATOR: { zh: '统筹负责', en: 'Coordinator' },
  DAILY_OFFICER: { zh: '日常工作', en: 'Daily officer' },
  PRINCIPAL: { zh: '校长', en: 'Principal' },
  TEACHER: { zh: '班主任/教师', en: 'Class teacher' },
  VILLAGE_SECRETARY: { zh: '村（社区）支部书记', en: 'Village (community) party secretary' },
  VILLAGE_CADRE: { zh: '驻村/村干部', en: 'Resident or village cadre' },
  TOWN_OFFICE: { zh: '镇政府（社事办）', en: 'Town government (social affairs office)' },
  JUSTICE_OFFICE: { zh: '司法所', en: 'Justice office' },
  POLICE_STATION: { zh: '派出所', en: 'Police station' },
  TOWN_ADMIN: { zh: '账号管理员', en: 'Account administrator' },
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
