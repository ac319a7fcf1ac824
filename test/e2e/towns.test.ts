/**
 * A county runs one deployment for all its towns: Guling (the default data set) and Xinhe (a small
 * test town that also has an area coded GAOPING). One town's users never see the other's records:
 * another town's case answers 404, exactly like an id that does not exist.
 */
import { resolve } from 'node:path';
import type { RunningBaoxue } from '../../src/bootstrap';
import { seedDemoAccounts } from '../../src/api/auth/demo-accounts';
import { DEFAULT_TOWN_FILE } from '../../src/config';
import { PROJECT_ROOT } from '../../src/project-root';
import { as, DEMO_PASSWORD } from '../support/auth';
import { validIdNumber } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { reportBody, startApp, testConfig, waitForCase } from '../support/running-app';

const XINHE_FILE = resolve(__dirname, '..', 'fixtures', 'towns', 'xinhe.json');

let db: TestDatabase;
let app: RunningBaoxue;
let api: string;

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  app = await startApp(testConfig({ databaseUrl: db.url, townPaths: [resolve(PROJECT_ROOT, DEFAULT_TOWN_FILE), XINHE_FILE] }));
  api = app.apiUrl!;
  await seedDemoAccounts(
    app.dataSource,
    DEMO_PASSWORD,
    [
      { username: 'xinhe-leader', displayName: '测试组长', role: 'LEADER' },
      { username: 'xinhe-coordinator', displayName: '测试统筹', role: 'COORDINATOR' },
      { username: 'xinhe-secretary', displayName: '测试书记', role: 'VILLAGE_SECRETARY', area: 'GAOPING' },
    ],
    'XINHE',
  );
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await db?.drop();
});

/** A Xinhe child: same area code as Guling's 高坪村, Xinhe's own school. */
function xinheBody(idNumber = validIdNumber('2013-01-20', 'M')) {
  return reportBody({
    child: {
      name: '赵小河',
      idNumber,
      school: '新河九年制学校',
      grade: 8,
      className: '八年级一班',
      area: 'GAOPING',
      guardians: [{ name: '赵大河', phone: '13700000000', relation: '父亲' }],
    },
  });
}

