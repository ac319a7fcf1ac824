/** Test data: valid ID numbers, children, snapshots and events. */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { idNumberCheckDigit } from '../../src/api/validation/chinese-id-number';
import { ChildInput, openCaseRecord } from '../../src/read-model/case-intake';
import type { CaseEvent, CaseSnapshot } from '../../src/workflows/messages';

let serial = 0;

/**
 * A valid ID number (Yunyang county, 500235) for a birth date and sex; a different one on every
 * call (the 3-digit sequence advances).
 */
export function validIdNumber(birthDate = '2012-03-15', sex: 'M' | 'F' = 'M'): string {
  serial = (serial + 1) % 500;
  const sequence = String(serial * 2 + (sex === 'M' ? 1 : 0)).padStart(3, '0');
  const first17 = `500235${birthDate.replaceAll('-', '')}${sequence}`;
  return first17 + idNumberCheckDigit(first17);
}

export function childInput(overrides: Partial<ChildInput> = {}): ChildInput {
  return {
    name: '王小明',
    idNumber: validIdNumber(),
    birthDate: '2012-03-15',
    sex: 'M',
    school: 'GULING_PRIMARY',
    grade: 5,
    className: '五年级二班',
    area: 'GAOPING',
    guardians: [{ name: '王大山', phone: '13800000000', relation: '父亲' }],
    ...overrides,
  };
}

/** Opens a case row the way the API does; returns the ids. */
export async function openCase(
  dataSource: DataSource,
  overrides: Partial<ChildInput> = {},
  town = 'GULING',
): Promise<{ caseId: string; childId: string; openedAt: string }> {
  const caseId = randomUUID();
  const openedAt = new Date().toISOString();
  const child = childInput(overrides);
  const row = await openCaseRecord(dataSource, { caseId, town, child, cause: 'POVERTY', openedAt, openedBy: '张老师' });
  return { caseId, childId: row.childId, openedAt };
}

export function snapshot(caseId: string, childId: string, overrides: Partial<CaseSnapshot> = {}): CaseSnapshot {
  const openedAt = overrides.openedAt ?? '2024-03-01T00:00:00.000Z';
  return {
    caseId,
    childId,
    cause: 'POVERTY',
    area: 'GAOPING',
    school: 'GULING_PRIMARY',
    openedAt,
    openedBy: '张老师',
    policyVersion: 'guling-2023.1',
    stage: 'HOME_VISIT',
    open: true,
    paused: false,
    stageEnteredAt: openedAt,
    actionDueAt: '2024-03-04T00:00:00.000Z',
    windowEndsAt: '2024-03-04T00:00:00.000Z',
    nextDeadlineAt: '2024-03-04T00:00:00.000Z',
    followUpCompleted: false,
    allowedActions: ['RECORD_HOME_VISIT', 'RECORD_RETURN', 'ADD_NOTE'],
    lastSeq: 1,
    ...overrides,
  };
}

export function event(caseId: string, seq: number, overrides: Partial<CaseEvent> = {}): CaseEvent {
  return {
    id: `${caseId}:${seq}`,
    caseId,
    seq,
    type: seq === 1 ? 'CASE_OPENED' : 'ADD_NOTE',
    automatic: seq === 1,
    actor: seq === 1 ? 'system' : '张老师',
    reason: seq === 1 ? '立案' : `第 ${seq} 条备注`,
    stageBefore: 'HOME_VISIT',
    stageAfter: 'HOME_VISIT',
    occurredAt: new Date(Date.UTC(2024, 2, 1, 0, seq)).toISOString(),
    data: { seq },
    ...overrides,
  };
}
