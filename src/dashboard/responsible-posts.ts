/** The posts a policy names as responsible for a stage (policies/*.json `responsible`), with labels. */
import type { Label } from '../workflows/vocabulary';

export const RESPONSIBLE_POST_LABELS: Record<string, Label> = {
  CLASS_TEACHER: { zh: '班主任', en: 'Class teacher' },
  VILLAGE_CADRE: { zh: '村干部', en: 'Village cadre' },
  SCHOOL: { zh: '学校', en: 'School' },
  VILLAGE: { zh: '村（社区）', en: 'Village (community)' },
  TOWN_GOVERNMENT: { zh: '镇政府', en: 'Town government' },
  GUARDIAN: { zh: '监护人', en: 'Guardian' },
  JUSTICE_OFFICE: { zh: '司法所', en: 'Justice office' },
  POLICE_STATION: { zh: '派出所', en: 'Police station' },
  COURT: { zh: '法院', en: 'Court' },
};
