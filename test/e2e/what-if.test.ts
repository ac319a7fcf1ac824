/**
 * What-if end to end, on a real Temporal dev server and PostgreSQL: cases seeded through the API
 * under a policy whose home visit has 10 working days, then POST /api/what-if with a draft of 5. The
 * forecast is checked against the policies' own arithmetic (working days from the opening, on the
 * case's own holiday calendar), per stage and per area; live cases are left as they were.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunningBaoxue } from '../../src/bootstrap';
import { CASE_ENGINE, CaseEngine } from '../../src/api/case-engine.port';
import { holidayCalendar } from '../../src/policy/holiday-calendar';
import { replayCase } from '../../src/what-if/forecast';
import { addWorkingDays } from '../../src/workflows/working-days';
import { as } from '../support/auth';
import { validIdNumber } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { reportBody, startApp, testConfig } from '../support/running-app';
import { DIST, runNode } from '../support/processes';
import type { BaoxueConfig } from '../../src/config';

const CURRENT_POLICY = resolve(__dirname, '..', 'fixtures', 'policy-what-if-10.json');
const current = JSON.parse(readFileSync(CURRENT_POLICY, 'utf8'));
const draft = { ...current, version: 'what-if-draft-5', stages: { ...current.stages, HOME_VISIT: { ...current.stages.HOME_VISIT, due: '5d', window: '5d' } } };

let db: TestDatabase;
let app: RunningBaoxue;
let api: string;
let config: BaoxueConfig;

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  config = testConfig({ databaseUrl: db.url, policyPath: CURRENT_POLICY });
  app = await startApp(config);
  api = app.apiUrl!;
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await db?.drop();
});

async function report(n: number, area: string): Promise<string> {
  const birthDate = `2012-06-${String(n + 1).padStart(2, '0')}`;
  const body = reportBody();
  const res = await (await as(api, 'coordinator'))
    .post('/api/cases')
    .send({ ...body, child: { ...body.child, name: `测试${n}`, idNumber: validIdNumber(birthDate, 'F'), birthDate, area } });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function act(caseId: string, action: Record<string, unknown>) {
  const res = await (await as(api, 'coordinator')).post(`/api/cases/${caseId}/actions`).send(action);
  expect(res.status).toBe(200);
  return res.body;
}

async function caseView(caseId: string) {
  return (await (await as(api, 'coordinator')).get(`/api/cases/${caseId}`).expect(200)).body;
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('what-if on real Temporal and PostgreSQL', () => {
  let fresh: string[];
  let persuading: string;
  let atGate: string;

  beforeAll(async () => {
    fresh = [await report(1, '高坪村'), await report(2, '桥亭村')];
    persuading = await report(3, '高坪村');
    await act(persuading, { type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED', note: '家长外出' });
    atGate = await report(4, '桥亭村');
    await act(atGate, { type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED', note: '家长拒绝' });
    await act(atGate, { type: 'PERSUASION_REFUSED', reason: '监护人明确拒绝送学' });
  }, 60_000);

  it('moves the home visit\'s escalation from the 10th to the 5th working day after each opening, and nothing else', async () => {
    const res = await (await as(api, 'leader')).post('/api/what-if').send({ policy: draft, weeks: 8 });
    expect(res.status).toBe(200);
    const { current: now, draft: then } = res.body;
    expect(now.policyVersion).toBe('what-if-test-10');
    expect(then.policyVersion).toBe('what-if-draft-5');
    for (const id of fresh) {
      const live = await caseView(id);
      const opened = Date.parse(live.stageEnteredAt);
      const calendar = holidayCalendar(new Date(opened));
      const toPersuasion = (summary: { cases: Array<{ caseId: string; events: Array<{ type: string; stageAfter: string; at: string }> }> }) =>
        summary.cases.find((c) => c.caseId === id)!.events.find((e) => e.type === 'AUTO_ESCALATED' && e.stageAfter === 'PERSUASION')?.at;
      // The rebuild under the case's own policy is the live case: the same window end.
      expect(live.windowEndsAt).toBe(iso(addWorkingDays(calendar, opened, 10)));
      expect(toPersuasion(now)).toBe(live.windowEndsAt);
      expect(toPersuasion(then)).toBe(iso(addWorkingDays(calendar, opened, 5)));
    }
    // The cases past the home visit keep their forecast: only the two fresh ones change.
    expect([...res.body.changedCases].sort()).toEqual([...fresh].sort());
    for (const id of [persuading, atGate]) {
      expect(then.cases.find((c: { caseId: string }) => c.caseId === id)).toEqual(now.cases.find((c: { caseId: string }) => c.caseId === id));
    }
    expect(res.body.missing).toEqual([]);
  });

  it('rebuilds each case from its history under its own policy into exactly its live timeline: the same events at the same instants', async () => {
    const engine = app.app!.get<CaseEngine>(CASE_ENGINE);
    for (const id of [...fresh, persuading, atGate]) {
      const recorded = await engine.recordedCase(id);
      const rebuilt = replayCase(recorded, recorded.input.policy, Date.now());
      const live = await caseView(id);
      expect(rebuilt.events.map((e) => [e.seq, e.type, e.occurredAt, e.stageAfter])).toEqual(live.timeline.map((e: { seq: number; type: string; occurredAt: string; stageAfter: string }) => [e.seq, e.type, e.occurredAt, e.stageAfter]));
      expect(rebuilt.notApplied).toEqual([]);
      expect(rebuilt.state.stage).toBe(live.stage);
    }
  });

  it('counts per stage and per area, with the case waiting at the legal gate named', async () => {
    const { body } = await (await as(api, 'coordinator')).post('/api/what-if').send({ policy: draft, weeks: 3 }).expect(200);
    const stage = (summary: { stages: Array<{ stage: string; now: number; atEnd: number }> }, s: string) => summary.stages.find((r) => r.stage === s);
    expect(stage(body.draft, 'HOME_VISIT')).toEqual({ stage: 'HOME_VISIT', now: 2, atEnd: 0 });
    expect(stage(body.draft, 'TOWN_CRITICISM')).toEqual({ stage: 'TOWN_CRITICISM', now: 1, atEnd: 1 });
    expect(stage(body.current, 'HOME_VISIT')).toEqual({ stage: 'HOME_VISIT', now: 2, atEnd: 0 });
    expect(body.draft.areas.map((a: { area: string; cases: number; waitingAtGate: number }) => [a.area, a.cases, a.waitingAtGate])).toEqual([
      ['GAOPING', 2, 0],
      ['QIAOTING', 2, 1],
    ]);
    // Within 3 weeks: each fresh case reaches 劝返 under both (5 and 10 working days both fall inside).
    const escalatedTo = (summary: { weeks: Array<{ week: number; escalatedTo: Record<string, number> }> }) =>
      summary.weeks.filter((w) => w.week >= 0).reduce((n, w) => n + (w.escalatedTo.PERSUASION ?? 0), 0);
    expect(escalatedTo(body.draft)).toBe(2);
    expect(escalatedTo(body.current)).toBe(2);
    const gate = body.draft.cases.find((c: { caseId: string }) => c.caseId === atGate);
    expect(gate.waitsAtGate.stage).toBe('TOWN_CRITICISM');
    expect(gate.events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['ESCALATED_TO_SUPERVISOR', 'ESCALATED_TO_LEADER']));
    expect(body.draft.casesWaitingAtGate).toBe(1);
  });

  it('refuses a draft with problems (400 POLICY.INVALID, each listed), the other roles (403), and touches no live case', async () => {
    const before = await Promise.all([...fresh, persuading, atGate].map(caseView));
    const broken = { ...draft, stages: { ...draft.stages, HOME_VISIT: { ...draft.stages.HOME_VISIT, window: 'ten days' } } };
    const bad = await (await as(api, 'leader')).post('/api/what-if').send({ policy: broken });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('POLICY.INVALID');
    expect(bad.body.message).toContain('政策草案');
    expect(bad.body.details.problems).toEqual([expect.stringContaining('stages.HOME_VISIT.window')]);
    const weeks = await (await as(api, 'leader')).post('/api/what-if').send({ policy: draft, weeks: 0 });
    expect([weeks.status, weeks.body.code]).toEqual([400, 'REQUEST.VALIDATION_FAILED']);
    const principal = await (await as(api, 'principal')).post('/api/what-if').send({ policy: draft });
    expect([principal.status, principal.body.code]).toEqual([403, 'AUTH.FORBIDDEN']);
    const after = await Promise.all([...fresh, persuading, atGate].map(caseView));
    expect(after.map((c) => [c.stage, c.timeline.map((e: { id: string }) => e.id)])).toEqual(before.map((c) => [c.stage, c.timeline.map((e: { id: string }) => e.id)]));
  });

  it('prints the same forecast from the command line, with progress, in Chinese and English (npm run what-if)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'baoxue-what-if-')), 'draft.json');
    writeFileSync(file, JSON.stringify(draft));
    const env = { DATABASE_URL: db.url, TEMPORAL_ADDRESS: app.temporalAddress, BAOXUE_DATA_DIR: config.dataDir, BAOXUE_POLICY: CURRENT_POLICY };
    const run = runNode('what-if', [join(DIST, 'what-if-main.js'), '--policy', file, '--weeks', '3'], env);
    expect((await run.exited).code).toBe(0);
    const out = run.output.join('');
    expect(out).toContain('读取案件历史 / reading case histories: 4/4');
    expect(out).toContain('现行 current: what-if-test-10  →  草案 draft: what-if-draft-5');
    expect(out).toMatch(/家访 Home visit\s+2\s+0/);
    expect(out).toMatch(/桥亭村 Qiaoting\s+2\s+1\s+1/);
    expect(out).toContain('预测有变化的案件 cases whose forecast changes: 2');

    const json = runNode('what-if', [join(DIST, 'what-if-main.js'), '--policy', file, '--weeks', '3', '--json'], env);
    expect((await json.exited).code).toBe(0);
    const api3 = (await (await as(api, 'leader')).post('/api/what-if').send({ policy: draft, weeks: 3 }).expect(200)).body;
    // Progress goes to stderr before the report; the JSON is the rest.
    const text = json.output.join('');
    const printed = JSON.parse(text.slice(text.indexOf('{\n'), text.lastIndexOf('}') + 1));
    const dates = (r: { draft: { cases: Array<{ events: Array<{ type: string; at: string }> }> } }) => r.draft.cases.map((c) => c.events.map((e) => [e.type, e.at]));
    expect(dates(printed)).toEqual(dates(api3));

    const broken = runNode('what-if', [join(DIST, 'what-if-main.js'), '--policy', file, '--weeks', '0'], env);
    expect((await broken.exited).code).toBe(2);
    expect(broken.output.join('')).toContain('--weeks must be a whole number');
  }, 60_000);
});
