import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadTown, loadTowns, townProblems } from '../../src/read-model/town';

const XINHE = resolve(__dirname, '..', 'fixtures', 'towns', 'xinhe.json');

describe('the town file', () => {
  const town = loadTown();

  it('has the eight responsibility areas and two schools of Guling', () => {
    expect(town.areas.map((a) => a.name.zh)).toEqual(['故陵社区', '高坪村', '桥亭村', '宝兴村', '双店村', '兰草村', '红椿村', '红坪村']);
    expect(town.schools.map((s) => [s.code, s.grades])).toEqual([
      ['GULING_PRIMARY', [1, 6]],
      ['GULING_MIDDLE', [7, 9]],
    ]);
  });

  it('finds an area or school by code, Chinese name or English name', () => {
    expect(town.area('GAOPING')?.code).toBe('GAOPING');
    expect(town.area(' 高坪村 ')?.code).toBe('GAOPING');
    expect(town.area('gaoping')?.code).toBe('GAOPING');
    expect(town.school('故陵中学')?.code).toBe('GULING_MIDDLE');
    expect(town.school('Guling Primary School')?.code).toBe('GULING_PRIMARY');
    expect(town.area('月亮村')).toBeUndefined();
  });

  it('labels unknown codes with the code itself rather than failing', () => {
    expect(town.areaLabel('GAOPING')).toEqual({ zh: '高坪村', en: 'Gaoping' });
    expect(town.schoolLabel('ELSEWHERE')).toEqual({ zh: 'ELSEWHERE', en: 'ELSEWHERE' });
  });

  it('lists every problem of a broken file', () => {
    expect(
      townProblems({
        code: 'X',
        name: { zh: '镇', en: 'Town' },
        areas: [{ code: 'a', name: { zh: '甲' } }, { code: 'B', name: { zh: '乙', en: 'B' } }, { code: 'B', name: { zh: '乙', en: 'B' } }],
        schools: [{ code: 'S', name: { zh: '校', en: 'S' }, grades: [7, 3] }],
      }),
    ).toEqual([
      'areas[0].code: an upper-case code like GAOPING',
      'areas[0].name: needs { "zh": ..., "en": ... }',
      'areas[2].code: B appears twice',
      'schools[0].grades: [lowest, highest] within 1-9',
    ]);
    expect(() => loadTown('/nonexistent/town.json')).toThrow(/cannot read the town file \/nonexistent\/town.json/);
  });
});

describe("the notice's offices and leading group", () => {
  const town = loadTown();

  it('lists the offices the notice gives work to: town government, justice office, police station, market supervision', () => {
    const names = town.offices.map((o) => o.name.zh);
    expect(names).toEqual(expect.arrayContaining(['镇政府（社事办）', '故陵司法所', '故陵派出所', '市监所']));
    expect(town.offices.find((o) => o.code === 'JUSTICE_OFFICE')?.duty?.zh).toBe('依法发放相关司法文书');
  });

  it('has the leading group as the notice sets it out: one leader, six deputies, fourteen members, a coordinator and a daily officer', () => {
    const group = town.leadingGroup;
    const byRole = (role: string) => group.members.filter((m) => m.role === role).map((m) => m.name);
    expect(byRole('LEADER')).toEqual(['张术清']);
    expect(byRole('DEPUTY_LEADER')).toEqual(['王军', '罗阳', '谭巧玲', '胡意', '丁静', '王方辉']);
    expect(byRole('MEMBER')).toHaveLength(14);
    expect(group.members.filter((m) => m.area).map((m) => m.area)).toEqual(town.areas.map((a) => a.code));
    expect(group.coordinator?.name).toBe('谭巧玲');
    expect(group.dailyOfficer?.name).toBe('秦豪');
  });

  it('refuses a member standing for an office, school or area the file does not have', () => {
    const raw = { ...town.data, leadingGroup: { members: [{ name: '某', post: '所长', role: 'CHIEF', office: 'NOWHERE' }] } };
    expect(townProblems(raw)).toEqual(['leadingGroup.members[0].role: one of LEADER, DEPUTY_LEADER, MEMBER', 'leadingGroup.members[0].office: NOWHERE is not in offices']);
  });
});

describe('several towns in one deployment', () => {
  it('loads town files and folders; the first town is the default', () => {
    const towns = loadTowns([resolve(__dirname, '..', '..', 'towns', 'guling.json'), XINHE]);
    expect(towns.codes).toEqual(['GULING', 'XINHE']);
    expect(towns.default.code).toBe('GULING');
    // The same area code in two towns: each resolves against its own data.
    expect(towns.get('XINHE').area('GAOPING')?.name.en).toBe('Gaoping (Xinhe)');
    expect(towns.get('GULING').area('GAOPING')?.name.en).toBe('Gaoping');
    expect(towns.get('XINHE').school('故陵小学')).toBeUndefined();
  });

  it('reads every *.json of a folder in name order', () => {
    const folder = mkdtempSync(join(tmpdir(), 'baoxue-towns-'));
    writeFileSync(join(folder, 'b.json'), JSON.stringify(loadTown().data));
    writeFileSync(join(folder, 'a.json'), JSON.stringify(loadTown(XINHE).data));
    writeFileSync(join(folder, 'notes.txt'), 'not a town');
    expect(loadTowns([folder]).codes).toEqual(['XINHE', 'GULING']);
  });

  it('refuses two files with the same town code, and names an unknown town', () => {
    expect(() => loadTowns([XINHE, XINHE])).toThrow('two town files have the code XINHE');
    expect(() => loadTowns([XINHE]).get('GULING')).toThrow('this deployment serves no town GULING (towns: XINHE)');
  });
});
