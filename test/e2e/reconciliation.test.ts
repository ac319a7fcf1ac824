/**
 * 人账相符: the reconciliation of the ledger (cases.open) and the running case workflows, on the app
 * as `npm start` composes it (real Temporal dev server, real PostgreSQL): a consistent state reports
 * nothing; an orphaned row, a terminated workflow, a workflow without a row and a stage that differs
 * are each reported; the command exits 0 or 1 accordingly; the schedule runs the same check and
 * stores it in reconciliation_runs.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import type { RunningBaoxue } from '../../src/bootstrap';
import { latestReconciliationRuns, reconcile, ReconciliationReport } from '../../src/reconciliation';
import { ensureReconciliationSchedule } from '../../src/reconciliation/schedule';
import { baoxueDataConverter } from '../../src/temporal/codec';
import { caseWorkflow } from '../../src/workflows/case-workflow';
import { caseWorkflowId } from '../../src/workflows/messages';
import { RECONCILIATION_SCHEDULE_ID } from '../../src/workflows/reconciliation-messages';
import { loadPolicy } from '../../src/policy/load-policy';
import { tokenFor, withToken } from '../support/auth';
import { openCase } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { SECONDS_POLICY, reportBody, startApp, testConfig } from '../support/running-app';

const DIST = join(__dirname, '..', '..', 'dist');
let db: TestDatabase;
let app: RunningBaoxue;
let client: Client;
let dataDir: string;

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  const config = testConfig({ databaseUrl: db.url });
  dataDir = config.dataDir;
  app = await startApp(config);
  client = new Client({ connection: await Connection.connect({ address: app.temporalAddress }), dataConverter: baoxueDataConverter(app.payloadCodec) });
}, 120_000);

afterAll(async () => {
  await client?.connection.close();
  await app?.stop();
  await db?.drop();
});

async function report(): Promise<string> {
  const res = await withToken(request(app.apiUrl!).post('/api/cases'), await tokenFor(app.apiUrl!, 'principal')).send(reportBody());
  expect(res.status).toBe(201);
  return res.body.id;
}

const check = (): Promise<ReconciliationReport> => reconcile({ dataSource: app.dataSource, client });

/** `node dist/reconcile-main.js` against this app's databases (needs the build: `npm test` builds first). */
function command(...args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [join(DIST, 'reconcile-main.js'), ...args], {
    env: { ...process.env, DATABASE_URL: db.url, TEMPORAL_ADDRESS: app.temporalAddress, BAOXUE_DATA_DIR: dataDir, BAOXUE_PAYLOAD_KEYS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

describe('reconciliation of the ledger and the workflows', () => {
  const cases: string[] = [];

  it('reports no difference when every open case has its running workflow at the same stage', async () => {
    cases.push(await report(), await report());
    const visit = await withToken(request(app.apiUrl!).post(`/api/cases/${cases[1]}/actions`), await tokenFor(app.apiUrl!, 'secretary')).send({
      type: 'RECORD_HOME_VISIT',
      outcome: 'NOT_RETURNED',
    });
    expect(visit.status).toBe(200);

    const result = await check();
    expect(result).toMatchObject({ openCases: 2, runningWorkflows: 2, matched: 2, differences: [], consistent: true });

    const run = await command();
    expect(run.out).toContain('人账相符');
    expect(run.out).toContain('the ledger and the workflows agree');
    expect(run.code).toBe(0);
  }, 60_000);

  it('reports an open row whose workflow was never started, and one whose workflow was terminated', async () => {
    const orphan = await openCase(app.dataSource);
    // A row the workflow had projected into, then lost (the workflow is gone): not a report in progress.
    await app.dataSource.query(`UPDATE cases SET last_seq = 3, stage = 'PERSUASION' WHERE id = $1`, [orphan.caseId]);
    await client.workflow.getHandle(caseWorkflowId(cases[0])).terminate('测试：人为终止');

    const result = await check();
    expect(result.consistent).toBe(false);
    expect(result.differences).toEqual(
      expect.arrayContaining([
        { kind: 'OPEN_ROW_WITHOUT_WORKFLOW', caseId: orphan.caseId, rowStage: 'PERSUASION', workflowStatus: 'NOT_FOUND' },
        { kind: 'OPEN_ROW_WITHOUT_WORKFLOW', caseId: cases[0], rowStage: 'HOME_VISIT', workflowStatus: 'TERMINATED' },
      ]),
    );
    expect(result.differences).toHaveLength(2);
    expect(result).toMatchObject({ openCases: 3, runningWorkflows: 1, matched: 1 });
  });

  it('reports a running workflow without an open row and a stage the row and the workflow disagree on', async () => {
    const stray = randomUUID();
    // Started by hand on a queue nobody serves: it runs, but never projects its row.
    await client.workflow.start(caseWorkflow, {
      taskQueue: `nobody-${randomUUID()}`,
      workflowId: caseWorkflowId(stray),
      args: [{ facts: { caseId: stray, childId: randomUUID(), cause: 'OTHER', area: 'GAOPING', school: 'GULING_PRIMARY', openedAt: new Date().toISOString(), openedBy: 'test' }, policy: loadPolicy(SECONDS_POLICY) }],
    });
    // cases[1] escalates by itself up to the legal gate (seconds policy), then waits for people; once
    // it waits, no projection will overwrite the row: make the row disagree with the workflow.
    for (let i = 0; i < 150; i++) {
      const [{ n }] = await app.dataSource.query(`SELECT count(*)::int AS n FROM case_events WHERE case_id = $1 AND type = 'ESCALATED_TO_LEADER'`, [cases[1]]);
      if (n > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await app.dataSource.query(`UPDATE cases SET stage = 'LEGAL_LIABILITY' WHERE id = $1`, [cases[1]]);

    const result = await check();
    expect(result.differences).toEqual(
      expect.arrayContaining([
        { kind: 'WORKFLOW_WITHOUT_OPEN_ROW', caseId: stray, workflowId: caseWorkflowId(stray), workflowStage: undefined, rowStage: null },
        { kind: 'STAGE_MISMATCH', caseId: cases[1], rowStage: 'LEGAL_LIABILITY', workflowStage: 'TOWN_CRITICISM', source: 'snapshot' },
      ]),
    );
    expect(result.differences).toHaveLength(4);

    const run = await command();
    expect(run.code).toBe(1);
    for (const id of [stray, cases[0], cases[1]]) expect(run.out).toContain(id);
    expect(run.out).toContain('台账有未结案件，但没有运行中的流程 / open case in the ledger without a running workflow (2)');
    expect(run.out).toContain('有运行中的流程，但台账没有未结案件 / running workflow without an open case in the ledger (1)');
    expect(run.out).toContain('台账与流程的环节不一致 / the ledger and the workflow show different stages (1)');
    expect(run.out).toContain('人账不符');
    expect(run.out).not.toContain('李小花'); // no personal data in the report

    const json = await command('--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out.slice(json.out.indexOf('{')))).toMatchObject({ consistent: false, differences: expect.any(Array) });
    await client.workflow.getHandle(caseWorkflowId(stray)).terminate('测试结束');
  }, 60_000);

  it('runs on a Temporal Schedule created at worker start-up, and stores each run', async () => {
    const schedule = await client.schedule.getHandle(RECONCILIATION_SCHEDULE_ID).describe();
    expect(schedule.spec.intervals).toMatchObject([{ every: 3_600_000 }]);
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'reconciliationWorkflow', taskQueue: 'baoxue-cases' });

    await client.schedule.getHandle(RECONCILIATION_SCHEDULE_ID).trigger();
    let runs = await latestReconciliationRuns(app.dataSource, 20);
    for (let i = 0; i < 100 && !runs.some((r) => r.trigger === 'schedule'); i++) {
      await new Promise((r) => setTimeout(r, 200));
      runs = await latestReconciliationRuns(app.dataSource, 20);
    }
    const scheduled = runs.find((r) => r.trigger === 'schedule')!;
    expect(scheduled).toMatchObject({ consistent: false, openCases: 3, differences: 3, temporalWorkflowId: expect.stringMatching(/^baoxue-reconciliation/) });
    expect(scheduled.report.differences.map((d) => d.kind).sort()).toEqual(['OPEN_ROW_WITHOUT_WORKFLOW', 'OPEN_ROW_WITHOUT_WORKFLOW', 'STAGE_MISMATCH']);
    // The command's runs are stored too.
    expect(runs.filter((r) => r.trigger === 'command').length).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it('is created idempotently: unchanged on a second start, updated when the interval changes, deleted when off', async () => {
    expect(await ensureReconciliationSchedule(client, { everyMs: 3_600_000 })).toBe('unchanged');
    expect(await ensureReconciliationSchedule(client, { everyMs: 15 * 60_000 })).toBe('updated');
    expect((await client.schedule.getHandle(RECONCILIATION_SCHEDULE_ID).describe()).spec.intervals?.[0].every).toBe(15 * 60_000);
    expect(await ensureReconciliationSchedule(client, { everyMs: undefined })).toBe('deleted');
    expect(await ensureReconciliationSchedule(client, { everyMs: undefined })).toBe('absent');
    expect(await ensureReconciliationSchedule(client, { everyMs: 3_600_000 })).toBe('created');
  });
});
