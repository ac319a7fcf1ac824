import { loadTown, townProblems } from '../../src/read-model/town';

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
