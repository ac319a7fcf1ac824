import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { childScope, childrenTableMarkdown, mayReadChild, mayWriteChild, ScopedUser } from '../../src/access/permissions';
import { checkChild } from '../../src/registry/child-rules';
import { sameChild } from '../../src/registry/children-store';
import { loadTown } from '../../src/read-model/town';
import { validIdNumber } from '../support/fixtures';

const town = loadTown();

function raw(overrides: Record<string, unknown> = {}) {
  return {
    name: ' 刘小禾 ',
    idNumber: validIdNumber('2013-04-05', 'M'),
    school: '故陵中学',
    grade: '7',
    className: '七年级一班',
    area: '红椿村',
    guardians: [{ name: '刘父', phone: '+86 13800000000', relation: '父亲' }],
    isRegisteredPoor: true,
    ...overrides,
  };
}

describe('the rules of a child on the registry', () => {
  it('turns typed names into the town’s codes and takes birth date and sex from the ID number', () => {
    const checked = checkChild(town, raw());
    expect(checked.problems).toEqual([]);
    expect(checked.child).toMatchObject({ name: '刘小禾', school: 'GULING_MIDDLE', grade: 7, area: 'HONGCHUN', birthDate: '2013-04-05', sex: 'M', villagerGroup: null, isRegisteredPoor: true, isLeftBehind: false });
  });

  it('reports every problem with its field, in Chinese and English', () => {
    const checked = checkChild(town, raw({ name: '', idNumber: '500235201304050011', school: '月亮小学', area: '', grade: 10, guardians: [{ name: '', phone: '555', relation: '' }], isDisabled: '是' }), 'row.');
    expect(checked.problems.map((p) => `${p.field}:${p.constraint}`)).toEqual([
      'row.name:isNotEmpty',
      'row.idNumber:isChineseIdNumber',
      'row.area:isNotEmpty',
      'row.school:isKnownSchool',
      'row.grade:isGrade',
      'row.guardians.0.name:isNotEmpty',
      'row.guardians.0.phone:isPhone',
      'row.guardians.0.relation:isNotEmpty',
      'row.isDisabled:isBoolean',
    ]);
    for (const p of checked.problems) {
      expect(p.message).toMatch(/[\u4e00-\u9fff]/);
      expect(p.messageEn).toMatch(/^[a-z]/i);
    }
  });

  it('accepts mainland mobiles and landlines with an area code, nothing else', () => {
    for (const phone of ['13800000000', '+8613800000000', '86-19912345678', '023-55123456', '02355123456', '0755-1234567']) {
      expect(checkChild(town, raw({ guardians: [{ name: '某', phone, relation: '父亲' }] })).problems).toEqual([]);
    }
    for (const phone of ['12800000000', '1380000000', '55123456', '+1 415 555 0100']) {
      expect(checkChild(town, raw({ guardians: [{ name: '某', phone, relation: '父亲' }] })).problems.map((p) => p.constraint)).toEqual(['isPhone']);
    }
  });

  it('calls two records the same whatever the order of their guardians', () => {
    const a = checkChild(town, raw({ guardians: [{ name: '甲', phone: '13800000000', relation: '父亲' }, { name: '乙', phone: '13900000000', relation: '母亲' }] })).child!;
    expect(sameChild(a, { ...a, guardians: [...a.guardians].reverse() })).toBe(true);
    expect(sameChild(a, { ...a, isLeftBehind: true })).toBe(false);
    expect(sameChild(a, { ...a, guardians: a.guardians.slice(1) })).toBe(false);
  });
});

describe('the registry column of the permission table', () => {
  const user = (role: ScopedUser['role'], place: Partial<ScopedUser> = {}): ScopedUser => ({ role, town: 'GULING', area: null, school: null, grade: null, className: null, ...place });
  const child = { town: 'GULING', area: 'GAOPING', school: 'GULING_PRIMARY', grade: 5, className: '五年级二班' };

  it('lets the leading group read the town’s children, writers register within their scope, stage roles see none', () => {
    expect(mayReadChild(user('LEADER'), child)).toBe(true);
    expect(mayWriteChild(user('LEADER'), child)).toBe(false);
    expect(mayWriteChild(user('TEACHER', { school: 'GULING_PRIMARY', grade: 5, className: '五年级二班' }), child)).toBe(true);
    expect(mayWriteChild(user('VILLAGE_CADRE', { area: 'QIAOTING' }), child)).toBe(false);
    expect(childScope(user('JUSTICE_OFFICE'))).toEqual({ kind: 'NONE' });
    expect(mayReadChild(user('COORDINATOR', { town: 'XINHE' }), child)).toBe(false);
  });

  it('is the table docs/registry.md documents', () => {
    expect(readFileSync(join(__dirname, '..', '..', 'docs', 'registry.md'), 'utf8')).toContain(childrenTableMarkdown());
  });
});
