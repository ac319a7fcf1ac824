/**
 * The case page has a form for every action type (web/case/actions.js), with exactly the fields
 * of the API's DTO (action.dtos.ts, read through its OpenAPI metadata): issue 11 found 3 of the
 * 21 types reachable from a page. The body the form builds passes the API's own validation pipe.
 */
import 'reflect-metadata';
import { ACTION_DTOS } from '../../src/api/cases/act-on-case/action.dtos';
import { ActionBodyPipe } from '../../src/api/cases/act-on-case/action-body.pipe';
import { ACTION_TYPES } from '../../src/workflows/vocabulary';

// The module reads no DOM at import (core.js's DOM work waits for DOMContentLoaded): stub the few globals.
(globalThis as any).localStorage = { getItem: () => null, setItem: () => undefined };
(globalThis as any).document = { addEventListener: () => undefined };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const forms = require('../../web/case/actions.js') as {
  ACTION_FORMS: Record<string, { fields: Array<{ name: string; required?: boolean; type?: string; options?: Array<{ value: string }> }> }>;
  actionBody(type: string, typed: Record<string, string>): Record<string, unknown>;
};

/** The DTO's fields and which are required, as @nestjs/swagger recorded them. */
function dtoFields(type: string): Record<string, boolean> {
  const dto = ACTION_DTOS[type as keyof typeof ACTION_DTOS];
  const names: string[] = Reflect.getMetadata('swagger/apiModelPropertiesArray', dto.prototype) ?? [];
  return Object.fromEntries(
    names
      .map((n) => n.replace(/^:/, ''))
      .filter((n) => n !== 'type')
      .map((n) => [n, Reflect.getMetadata('swagger/apiModelProperties', dto.prototype, n)?.required !== false]),
  );
}

const SAMPLE: Record<string, string> = {
  outcome: 'NOT_RETURNED',
  reason: '原因',
  note: '备注',
  documentNumber: '故司督〔2026〕1号',
  newDueAt: '2099-01-01',
  dueAt: '2099-01-01',
  approver: 'leader',
  assignee: 'cadre',
  measure: 'EDUCATION_AID',
  owner: 'principal',
  newSchool: '某小学',
  measureId: 'abc:1',
  decision: 'CLOSURE',
  approvalId: 'abc:2',
  comment: '同意',
  toTown: '新河镇',
  area: '高坪村',
  school: '新河九年制学校',
  grade: '6',
  className: '六年级一班',
};

describe('a form for every action type', () => {
  it('covers all 27 types', () => {
    expect(Object.keys(forms.ACTION_FORMS).sort()).toEqual([...ACTION_TYPES].sort());
    expect(ACTION_TYPES).toHaveLength(27);
  });

  it.each([...ACTION_TYPES])('%s has exactly the DTO’s fields, required where the DTO requires them', (type) => {
    const form = Object.fromEntries(forms.ACTION_FORMS[type].fields.map((f) => [f.name, Boolean(f.required)]));
    expect(form).toEqual(dtoFields(type));
  });

  it.each([...ACTION_TYPES])('%s: the body the form builds passes the API’s validation', async (type) => {
    const typed = Object.fromEntries(forms.ACTION_FORMS[type].fields.filter((f) => f.required).map((f) => [f.name, type === 'RECORD_LEGAL_OUTCOME' && f.name === 'outcome' ? '判决' : type === 'RECORD_SUPPORT_OUTCOME' && f.name === 'outcome' ? 'GRANTED' : SAMPLE[f.name]]));
    await expect(new ActionBodyPipe().transform(forms.actionBody(type, typed))).resolves.toMatchObject({ type });
  });
});
