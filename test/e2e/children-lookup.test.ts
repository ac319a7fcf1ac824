/**
 * The registry look-up the report form (上报疑似辍学) uses: GET /api/children?q= finds a child by
 * the full ID number or by (part of) the name, inside the user's scope only, with the list's masks
 * (real Nest app, real PostgreSQL, in-memory case engine).
 */
import { createTestApi, TestApi } from '../support/api-app';
import { as } from '../support/auth';
import { validIdNumber } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;
let api: TestApi;
const idNumber = validIdNumber('2014-09-01', 'F');

beforeAll(async () => {
  db = await createTestDatabase();
  api = await createTestApi({ dataSource: db.dataSource });
  const teacher = await as(api.server, 'teacher');
  const base = { school: '故陵小学', grade: 5, className: '五年级二班', area: '高坪村', guardians: [{ name: '陈大林', phone: '13800000001', relation: '祖父' }] };
  await teacher.post('/api/children').send({ ...base, name: '陈小雨', idNumber }).expect(201);
  await teacher.post('/api/children').send({ ...base, name: '陈雨_桐', idNumber: validIdNumber('2014-05-01', 'F') }).expect(201);
  await teacher.post('/api/children').send({ ...base, name: '刘小川', idNumber: validIdNumber('2013-01-01', 'M') }).expect(201);
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

const names = (res: { body: { items: Array<{ name: string }> } }) => res.body.items.map((c) => c.name).sort();

describe('GET /api/children?q= (the report form’s look-up)', () => {
  it('finds a child by the full ID number, masked as every list is', async () => {
    const teacher = await as(api.server, 'teacher');
    const res = await teacher.get(`/api/children?q=${idNumber}`).expect(200);
    expect(names(res)).toEqual(['陈小雨']);
    expect(res.body.items[0].idNumber).not.toBe(idNumber);
    expect(res.body.items[0].masked).toBe(true);
    // A lower-case x or spaces around make no difference; a wrong number finds nobody.
    expect(names(await teacher.get(`/api/children?q=${encodeURIComponent(` ${idNumber} `)}`).expect(200))).toEqual(['陈小雨']);
    expect((await teacher.get(`/api/children?q=${idNumber.slice(0, 17)}0`).expect(200)).body.items.filter((c: { name: string }) => c.name === '陈小雨')).toEqual([]);
  });

  it('finds children by part of the name; % and _ are plain characters', async () => {
    const teacher = await as(api.server, 'teacher');
    expect(names(await teacher.get(`/api/children?q=${encodeURIComponent('陈')}`).expect(200))).toEqual(['陈小雨', '陈雨_桐']);
    expect(names(await teacher.get(`/api/children?q=${encodeURIComponent('雨_')}`).expect(200))).toEqual(['陈雨_桐']);
    expect(names(await teacher.get(`/api/children?q=${encodeURIComponent('%')}`).expect(200))).toEqual([]);
  });

  it('finds nobody outside the user’s scope', async () => {
    const secretary = await as(api.server, 'sec-lancao');
    expect((await secretary.get(`/api/children?q=${idNumber}`).expect(200)).body.items).toEqual([]);
  });

  it('refuses a look-up text longer than 50 characters with a field error', async () => {
    const teacher = await as(api.server, 'teacher');
    const res = await teacher.get(`/api/children?q=${'陈'.repeat(51)}`).expect(400);
    expect(res.body.code).toBe('REQUEST.VALIDATION_FAILED');
    expect(res.body.details.fields[0].field).toBe('q');
  });
});
