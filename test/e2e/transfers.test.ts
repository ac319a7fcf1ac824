/**
 * A transfer of a case between two towns of one deployment, on real Temporal and PostgreSQL: the
 * sending town (Guling) asks, the receiving town (the test town Xinhe) answers from its task list.
 */
import { resolve } from 'node:path';
import type { RunningBaoxue } from '../../src/bootstrap';
import { DEFAULT_TOWN_PATH } from '../../src/read-model/town';
import { seedDemoAccounts } from '../../src/api/auth/demo-accounts';
import { as, DEMO_PASSWORD } from '../support/auth';
import { eventually } from '../support/eventually';
import { validIdNumber } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { reportBody, startApp, testConfig } from '../support/running-app';

const XINHE_FILE = resolve(__dirname, '..', 'fixtures', 'towns', 'xinhe.json');

let db: TestDatabase;
let app: RunningBaoxue;
let api: string;

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  app = await startApp(testConfig({ databaseUrl: db.url, townPaths: [DEFAULT_TOWN_PATH, XINHE_FILE] }));
  api = app.apiUrl!;
  await seedDemoAccounts(db.dataSource, DEMO_PASSWORD, [{ username: 'xinhe-coordinator', displayName: '测试统筹', role: 'COORDINATOR' }], 'XINHE');
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await db?.drop();
});

let n = 0;
/** A child of Guling reported by its principal; a fresh ID number each time. */
async function reportInGuling(): Promise<{ caseId: string; idNumber: string }> {
  const idNumber = validIdNumber('2012-06-01', 'F'); // reportBody's birth date and sex, a new serial each time
  const body = reportBody();
  n++;
  const res = await (await as(api, 'principal')).post('/api/cases').send({ ...body, child: { ...body.child, name: `移交儿童${n}`, idNumber } });
  expect(res.status).toBe(201);
  return { caseId: res.body.id, idNumber };
}

async function act(caseId: string, username: string, action: Record<string, unknown>) {
  return (await as(api, username)).post(`/api/cases/${caseId}/actions`).send(action);
}

/** Waits for a notification of that kind about the case in the user's inbox (the outbox delivers it a moment later). */
async function notified(username: string, kind: string, caseId: string): Promise<void> {
  const user = await as(api, username);
  await eventually(`${kind} for ${username}`, async () => {
    const res = await user.get('/api/me/notifications');
    return res.body.items.some((m: { kind: string; caseId: string }) => m.kind === kind && m.caseId === caseId) ? true : undefined;
  }, 15_000);
}

/** The case sheet of the user's ledger export (案件台账): each row by its header. */
async function ledgerCases(username: string): Promise<Array<Record<string, unknown>>> {
  const res = await (await as(api, username))
    .get('/api/ledger/export')
    .buffer(true)
    .parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
  expect(res.status).toBe(200);
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(res.body as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet('案件台账')!;
  const header = sheet.getRow(1).values as string[];
  return (sheet.getSheetValues().slice(2) as unknown[][]).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]).filter(([h]) => h)));
}

async function headline(username: string): Promise<{ open: number; transferredOutThisYear: number; transferredInThisYear: number }> {
  const res = await (await as(api, username)).get('/api/dashboard/headline');
  expect(res.status).toBe(200);
  return res.body;
}

async function caseRow(caseId: string): Promise<{ town: string; transfer_pending_to: string | null; open: boolean }> {
  const [row] = await db.dataSource.query(`SELECT town, transfer_pending_to, open FROM cases WHERE id = $1`, [caseId]);
  return row;
}

