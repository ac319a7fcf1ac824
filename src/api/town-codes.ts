/** Area and school as typed by people (code, Chinese or English name) → the town's codes, or a 400 listing the valid ones. */
import type { Town, TownArea, TownSchool } from '../read-model/town';
import { ApiError } from './errors';

export function resolveArea(town: Town, value: string, field: string): TownArea {
  const area = town.area(value);
  if (area) return area;
  throw new ApiError('AREA.UNKNOWN', {
    zh: `没有这个责任区："${value}"。可选：${town.describeAreas().join('、')}`,
    en: `Unknown responsibility area "${value}". Valid: ${town.areas.map((a) => `${a.code} (${a.name.en})`).join(', ')}`,
    details: { field, value, validValues: town.areas },
  });
}

export function resolveSchool(town: Town, value: string, field: string): TownSchool {
  const school = town.school(value);
  if (school) return school;
  throw new ApiError('SCHOOL.UNKNOWN', {
    zh: `没有这所学校："${value}"。可选：${town.describeSchools().join('、')}`,
    en: `Unknown school "${value}". Valid: ${town.schools.map((s) => `${s.code} (${s.name.en})`).join(', ')}`,
    details: { field, value, validValues: town.schools },
  });
}
