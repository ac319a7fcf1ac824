/**
 * An action retried with the same Idempotency-Key is answered from the stored answer
 * (Idempotency-Replayed: true) and carried out once; the audit log must say so: the retry is a
 * REPLAY row naming what it replayed, not a second ACT (which read as the action done twice).
 */
import { createTestApi, TestApi } from '../support/api-app';
import { as, AsUser } from '../support/auth';
import { validIdNumber } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;
let api: TestApi;
let coordinator: AsUser;
let caseId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  api = await createTestApi({ dataSource: db.dataSource });
  coordinator = await as(api.server, 'coordinator');
  const child = { name: '重放儿童', idNumber: validIdNumber('2013-04-02', 'M'), school: '故陵小学', grade: 5, className: '五年级二班', area: '高坪村', guardians: [{ name: '监护人', phone: '13800000000', relation: '父亲' }] };
  caseId = (await coordinator.post('/api/cases').send({ child, cause: 'POVERTY' }).expect(201)).body.id;
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

it('a replayed action is audited as REPLAY of ACT, once; the action itself is recorded once', async () => {
  const send = () => coordinator.post(`/api/cases/${caseId}/actions`).set('Idempotency-Key', 'replay-audit-1').send({ type: 'ADD_NOTE', note: '只记一次' });
  const first = await send().expect(200);
  const again = await send().expect(200);
  expect(again.headers['idempotency-replayed']).toBe('true');
  expect(again.body).toEqual(first.body);

  const rows: Array<{ what: string; status: number; detail: Record<string, unknown> }> = await db.dataSource.query(
    `SELECT what, status, detail FROM audit_log WHERE case_id = $1 AND method = 'POST' AND path LIKE '%/actions' ORDER BY id`,
    [caseId],
  );
  expect(rows.map((r) => r.what)).toEqual(['ACT', 'REPLAY']);
  expect(rows[1]).toMatchObject({ status: 200, detail: { replayOf: 'ACT', action: 'ADD_NOTE' } });
});