describe('transfers between towns, on real Temporal and PostgreSQL', () => {
  it('accepted: the case goes on in the receiving town in one history; the sending town reads what it did and can no longer act', async () => {
    const { caseId } = await reportInGuling();
    await act(caseId, 'secretary', { type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' }).then((r) => expect(r.status).toBe(200));
    const asked = await act(caseId, 'coordinator', { type: 'REQUEST_TRANSFER', toTown: '测试县新河镇', reason: '该生随父母在新河镇务工地被发现' });
    expect(asked.status).toBe(200);
    expect(asked.body.case).toMatchObject({ town: 'GULING', transferPendingTo: 'XINHE' });
    expect(await caseRow(caseId)).toMatchObject({ town: 'GULING', transfer_pending_to: 'XINHE' });

    // The receiving town's coordinator: a task in 我的待办, a notification, and the case page to decide on.
    const xinhe = await as(api, 'xinhe-coordinator');
    const tasks = await xinhe.get('/api/me/tasks');
    expect(tasks.status).toBe(200);
    const task = tasks.body.items.find((t: { caseId: string }) => t.caseId === caseId);
    expect(task).toMatchObject({ stage: 'TRANSFER_PENDING', stageLabel: { zh: '待接收（移交外镇）' } });
    await notified('xinhe-coordinator', 'TRANSFER_REQUESTED', caseId);
    const page = await xinhe.get(`/api/cases/${caseId}`);
    expect(page.status).toBe(200);
    expect(page.body.allowedActions).toEqual(['ACCEPT_TRANSFER', 'DECLINE_TRANSFER']);
    // Anything else on a case that is not yet its own does not exist for it.
    expect((await act(caseId, 'xinhe-coordinator', { type: 'ADD_NOTE', note: '试试' })).status).toBe(404);
    // A place that is not Xinhe's: refused before anything is written.
    const wrongSchool = await act(caseId, 'xinhe-coordinator', { type: 'ACCEPT_TRANSFER', area: '高坪村', school: '故陵小学', grade: 6, className: '六年级一班' });
    expect(wrongSchool.status).toBe(400);
    expect(wrongSchool.body.code).toBe('SCHOOL.UNKNOWN');

    const before = { guling: await headline('coordinator'), xinhe: await headline('xinhe-coordinator') };
    const accepted = await act(caseId, 'xinhe-coordinator', { type: 'ACCEPT_TRANSFER', area: '高坪村', school: 'XINHE_SCHOOL', grade: 6, className: '六年级一班' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.case).toMatchObject({ stage: 'PERSUASION', town: 'XINHE', transferPendingTo: null, area: 'GAOPING', school: 'XINHE_SCHOOL' });
    expect(await caseRow(caseId)).toMatchObject({ town: 'XINHE', transfer_pending_to: null, open: true });
    const [transfer] = await db.dataSource.query(`SELECT status, from_town, to_town, decided_seq FROM case_transfers WHERE case_id = $1`, [caseId]);
    expect(transfer).toMatchObject({ status: 'ACCEPTED', from_town: 'GULING', to_town: 'XINHE' });
    // The answer task closed; the receiving town's chain holds the stage now.
    const open: Array<{ town: string; holder: string; deadline: string }> = await db.dataSource.query(`SELECT town, holder, deadline FROM tasks WHERE case_id = $1 AND status = 'OPEN'`, [caseId]);
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((t) => t.town === 'XINHE' && t.deadline !== 'transferAnswerBy')).toBe(true);

    // The receiving town acts; the sending town reads its part (up to the acceptance) and cannot act.
    expect((await act(caseId, 'xinhe-coordinator', { type: 'ADD_NOTE', note: '已接收，安排劝返' })).status).toBe(200);
    const sender = await (await as(api, 'coordinator')).get(`/api/cases/${caseId}`);
    expect(sender.status).toBe(200);
    expect(sender.body.allowedActions).toEqual([]);
    const seen = sender.body.timeline.map((e: { type: string }) => e.type);
    expect(seen).toEqual(['CASE_OPENED', 'RECORD_HOME_VISIT', 'REQUEST_TRANSFER', 'ACCEPT_TRANSFER']);
    expect((await act(caseId, 'coordinator', { type: 'ADD_NOTE', note: '还想办' })).status).toBe(404);
    await notified('coordinator', 'TRANSFER_ACCEPTED', caseId);

    // Dashboards: out of Guling, into Xinhe, from the acceptance.
    const after = { guling: await headline('coordinator'), xinhe: await headline('xinhe-coordinator') };
    expect(after.guling).toMatchObject({ open: before.guling.open - 1, transferredOutThisYear: before.guling.transferredOutThisYear + 1, transferredInThisYear: before.guling.transferredInThisYear });
    expect(after.xinhe).toMatchObject({ open: before.xinhe.open + 1, transferredInThisYear: before.xinhe.transferredInThisYear + 1, transferredOutThisYear: before.xinhe.transferredOutThisYear });
    // Ledgers: Guling keeps the row as transferred out (ended for it); Xinhe has it open.
    const gulingRow = (await ledgerCases('coordinator')).find((r) => r['案件编号'] === caseId);
    expect(gulingRow).toMatchObject({ 状态: '已结', 环节: '已移交外镇' });
    expect(String(gulingRow!['备注'])).toContain('已移交XINHE');
    const xinheRow = (await ledgerCases('xinhe-coordinator')).find((r) => r['案件编号'] === caseId);
    expect(xinheRow).toMatchObject({ 状态: '未结' });
  }, 60_000);

  it('declined with a reason: the case goes on in the sending town', async () => {
    const { caseId } = await reportInGuling();
    expect((await act(caseId, 'coordinator', { type: 'REQUEST_TRANSFER', toTown: 'XINHE', reason: '疑在新河镇' })).status).toBe(200);
    const noReason = await act(caseId, 'xinhe-coordinator', { type: 'DECLINE_TRANSFER', reason: ' ' });
    expect(noReason.status).toBe(400);
    const declined = await act(caseId, 'xinhe-coordinator', { type: 'DECLINE_TRANSFER', reason: '经核实该生不在本镇' });
    expect(declined.status).toBe(200);
    expect(declined.body.case).toMatchObject({ town: 'GULING', stage: 'HOME_VISIT' });
    // An acceptance after the decline: the transfer no longer waits for Xinhe.
    const late = await act(caseId, 'xinhe-coordinator', { type: 'ACCEPT_TRANSFER', area: '高坪村', school: 'XINHE_SCHOOL', grade: 6, className: '六年级一班' });
    expect(late.status).toBe(404); // no longer pending for Xinhe: the case does not exist for it
    expect(await caseRow(caseId)).toMatchObject({ town: 'GULING', transfer_pending_to: null });
    const [transfer] = await db.dataSource.query(`SELECT status, decline_reason FROM case_transfers WHERE case_id = $1`, [caseId]);
    expect(transfer).toEqual({ status: 'DECLINED', decline_reason: '经核实该生不在本镇' });
    // The receiving town no longer sees it; the sending town goes on.
    expect((await (await as(api, 'xinhe-coordinator')).get(`/api/cases/${caseId}`)).status).toBe(404);
    expect((await act(caseId, 'secretary', { type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' })).status).toBe(200);
    await notified('coordinator', 'TRANSFER_DECLINED', caseId);
  }, 60_000);

  it('refuses a transfer to a town the deployment does not serve, or to the own town', async () => {
    const { caseId } = await reportInGuling();
    const unknown = await act(caseId, 'coordinator', { type: 'REQUEST_TRANSFER', toTown: '不存在镇', reason: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('TRANSFER.TOWN_UNKNOWN');
    expect(unknown.body.message).toContain('XINHE');
    const own = await act(caseId, 'coordinator', { type: 'REQUEST_TRANSFER', toTown: 'GULING', reason: 'x' });
    expect(own.status).toBe(400);
  }, 60_000);

  it('one child, one open case across the deployment: another town reporting the child is told which town holds it', async () => {
    const { idNumber } = await reportInGuling();
    const res = await (await as(api, 'xinhe-coordinator')).post('/api/cases').send({
      child: { name: '同一儿童', idNumber, school: 'XINHE_SCHOOL', grade: 6, className: '六年级一班', area: 'GAOPING', guardians: [{ name: '家长', phone: '13900000001', relation: '父亲' }] },
      cause: 'GUARDIAN_REFUSES',
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CASE.ALREADY_OPEN');
    expect(res.body.message).toContain('故陵镇');
    expect(res.body.details).toMatchObject({ town: 'GULING' });
    expect(JSON.stringify(res.body)).not.toMatch(/openCaseId|李小花/);
    // Nothing half-written: the child was not registered in Xinhe either.
    const [{ count }] = await db.dataSource.query(`SELECT count(*)::int AS count FROM children WHERE town = 'XINHE' AND id_number = $1`, [idNumber]);
    expect(count).toBe(0);
  }, 60_000);
});
