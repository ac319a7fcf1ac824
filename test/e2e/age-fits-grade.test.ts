/**
 * A reported child's age must fit compulsory education and the grade (src/registry/age-rules.ts).
 * Before, any valid ID number was accepted with any grade: one of someone born in 1985 opened a
 * case for a grade-4 pupil. Birth dates here are counted back from today's school year, so the
 * test means the same every year.
 */
import { schoolYearStart } from '../../src/registry/age-rules';
import { createTestApi, TestApi } from '../support/api-app';
import { as, AsUser } from '../support/auth';
import { validIdNumber } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;
let api: TestApi;
let coordinator: AsUser;
const startYear = Number(schoolYearStart(new Date()).slice(0, 4));

/** Born in June, `age` years before the current school year began. */
const bornAged = (age: number) => `${startYear - age}-06-01`;

function report(birthDate: string, grade: number, extra: Record<string, unknown> = {}) {
  return coordinator.post('/api/cases').send({
    child: { name: '年龄儿童', idNumber: validIdNumber(birthDate, 'M'), school: '故陵小学', grade, className: `${grade}年级一班`, area: '高坪村', guardians: [{ name: '监护人', phone: '13800000000', relation: '父亲' }], ...extra },
    cause: 'POVERTY',
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  api = await createTestApi({ dataSource: db.dataSource, clock: () => new Date() });
  coordinator = await as(api.server, 'coordinator');
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

it('refuses an ID number of someone born in 1985 as a grade-4 pupil: not of compulsory-education age', async () => {
  const res = await report('1985-03-15', 4);
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ code: 'REQUEST.VALIDATION_FAILED', details: { fields: [{ field: 'child.idNumber', constraint: 'compulsoryEducationAge' }] } });
  expect(res.body.message).toMatch(/不是义务教育阶段的儿童/);
});

it('refuses a child far too young for the grade', async () => {
  const res = await report(bornAged(6), 4); // grade 4 is usually 9; 7 is the youngest accepted
  expect(res.status).toBe(400);
  expect(res.body.details.fields).toEqual([expect.objectContaining({ field: 'child.grade', constraint: 'ageFitsGrade' })]);
});

it('accepts the usual age, up to two years younger and up to three years older as they are', async () => {
  for (const age of [9, 7, 12]) expect({ age, status: (await report(bornAged(age), 4)).status }).toEqual({ age, status: 201 });
});

it('an older child needs a stated exception (送教上门, late enrolment ...), recorded in the case', async () => {
  const refused = await report(bornAged(14), 4);
  expect(refused.status).toBe(400);
  expect(refused.body.details.fields).toEqual([expect.objectContaining({ field: 'child.ageException', constraint: 'ageFitsGrade' })]);
  expect(refused.body.message).toMatch(/送教上门/);

  const empty = await report(bornAged(14), 4, { ageException: { kind: 'HOME_TEACHING', reason: ' ' } });
  expect(empty.status).toBe(400);
  const unknownKind = await report(bornAged(14), 4, { ageException: { kind: 'BECAUSE', reason: '说明' } });
  expect(unknownKind.status).toBe(400);

  const accepted = await report(bornAged(14), 4, { ageException: { kind: 'HOME_TEACHING', reason: '肢体残疾，县特教中心送教上门' } });
  expect(accepted.status).toBe(201);
  const timeline = JSON.stringify((await coordinator.get(`/api/cases/${accepted.body.id}`).expect(200)).body);
  expect(timeline).toContain('年龄例外（送教上门）：肢体残疾，县特教中心送教上门');
});