describe('two towns in one deployment', () => {
  let gulingCase: string;
  let xinheCase: string;

  beforeAll(async () => {
    const guling = await (await as(api, 'secretary')).post('/api/cases').send(reportBody());
    expect(guling.status).toBe(201);
    gulingCase = guling.body.id;
    const xinhe = await (await as(api, 'xinhe-secretary')).post('/api/cases').send(xinheBody());
    expect(xinhe.status).toBe(201);
    xinheCase = xinhe.body.id;
    await waitForCase(api, gulingCase, (c) => c.policyVersion !== null);
  });

  it("a user's town comes with log-in: the answer and the token's claims carry it", async () => {
    const login = await (await as(api, 'xinhe-coordinator')).post('/api/auth/login').send({ username: 'xinhe-coordinator', password: DEMO_PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body.user.town).toBe('XINHE');
    const claims = JSON.parse(Buffer.from(login.body.accessToken.split('.')[1], 'base64url').toString());
    expect(claims.town).toBe('XINHE');
    expect((await (await as(api, 'principal')).post('/api/auth/login').send({ username: 'principal', password: DEMO_PASSWORD })).body.user.town).toBe('GULING');
  });

  it("the same area code names each town's own area, and a case is written with its reporter's town", async () => {
    const xinhe = await (await as(api, 'xinhe-coordinator')).get(`/api/cases/${xinheCase}`);
    expect(xinhe.status).toBe(200);
    expect(xinhe.body).toMatchObject({ area: 'GAOPING', areaLabel: { en: 'Gaoping (Xinhe)' }, school: 'XINHE_SCHOOL' });
    const guling = await (await as(api, 'coordinator')).get(`/api/cases/${gulingCase}`);
    expect(guling.body).toMatchObject({ area: 'GAOPING', areaLabel: { en: 'Gaoping' }, school: 'GULING_PRIMARY' });
    const rows = await app.dataSource.query(`SELECT id, town FROM cases WHERE id IN ($1, $2) ORDER BY town`, [gulingCase, xinheCase]);
    expect(rows).toEqual([
      { id: gulingCase, town: 'GULING' },
      { id: xinheCase, town: 'XINHE' },
    ]);
  });

  it("a user of town B cannot list another town's case, even in an area with the same code", async () => {
    for (const username of ['xinhe-coordinator', 'xinhe-secretary', 'xinhe-leader']) {
      const list = await (await as(api, username)).get('/api/cases?area=GAOPING');
      expect(list.status).toBe(200);
      expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([xinheCase]);
      expect(list.body.total).toBe(1);
    }
    const gulingList = await (await as(api, 'coordinator')).get('/api/cases');
    expect(gulingList.body.items.map((c: { id: string }) => c.id)).toEqual([gulingCase]);
  });

  it("a user of town B reading or acting on town A's case gets 404, as for an id that does not exist", async () => {
    const coordinator = await as(api, 'xinhe-coordinator');
    const read = await coordinator.get(`/api/cases/${gulingCase}`);
    expect(read.status).toBe(404);
    expect(read.body.code).toBe('CASE.NOT_FOUND');
    const act = await coordinator.post(`/api/cases/${gulingCase}/actions`).send({ type: 'ADD_NOTE', note: '越权尝试' });
    expect(act.status).toBe(404);
    expect(act.body.code).toBe('CASE.NOT_FOUND');
    const unknown = await coordinator.get('/api/cases/3f1c2b9e-8a47-4d55-9b1e-0c6d2f4a7e21');
    expect({ status: unknown.status, code: unknown.body.code }).toEqual({ status: read.status, code: read.body.code });
    // Town A's own user still reads it, and the refused action left no trace in its timeline.
    const guling = await waitForCase(api, gulingCase, () => true);
    expect(guling.timeline.map((e) => e.type)).not.toContain('ADD_NOTE');
  });

  it("a user of town B cannot report for town A's schools, nor open a case on town A's child by its id", async () => {
    const coordinator = await as(api, 'xinhe-coordinator');
    const body = xinheBody();
    const wrongSchool = await coordinator.post('/api/cases').send({ ...body, child: { ...body.child, school: '故陵小学' } });
    expect(wrongSchool.status).toBe(400);
    expect(wrongSchool.body.code).toBe('SCHOOL.UNKNOWN');
    expect(wrongSchool.body.details.validValues.map((s: { code: string }) => s.code)).toEqual(['XINHE_SCHOOL']);
    const gulingChild = (await (await as(api, 'coordinator')).get(`/api/cases/${gulingCase}`)).body.child.id;
    const byId = await coordinator.post('/api/cases').send({ childId: gulingChild, cause: 'OTHER' });
    expect(byId.status).toBe(404);
    expect(byId.body.code).toBe('CHILD.NOT_FOUND');
  });

  it("each town keeps its own registry: a child on Guling's books (no open case) can be reported in Xinhe without touching Guling's record", async () => {
    const gulingCoordinator = await as(api, 'coordinator');
    const idNumber = validIdNumber('2013-03-05', 'M');
    const { child: onGulingBooks } = reportBody({ child: { ...reportBody().child, name: '钱小川', idNumber, birthDate: '2013-03-05', sex: 'M' } });
    const registered = await gulingCoordinator.post('/api/children').send(onGulingBooks);
    expect(registered.status).toBe(201);
    const moved = await (await as(api, 'xinhe-coordinator')).post('/api/cases').send(xinheBody(idNumber));
    expect(moved.status).toBe(201);
    expect(moved.body.child.id).not.toBe(registered.body.id);
    const after = (await gulingCoordinator.get(`/api/children/${registered.body.id}`)).body;
    expect(after).toMatchObject({ name: '钱小川', school: registered.body.school, grade: registered.body.grade });
  });

  it('one child, one open case across the deployment: a child with an open case in Guling is refused in Xinhe, and nothing is written there', async () => {
    const gulingDetail = (await (await as(api, 'coordinator')).get(`/api/cases/${gulingCase}`)).body;
    const refused = await (await as(api, 'xinhe-coordinator')).post('/api/cases').send(xinheBody(gulingDetail.child.idNumber));
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CASE.ALREADY_OPEN');
    const after = (await (await as(api, 'coordinator')).get(`/api/cases/${gulingCase}`)).body;
    expect(after.child).toEqual(gulingDetail.child);
    const rows: Array<{ n: string }> = await db.dataSource.query(`SELECT count(*) AS n FROM children WHERE town = 'XINHE' AND id_number = $1`, [gulingDetail.child.idNumber]);
    expect(Number(rows[0].n)).toBe(0);
  });

  it("GET /api/towns/current answers the user's own town's reference data", async () => {
    const xinhe = await (await as(api, 'xinhe-secretary')).get('/api/towns/current');
    expect(xinhe.status).toBe(200);
    expect(xinhe.body).toMatchObject({ code: 'XINHE', schools: [{ code: 'XINHE_SCHOOL' }] });
    const guling = (await (await as(api, 'teacher')).get('/api/towns/current')).body;
    expect(guling.offices.map((o: { code: string }) => o.code)).toEqual(expect.arrayContaining(['TOWN_GOVERNMENT', 'JUSTICE_OFFICE', 'POLICE_STATION', 'MARKET_SUPERVISION']));
    expect(guling.leadingGroup.coordinator.name).toBe('谭巧玲');
    expect(guling.groupRoleLabels.LEADER.zh).toBe('组长');
  });

  it("the audit log of a town's leading group lists that town's users only", async () => {
    const xinhe = await (await as(api, 'xinhe-leader')).get('/api/audit?pageSize=200');
    expect(xinhe.status).toBe(200);
    const usernames = new Set(xinhe.body.items.map((e: { username: string }) => e.username));
    expect([...usernames].sort()).toEqual(['xinhe-coordinator', 'xinhe-leader', 'xinhe-secretary']);
    const guling = await (await as(api, 'leader')).get('/api/audit?pageSize=200');
    expect(guling.body.items.some((e: { username: string }) => e.username.startsWith('xinhe-'))).toBe(false);
    expect(guling.body.items.some((e: { username: string }) => e.username === 'secretary')).toBe(true);
  });
});
