/**
 * The children's registry over HTTP (real Nest app, real PostgreSQL, in-memory case engine):
 * registering with every rule of a child checked, listing with filters and masks, reading,
 * correcting, the permission table's registry column, and reporting a case on a registered child.
 */
import { resolve } from 'node:path';
import { seedDemoAccounts } from '../../src/api/auth/demo-accounts';
import { PROJECT_ROOT } from '../../src/project-root';
import { loadTowns } from '../../src/read-model/town';
import { createTestApi, TestApi } from '../support/api-app';
import { as, DEMO_PASSWORD } from '../support/auth';
import { validIdNumber } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;
let api: TestApi;

beforeAll(async () => {
  db = await createTestDatabase();
  api = await createTestApi({
    dataSource: db.dataSource,
    towns: loadTowns([resolve(PROJECT_ROOT, 'towns/guling.json'), resolve(__dirname, '..', 'fixtures', 'towns', 'xinhe.json')]),
  });
  await seedDemoAccounts(db.dataSource, DEMO_PASSWORD, [{ username: 'xinhe-coordinator', displayName: '测试统筹', role: 'COORDINATOR' }], 'XINHE');
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

/** A child of the teacher's class (故陵小学 五年级二班, 高坪村). */
function childBody(overrides: Record<string, unknown> = {}) {
  return {
    name: '陈小雨',
    idNumber: validIdNumber('2014-09-01', 'F'),
    school: '故陵小学',
    grade: 5,
    className: '五年级二班',
    area: '高坪村',
    villagerGroup: '三组',
    guardians: [{ name: '陈大林', phone: '023-55123456', relation: '祖父' }],
    isLeftBehind: true,
    ...overrides,
  };
}

async function register(username: string, body: Record<string, unknown>) {
  return (await as(api.server, username)).post('/api/children').send(body);
}

describe('POST /api/children', () => {
  it('registers a child with villager group and priority flags; birth date and sex come from the ID number', async () => {
    const body = childBody();
    const res = await register('teacher', body);
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/children/${res.body.id}`);
    expect(res.body).toMatchObject({
      town: 'GULING',
      name: '陈小雨',
      idNumber: body.idNumber,
      masked: false,
      birthDate: '2014-09-01',
      sex: 'F',
      school: 'GULING_PRIMARY',
      area: 'GAOPING',
      villagerGroup: '三组',
      isLeftBehind: true,
      isDisabled: false,
      flagLabels: [{ zh: '留守儿童', en: 'left-behind child' }],
      guardians: [{ name: '陈大林', phone: '023-55123456', relation: '祖父' }],
      openCaseId: null,
    });
  });

  it('checks every rule at once: check digit, birth date and sex against the ID, grade within the school, phone', async () => {
    const good = childBody();
    const badCheckDigit = `${good.idNumber.slice(0, 17)}${good.idNumber[17] === '0' ? '1' : '0'}`;
    const res = await register('coordinator', childBody({ idNumber: badCheckDigit }));
    expect(res.status).toBe(400);
    expect(res.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['idNumber']);

    const mixed = await register('coordinator', childBody({ birthDate: '2014-09-02', sex: 'M', grade: 8 }));
    expect(mixed.status).toBe(400);
    expect(mixed.body.code).toBe('REQUEST.VALIDATION_FAILED');
    expect(mixed.body.details.fields.map((f: { field: string; constraint: string }) => `${f.field}:${f.constraint}`).sort()).toEqual([
      'birthDate:matchesIdNumber',
      'grade:gradeInSchool',
      'sex:matchesIdNumber',
    ]);
    const phone = await register('coordinator', childBody({ guardians: [{ name: '陈大林', phone: '12345', relation: '祖父' }] }));
    expect(phone.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['guardians.0.phone']);
    const unknownSchool = await register('coordinator', childBody({ school: '新河九年制学校' }));
    expect(unknownSchool.status).toBe(400);
    expect(unknownSchool.body.code).toBe('SCHOOL.UNKNOWN');
  });

  it('refuses an ID number already on the town registry (409), and a child outside the writer’s scope (403)', async () => {
    const body = childBody();
    const first = await register('coordinator', body);
    const again = await register('coordinator', { ...body, name: '陈小语' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'CHILD.ALREADY_REGISTERED', details: { childId: first.body.id } });
    // Two registrations of one new child at the same moment: one 201, one 409, one record.
    const twin = childBody();
    const both = await Promise.all([register('coordinator', twin), register('coordinator', { ...twin, name: '陈小宇' })]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    const kept = both.find((r) => r.status === 201)!.body;
    expect((await (await as(api.server, 'coordinator')).get(`/api/children/${kept.id}`)).body.name).toBe(kept.name);
    const otherClass = await register('teacher', childBody({ className: '五年级一班' }));
    expect(otherClass.status).toBe(403);
    const leader = await register('leader', childBody());
    expect(leader.status).toBe(403);
    expect(leader.body.details.registry).toBe('READ');
  });
});

describe('GET /api/children', () => {
  let ids: Record<string, string>;

  beforeAll(async () => {
    ids = {};
    const rows: Array<[string, Record<string, unknown>]> = [
      ['poorMiddle', { name: '贫困中学生', school: '故陵中学', grade: 8, className: '八年级一班', area: '红坪村', isLeftBehind: false, isRegisteredPoor: true, idNumber: validIdNumber('2011-02-03', 'M') }],
      ['disabledQiaoting', { name: '残疾儿童', area: '桥亭村', grade: 3, className: '三年级一班', isLeftBehind: false, isDisabled: true, idNumber: validIdNumber('2016-05-06', 'M') }],
      ['plain', { name: '普通儿童', area: '桥亭村', grade: 3, className: '三年级一班', isLeftBehind: false, idNumber: validIdNumber('2016-07-08', 'F') }],
    ];
    for (const [key, overrides] of rows) ids[key] = (await register('coordinator', childBody(overrides))).body.id;
  });

  const listIds = async (username: string, query = '') => {
    const res = await (await as(api.server, username)).get(`/api/children${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('filters by area, school, grade and flags, priority children first, and masks ID numbers and phones', async () => {
    const qiaoting = await listIds('coordinator', '?area=桥亭村');
    expect(qiaoting.items.map((c: { id: string }) => c.id)).toEqual([ids.disabledQiaoting, ids.plain]);
    expect(qiaoting.items[0]).toMatchObject({ masked: true, idNumber: expect.stringMatching(/^500235\*{8}\d{3}[\dX]$/) });
    expect(qiaoting.items[0].guardians[0].phone).toMatch(/\*/);
    expect((await listIds('coordinator', '?school=GULING_MIDDLE&grade=8')).items.map((c: { id: string }) => c.id)).toEqual([ids.poorMiddle]);
    expect((await listIds('coordinator', '?flags=isRegisteredPoor')).items.map((c: { id: string }) => c.id)).toEqual([ids.poorMiddle]);
    expect((await listIds('coordinator', '?flags=isDisabled,isRegisteredPoor')).total).toBe(0);
    const paged = await listIds('coordinator', '?pageSize=2&page=2');
    expect(paged).toMatchObject({ page: 2, pageSize: 2 });
    expect(paged.total).toBeGreaterThanOrEqual(5);
  });

  it('lists only the children of the role’s scope and town; the justice office has no registry', async () => {
    const teacher = await listIds('teacher');
    expect(teacher.items.every((c: { school: string; grade: number; className: string }) => c.school === 'GULING_PRIMARY' && c.grade === 5 && c.className === '五年级二班')).toBe(true);
    expect(teacher.items.map((c: { id: string }) => c.id)).not.toContain(ids.plain);
    const secretary = await listIds('secretary');
    expect(secretary.items.every((c: { area: string }) => c.area === 'GAOPING')).toBe(true);
    expect((await listIds('xinhe-coordinator')).total).toBe(0);
    const justice = await (await as(api.server, 'justice')).get('/api/children');
    expect(justice.status).toBe(403);
  });

  it('reads one child: in full for the coordinator, masked for the leader, 404 outside the scope or town', async () => {
    expect((await (await as(api.server, 'coordinator')).get(`/api/children/${ids.plain}`)).body).toMatchObject({ masked: false, name: '普通儿童' });
    expect((await (await as(api.server, 'leader')).get(`/api/children/${ids.plain}`)).body).toMatchObject({ masked: true });
    const teacher = await (await as(api.server, 'teacher')).get(`/api/children/${ids.plain}`);
    expect(teacher.status).toBe(404);
    expect(teacher.body.code).toBe('CHILD.NOT_FOUND');
    expect((await (await as(api.server, 'xinhe-coordinator')).get(`/api/children/${ids.plain}`)).status).toBe(404);
    expect((await (await as(api.server, 'coordinator')).get('/api/children/not-a-uuid')).body.code).toBe('CHILD.INVALID_ID');
  });
});

describe('PATCH /api/children/:id', () => {
  it('corrects the fields given and replaces the guardians; the ID number cannot be changed', async () => {
    const created = (await register('coordinator', childBody())).body;
    const res = await (await as(api.server, 'coordinator'))
      .patch(`/api/children/${created.id}`)
      .send({ grade: 6, className: '六年级二班', isRegisteredPoor: true, guardians: [{ name: '陈母', phone: '13912345678', relation: '母亲' }] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ grade: 6, className: '六年级二班', isLeftBehind: true, isRegisteredPoor: true, villagerGroup: '三组', idNumber: created.idNumber });
    expect(res.body.guardians).toEqual([{ name: '陈母', phone: '13912345678', relation: '母亲' }]);
    const idChange = await (await as(api.server, 'coordinator')).patch(`/api/children/${created.id}`).send({ idNumber: validIdNumber() });
    expect(idChange.status).toBe(400);
    const badGrade = await (await as(api.server, 'coordinator')).patch(`/api/children/${created.id}`).send({ grade: 7 });
    expect(badGrade.body.details.fields[0]).toMatchObject({ field: 'grade', constraint: 'gradeInSchool' });
  });

  it('does not let a writer move a child out of their scope', async () => {
    const created = (await register('teacher', childBody())).body;
    const res = await (await as(api.server, 'teacher')).patch(`/api/children/${created.id}`).send({ className: '五年级一班' });
    expect(res.status).toBe(403);
    expect((await (await as(api.server, 'teacher')).get(`/api/children/${created.id}`)).body.className).toBe('五年级二班');
  });
});

describe('reporting a case on the registry', () => {
  it('reports by childId; the child then shows its open case; a second report is refused (one child, one case)', async () => {
    const child = (await register('teacher', childBody())).body;
    const teacher = await as(api.server, 'teacher');
    const report = await teacher.post('/api/cases').send({ childId: child.id, cause: 'POVERTY' });
    expect(report.status).toBe(201);
    expect(report.body.child.id).toBe(child.id);
    expect((await teacher.get(`/api/children/${child.id}`)).body.openCaseId).toBe(report.body.id);
    const again = await teacher.post('/api/cases').send({ childId: child.id, cause: 'OTHER' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CASE.ALREADY_OPEN');
  });

  it('an inline child already on the registry opens the case on that record and changes nothing; other details are refused', async () => {
    const body = childBody();
    const child = (await register('coordinator', body)).body;
    const { villagerGroup: _group, isLeftBehind: _flag, ...inline } = body;
    const differing = await (await as(api.server, 'coordinator')).post('/api/cases').send({ child: { ...inline, name: '陈小鱼', guardians: [{ name: '某', phone: '13800000000', relation: '父亲' }] }, cause: 'POVERTY' });
    expect(differing.status).toBe(409);
    expect(differing.body).toMatchObject({ code: 'CHILD.DIFFERS_FROM_REGISTRY', details: { fields: ['name'] } });
    const same = await (await as(api.server, 'coordinator')).post('/api/cases').send({ child: { ...inline, guardians: [{ name: '某', phone: '13800000000', relation: '父亲' }] }, cause: 'POVERTY' });
    expect(same.status).toBe(201);
    expect(same.body.child.id).toBe(child.id);
    const after = (await (await as(api.server, 'coordinator')).get(`/api/children/${child.id}`)).body;
    expect(after.guardians).toEqual(child.guardians);
    expect(after).toMatchObject({ villagerGroup: '三组', isLeftBehind: true, updatedAt: child.updatedAt });
  });
});

describe('GET /api/ledger/export per role', () => {
  async function exported(username: string) {
    const res = await (await as(api.server, username))
      .get('/api/ledger/export')
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    return res;
  }

  it("holds only the children and cases of the reader's scope, masked for the leading group; the justice office has none", async () => {
    const { default: ExcelJS } = await import('exceljs');
    const read = async (body: Buffer) => {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(body as unknown as ArrayBuffer);
      const children = workbook.getWorksheet('儿童名册')!;
      const header = children.getRow(1).values as string[];
      const rows = children.getSheetValues().slice(2) as unknown[][];
      return { classes: rows.map((r) => r[header.indexOf('班级')]), ids: rows.map((r) => String(r[header.indexOf('身份证号')])), cases: workbook.getWorksheet('案件台账')!.rowCount - 1 };
    };
    const teacher = await read((await exported('teacher')).body);
    expect(teacher.classes.length).toBeGreaterThan(0);
    expect(new Set(teacher.classes)).toEqual(new Set(['五年级二班']));
    const coordinator = await read((await exported('coordinator')).body);
    expect(coordinator.classes.length).toBeGreaterThan(teacher.classes.length);
    expect(coordinator.cases).toBeGreaterThan(0);
    const leader = await read((await exported('leader')).body);
    expect(leader.ids.every((id) => id.includes('********'))).toBe(true);
    expect((await exported('justice')).status).toBe(403);
  });
});

describe('without a token', () => {
  it('the registry, the ledger and the town data answer 401 AUTH.REQUIRED', async () => {
    const { default: request } = await import('supertest');
    const calls = [
      request(api.server).get('/api/children'),
      request(api.server).post('/api/children').send(childBody()),
      request(api.server).get('/api/children/3f1c2b9e-8a47-4d55-9b1e-0c6d2f4a7e21'),
      request(api.server).patch('/api/children/3f1c2b9e-8a47-4d55-9b1e-0c6d2f4a7e21').send({ grade: 3 }),
      request(api.server).post('/api/ledger/import').attach('file', Buffer.from('姓名,身份证号\n'), 'a.csv'),
      request(api.server).get('/api/ledger/export'),
      request(api.server).get('/api/towns/current'),
    ];
    for (const res of await Promise.all(calls)) expect([res.status, res.body.code]).toEqual([401, 'AUTH.REQUIRED']);
  });
});
