/**
 * The chain's documents and the evidence pack end to end: the app as `npm start` composes it (real
 * Temporal dev server, real PostgreSQL, the seconds policy), people logged in as the demo
 * accounts. The case goes from the report to legal liability, partly by the engine's own steps;
 * its documents are issued when their step has happened, and the evidence pack lists every step.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import type { RunningBaoxue } from '../../src/bootstrap';
import { shanghaiTimestamp } from '../../src/documents/shanghai-time';
import { STAGE_LABELS, EVENT_LABELS, Stage, CaseEventType } from '../../src/workflows/vocabulary';
import { as } from '../support/auth';
import { validIdNumber } from '../support/fixtures';
import { binaryBody, pdfFontNames, pdfText } from '../support/pdf-text';
import { CaseView, reportBody, startApp, testConfig, waitForCase } from '../support/running-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { expectReadModelMatchesWorkflow } from '../support/workflow-history';

let db: TestDatabase;
let app: RunningBaoxue;
let api: string;
let temporal: Client;

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  app = await startApp(testConfig({ databaseUrl: db.url }));
  api = app.apiUrl!;
  temporal = new Client({ connection: await Connection.connect({ address: app.temporalAddress }) });
}, 120_000);

afterAll(async () => {
  await temporal?.connection.close();
  await app?.stop();
  await db?.drop();
});

async function post(path: string, body: object, username: string) {
  return (await as(api, username)).post(path).send(body);
}

async function download(path: string, username = 'coordinator'): Promise<request.Response> {
  return (await as(api, username))
    .get(path)
    .buffer(true)
    .parse(binaryBody);
}

const flat = (text: string) => text.replace(/\s+/g, '');

describe('documents of a case that goes the whole chain, and its evidence pack', () => {
  let caseId: string;
  let order: { id: string; number: string };

  it('refuses the order to correct until the town office has issued the order as an action', async () => {
    const child = { ...reportBody().child, name: '张小明', idNumber: validIdNumber('2013-05-15', 'M'), birthDate: '2013-05-15', sex: 'M' };
    const reported = await post('/api/cases', { ...reportBody(), child }, 'principal');
    expect(reported.status).toBe(201);
    caseId = reported.body.id;

    const notice = await post(`/api/cases/${caseId}/documents`, { kind: 'ENROLMENT_NOTICE' }, 'principal');
    expect(notice.status).toBe(201);
    expect(notice.body.number).toMatch(/^故陵府教〔\d{4}〕\d+号$/);

    expect((await post(`/api/cases/${caseId}/actions`, { type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED', note: '家长外出务工，孩子在家' }, 'secretary')).status).toBe(200);
    expect((await post(`/api/cases/${caseId}/documents`, { kind: 'HOME_VISIT_RECORD' }, 'secretary')).status).toBe(201);
    expect((await post(`/api/cases/${caseId}/actions`, { type: 'PERSUASION_REFUSED', reason: '监护人明确拒绝送孩子返校' }, 'secretary')).status).toBe(200);

    const early = await post(`/api/cases/${caseId}/documents`, { kind: 'CORRECTION_ORDER' }, 'town');
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('DOCUMENT.NOT_AVAILABLE');
    expect((await post(`/api/cases/${caseId}/documents`, { kind: 'CRITICISM_RECORD' }, 'town')).status).toBe(201);

    const issued = await post(`/api/cases/${caseId}/actions`, { type: 'ISSUE_CORRECTION_ORDER', correctWithin: '4s', note: '当面批评教育' }, 'town');
    expect(issued.status).toBe(200);
    const res = await post(`/api/cases/${caseId}/documents`, { kind: 'CORRECTION_ORDER' }, 'town');
    expect(res.status).toBe(201);
    order = res.body;
  }, 60_000);

  it('the order downloads as a PDF that says 张小明 and its 文号 as text, in Noto Sans SC', async () => {
    const res = await download(`/api/documents/${order.id}.pdf`);
    expect(res.status).toBe(200);
    const text = flat((await pdfText(res.body)).text);
    expect(text).toContain('张小明');
    expect(text).toContain(order.number);
    expect(text).toContain('责令限期改正通知书');
    expect(pdfFontNames(res.body).every((n) => /\+NotoSansSC-(Regular|Bold)$/.test(n))).toBe(true);
    const html = await (await as(api, 'coordinator')).get(`/api/documents/${order.id}.html`);
    expect(html.text).toContain('张小明');
    expect(html.text).toContain(order.number);
  });

  it('the police may not see the documents before the case reaches legal liability, and may after', async () => {
    expect((await download(`/api/documents/${order.id}.pdf`, 'police')).status).toBe(404);
    // The order's deadline passes: the engine escalates to the justice office by itself.
    await waitForCase(api, caseId, (c) => c.stage === 'JUDICIAL_DOCUMENT', 60_000);
    expect((await post(`/api/cases/${caseId}/actions`, { type: 'ISSUE_JUDICIAL_DOCUMENT', documentNumber: '云故司〔2026〕1号' }, 'justice')).status).toBe(200);
    const cover = await post(`/api/cases/${caseId}/documents`, { kind: 'JUDICIAL_COVER' }, 'justice');
    expect(cover.status).toBe(201);
    await waitForCase(api, caseId, (c) => c.stage === 'LEGAL_LIABILITY', 60_000);
    expect((await download(`/api/documents/${order.id}.pdf`, 'police')).status).toBe(200);
  }, 150_000);

  it('the evidence pack lists every step of the case with its time, actor, reason and stages, then every document', async () => {
    const view: CaseView = (await (await as(api, 'coordinator')).get(`/api/cases/${caseId}`)).body;
    expect(view.timeline.some((e) => e.automatic)).toBe(true);
    const res = await download(`/api/cases/${caseId}/evidence-pack`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    // Named by the case, never by the child.
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(`证据链-${caseId}.pdf`)}`);
    const { text: raw, pages } = await pdfText(res.body);
    const text = flat(raw);
    for (const e of view.timeline) {
      const step =
        `${e.seq}.${shanghaiTimestamp(new Date(e.occurredAt))}${EVENT_LABELS[e.type as CaseEventType].zh}${e.automatic ? '【系统自动】' : ''}` +
        `办理人：${e.actor}阶段：${STAGE_LABELS[e.stageBefore as Stage].zh}→${STAGE_LABELS[e.stageAfter as Stage].zh}事由：${e.reason || '—'}`;
      expect(text).toContain(flat(step));
    }
    const documents = (await (await as(api, 'coordinator')).get(`/api/cases/${caseId}/documents`)).body.items as Array<{ number: string; kindLabel: { zh: string } }>;
    expect(documents.map((d) => d.kindLabel.zh)).toEqual(['义务教育入学通知书', '家访记录', '批评教育记录', '责令限期改正通知书', '司法文书送达封面']);
    for (const d of documents) expect(text).toContain(flat(`${d.kindLabel.zh}（${d.number}）`));
    expect(text).toContain('云故司〔2026〕1号');
    expect(text).toContain(`第${pages}页共${pages}页`);
    expect(text).toMatch(new RegExp(`办理经过SHA-256：${res.headers['x-timeline-sha256']}`));
  }, 60_000);
});

describe('issuing a document is a step of the timeline', () => {
  it('writes 已出具《…》 with who, when and the number, once, even when the request is repeated with its Idempotency-Key', async () => {
    const reported = await post('/api/cases', reportBody(), 'principal');
    expect(reported.status).toBe(201);
    const caseId: string = reported.body.id;
    const principal = await as(api, 'principal');
    const key = randomUUID();
    const first = await principal.post(`/api/cases/${caseId}/documents`).set('Idempotency-Key', key).send({ kind: 'ENROLMENT_NOTICE' });
    expect(first.status).toBe(201);
    const again = await principal.post(`/api/cases/${caseId}/documents`).set('Idempotency-Key', key).send({ kind: 'ENROLMENT_NOTICE' });
    expect(again.status).toBe(201);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    // A new request for the same step is refused, and still adds no step.
    const second = await principal.post(`/api/cases/${caseId}/documents`).set('Idempotency-Key', randomUUID()).send({ kind: 'ENROLMENT_NOTICE' });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('DOCUMENT.ALREADY_ISSUED');

    const view: CaseView = (await (await as(api, 'coordinator')).get(`/api/cases/${caseId}`)).body;
    const issued = view.timeline.filter((e) => e.type === 'DOCUMENT_ISSUED');
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({
      actor: '谢勇（principal）',
      automatic: false,
      stageBefore: 'HOME_VISIT',
      stageAfter: 'HOME_VISIT',
      reason: expect.stringContaining(`已出具《义务教育入学通知书》（${first.body.number}）`),
    });
    expect((issued[0] as unknown as { label: unknown }).label).toEqual(EVENT_LABELS.DOCUMENT_ISSUED);
    expect(Math.abs(Date.parse(issued[0].occurredAt) - Date.parse(first.body.issuedAt))).toBeLessThan(10_000);
    expect(issued[0].seq).toBe(2);
    // The step went the way of every other: through the case's workflow into the read model, once.
    expect(await expectReadModelMatchesWorkflow(app.dataSource, temporal, caseId, app.payloadCodec)).toBe(2);
  }, 60_000);

  it('an ended case gets no new document: 409 CASE.CLOSED, and nothing is written', async () => {
    const reported = await post('/api/cases', reportBody(), 'principal');
    const caseId: string = reported.body.id;
    expect((await post(`/api/cases/${caseId}/actions`, { type: 'RECORD_HOME_VISIT', outcome: 'NOT_RETURNED' }, 'secretary')).status).toBe(200);
    expect((await post(`/api/cases/${caseId}/actions`, { type: 'CANCEL', reason: '误报' }, 'coordinator')).status).toBe(200);
    const res = await post(`/api/cases/${caseId}/documents`, { kind: 'HOME_VISIT_RECORD' }, 'secretary');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'CASE.CLOSED', details: { kind: 'HOME_VISIT_RECORD', stage: 'CANCELLED' } });
    expect(res.body.message).toContain('案件已结束');
    expect((await (await as(api, 'coordinator')).get(`/api/cases/${caseId}/documents`)).body.items).toEqual([]);
  }, 60_000);
});
