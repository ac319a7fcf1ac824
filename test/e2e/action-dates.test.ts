/**
 * The days an action names are checked by the API: a home visit dated 2030-01-01 was accepted and
 * moved the stage (issue 11). Now: never after today, never before the case was opened (China
 * time), 400 with a field error in Chinese naming the field once; nothing reaches the engine.
 * Real Nest app and PostgreSQL, in-memory engine. On the old code the first two tests fail (201).
 */
import { createTestApi, TestApi } from '../support/api-app';
import { as } from '../support/auth';
import { reportBody } from '../support/running-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { chinaDay } from '../../src/api/cases/act-on-case/action-dates';

let db: TestDatabase;
let api: TestApi;
let caseId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  api = await createTestApi({ dataSource: db.dataSource });
  caseId = (await (await as(api.server, 'principal')).post('/api/cases').send(reportBody()).expect(201)).body.id;
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

async function visit(body: Record<string, unknown>) {
  return (await as(api.server, 'secretary')).post(`/api/cases/${caseId}/actions`).send({ type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED', ...body });
}

describe('the days an action names', () => {
  it('refuses a home visit dated in the future, naming the field once in Chinese', async () => {
    const res = await visit({ visitedOn: '2030-01-01' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('REQUEST.VALIDATION_FAILED');
    expect(res.body.details.fields).toEqual([expect.objectContaining({ field: 'visitedOn', constraint: 'notInFuture' })]);
    expect(res.body.message).toMatch(/^提交的内容有误：家访日期不能晚于今天（\d{4}年\d{1,2}月\d{1,2}日）$/);
    expect(res.body.messageEn).toContain('visitedOn: the day of the visit cannot be after today');
    expect(api.engine.actions).toEqual([]);
  });

  it('refuses a return to school dated before the case was opened', async () => {
    const res = await (await as(api.server, 'secretary')).post(`/api/cases/${caseId}/actions`).send({ type: 'RECORD_RETURN', returnedOn: '2020-09-01' });
    expect(res.status).toBe(400);
    expect(res.body.details.fields[0]).toMatchObject({ field: 'returnedOn', constraint: 'notBeforeCase' });
    expect(res.body.details.fields[0].message).toMatch(/^返校日期不能早于立案日期（\d{4}年\d{1,2}月\d{1,2}日）$/);
  });

  it('accepts today’s home visit', async () => {
    const res = await visit({ visitedOn: chinaDay(new Date()) });
    expect(res.status).toBe(200);
    expect(api.engine.actions.map((a) => a.action.type)).toEqual(['RECORD_HOME_VISIT']); // the two refused ones never reached it
  });
});
