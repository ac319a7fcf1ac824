/**
 * Documents over HTTP (the real Nest application, a real PostgreSQL, the in-memory engine): issue,
 * list, download as PDF and HTML, refusals at the wrong step, who may issue and who may read.
 * Timelines are written through the projection, as the workflow writes them.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { seedDemoAccounts } from '../../src/api/auth/demo-accounts';
import { DEFAULT_TOWN_PATH, loadTowns } from '../../src/read-model/town';
import { projectCase } from '../../src/read-model/projection';
import type { CaseEvent } from '../../src/workflows/messages';
import type { Stage } from '../../src/workflows/vocabulary';
import { EngineUnavailableError } from '../../src/api/case-engine.port';
import { createTestApi, TestApi } from '../support/api-app';
import { as, AsUser, DEMO_PASSWORD } from '../support/auth';
import { event, openCase, snapshot, validIdNumber } from '../support/fixtures';
import { binaryBody, pdfFontNames, pdfText } from '../support/pdf-text';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const XINHE_FILE = resolve(__dirname, '..', 'fixtures', 'towns', 'xinhe.json');
const USERS = ['leader', 'deputy', 'coordinator', 'officer', 'principal', 'teacher', 'secretary', 'cadre', 'town', 'justice', 'police', 'xinhe-coordinator'] as const;

let db: TestDatabase;
let api: TestApi;
const people: Record<string, AsUser> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  // Two towns in one deployment: Guling (the demo accounts) and the test town Xinhe.
  api = await createTestApi({ dataSource: db.dataSource, towns: loadTowns([DEFAULT_TOWN_PATH, XINHE_FILE]) });
  await seedDemoAccounts(db.dataSource, DEMO_PASSWORD, [{ username: 'xinhe-coordinator', displayName: '测试统筹', role: 'COORDINATOR' }], 'XINHE');
  for (const username of USERS) people[username] = await as(api.server, username);
}, 60_000);

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

type Step = [type: string, before: Stage, after: Stage, data?: Record<string, unknown>, reason?: string];

/** 张小明 of the teacher's class (故陵小学 5 年级 五年级二班) in 高坪村, with the given steps after the opening. */
async function caseWith(steps: Step[], child: Record<string, unknown> = {}, town = 'GULING'): Promise<string> {
  const { caseId, childId } = await openCase(
    db.dataSource,
    {
      name: '张小明',
      idNumber: validIdNumber('2013-05-15', 'M'),
      birthDate: '2013-05-15',
      guardians: [{ name: '张大山', phone: '13800000000', relation: '父亲' }],
      ...child,
    },
    town,
  );
  const events: CaseEvent[] = [event(caseId, 1, { reason: '连续两周未到校' })];
  steps.forEach(([type, stageBefore, stageAfter, data = {}, reason = ''], i) =>
    events.push(event(caseId, i + 2, { type: type as CaseEvent['type'], stageBefore, stageAfter, data, reason, automatic: false, actor: '谭巧玲（coordinator）' })),
  );
  const stage = events[events.length - 1].stageAfter;
  const area = typeof child.area === 'string' ? child.area : 'GAOPING';
  await projectCase(db.dataSource, { snapshot: snapshot(caseId, childId, { stage, area, town, lastSeq: events.length }), events });
  return caseId;
}

const TO_CRITICISM: Step[] = [
  ['RECORD_HOME_VISIT', 'HOME_VISIT', 'PERSUASION', { outcome: 'NOT_RETURNED', visitedOn: '2026-03-02' }],
  ['PERSUASION_REFUSED', 'PERSUASION', 'TOWN_CRITICISM', {}, '监护人明确拒绝送孩子返校'],
];
const ORDER: Step = ['ISSUE_CORRECTION_ORDER', 'TOWN_CRITICISM', 'CORRECTION_DEADLINE', { correctWithin: '15d', correctBy: '2026-12-14T02:00:00.000Z' }];

describe('POST /api/cases/:id/documents', () => {
  it('refuses an order to correct at TOWN_CRITICISM before the order was issued as an action (409 DOCUMENT.NOT_AVAILABLE)', async () => {
    const caseId = await caseWith(TO_CRITICISM);
    const res = await people.town.post(`/api/cases/${caseId}/documents`).send({ kind: 'CORRECTION_ORDER' }).expect(409);
    expect(res.body).toMatchObject({ statusCode: 409, code: 'DOCUMENT.NOT_AVAILABLE', details: { kind: 'CORRECTION_ORDER', stage: 'TOWN_CRITICISM' } });
    expect(res.body.message).toContain('ISSUE_CORRECTION_ORDER');
    expect(res.body.messageEn).toMatch(/^Cannot issue CORRECTION_ORDER/);
    // The criticism record is due at this stage.
    await people.town.post(`/api/cases/${caseId}/documents`).send({ kind: 'CRITICISM_RECORD' }).expect(201);
  });

  it('issues the order to correct with its number, once per step, and lists it', async () => {
    const caseId = await caseWith([...TO_CRITICISM, ORDER]);
    const res = await people.town.post(`/api/cases/${caseId}/documents`).send({ kind: 'CORRECTION_ORDER' }).expect(201);
    expect(res.body).toMatchObject({ caseId, kind: 'CORRECTION_ORDER', basisSeq: 4, issuedBy: '李尚春（town）', town: 'GULING', kindLabel: { zh: '责令限期改正通知书' } });
    expect(res.body.number).toMatch(/^故陵府责改〔\d{4}〕\d+号$/);
    const again = await people.town.post(`/api/cases/${caseId}/documents`).send({ kind: 'CORRECTION_ORDER' }).expect(409);
    expect(again.body).toMatchObject({ code: 'DOCUMENT.ALREADY_ISSUED', details: { documentId: res.body.id, number: res.body.number } });
    const list = await people.coordinator.get(`/api/cases/${caseId}/documents`).expect(200);
    expect(list.body.items.map((d: { id: string }) => d.id)).toEqual([res.body.id]);
    // The issue went to the case's timeline (the workflow records one document once, however often it is sent).
    const recorded = api.engine.documents.filter((d) => d.caseId === caseId).map((d) => d.document);
    expect(recorded[0]).toEqual({ documentId: res.body.id, kind: 'CORRECTION_ORDER', kindLabel: res.body.kindLabel, number: res.body.number, issuedBy: '李尚春（town）', basisSeq: 4 });
    expect(new Set(recorded.map((d) => d.documentId))).toEqual(new Set([res.body.id]));
  });

  it('the engine down after the document was stored: 503, and the retry records that document in the timeline and answers 409', async () => {
    const caseId = await caseWith(TO_CRITICISM);
    api.engine.refuseWith = new EngineUnavailableError();
    try {
      const failed = await people.town.post(`/api/cases/${caseId}/documents`).send({ kind: 'CRITICISM_RECORD' });
      expect(failed.status).toBe(503);
    } finally {
      api.engine.refuseWith = undefined;
    }
    const retry = await people.town.post(`/api/cases/${caseId}/documents`).send({ kind: 'CRITICISM_RECORD' }).expect(409);
    expect(retry.body.code).toBe('DOCUMENT.ALREADY_ISSUED');
    const recorded = api.engine.documents.filter((d) => d.caseId === caseId).map((d) => d.document.documentId);
    expect(recorded).toEqual([retry.body.details.documentId, retry.body.details.documentId]);
  });

  it('refuses a second paper for an order numbered outside baoxue (409 DOCUMENT.NUMBERED_OUTSIDE)', async () => {
    const caseId = await caseWith([...TO_CRITICISM, [ORDER[0], ORDER[1], ORDER[2], { ...ORDER[3], orderNumber: '故府责改〔2026〕3号' }]]);
    const res = await people.town.post(`/api/cases/${caseId}/documents`).send({ kind: 'CORRECTION_ORDER' }).expect(409);
    expect(res.body).toMatchObject({ code: 'DOCUMENT.NUMBERED_OUTSIDE', details: { number: '故府责改〔2026〕3号' } });
  });

  it('refuses a kind the role does not issue (403, naming the kinds it does) and an unknown kind (400)', async () => {
    const caseId = await caseWith([...TO_CRITICISM, ORDER]);
    const res = await people.teacher.post(`/api/cases/${caseId}/documents`).send({ kind: 'CORRECTION_ORDER' }).expect(403);
    expect(res.body).toMatchObject({ code: 'AUTH.FORBIDDEN', details: { allowedKinds: ['ENROLMENT_NOTICE', 'HOME_VISIT_RECORD'] } });
    await people.town.post(`/api/cases/${caseId}/documents`).send({ kind: 'SUMMONS' }).expect(400);
  });
});

describe('who issues which kind (written out by hand, from the duties of the notice)', () => {
  const ISSUES: Record<(typeof USERS)[number], string[]> = {
    leader: [],
    deputy: [],
    coordinator: ['ENROLMENT_NOTICE', 'HOME_VISIT_RECORD', 'CRITICISM_RECORD', 'CORRECTION_ORDER', 'JUDICIAL_COVER', 'LEGAL_REFERRAL'],
    officer: ['ENROLMENT_NOTICE', 'HOME_VISIT_RECORD', 'CRITICISM_RECORD', 'CORRECTION_ORDER', 'JUDICIAL_COVER', 'LEGAL_REFERRAL'],
    principal: ['ENROLMENT_NOTICE', 'HOME_VISIT_RECORD'],
    teacher: ['ENROLMENT_NOTICE', 'HOME_VISIT_RECORD'],
    secretary: ['HOME_VISIT_RECORD'],
    cadre: ['HOME_VISIT_RECORD'],
    town: ['ENROLMENT_NOTICE', 'CRITICISM_RECORD', 'CORRECTION_ORDER'],
    justice: ['JUDICIAL_COVER', 'LEGAL_REFERRAL'],
    police: [],
    'xinhe-coordinator': [],
  };
  const KINDS = ['ENROLMENT_NOTICE', 'HOME_VISIT_RECORD', 'CRITICISM_RECORD', 'CORRECTION_ORDER', 'JUDICIAL_COVER', 'LEGAL_REFERRAL'];
  let caseId: string;

  beforeAll(async () => {
    // At legal liability with every step in its timeline, in the teacher's class and the secretary's village: every Guling role reads it.
    caseId = await caseWith([
      ...TO_CRITICISM,
      ORDER,
      ['AUTO_ESCALATED', 'CORRECTION_DEADLINE', 'JUDICIAL_DOCUMENT', {}, '改正期限届满未改正'],
      ['ISSUE_JUDICIAL_DOCUMENT', 'JUDICIAL_DOCUMENT', 'JUDICIAL_DOCUMENT', { documentNumber: '云故司〔2026〕1号' }],
      ['REFER_LEGAL_LIABILITY', 'JUDICIAL_DOCUMENT', 'LEGAL_LIABILITY', {}, '情节严重'],
    ]);
  });

  it.each(USERS)('%s', async (username) => {
    for (const kind of KINDS) {
      const res = await people[username].post(`/api/cases/${caseId}/documents`).send({ kind });
      // Allowed: issued, or already issued by an earlier role (the store was reached). Refused: 403 (404 for another town).
      const outcome = res.status === 201 || res.body.code === 'DOCUMENT.ALREADY_ISSUED' ? 'issues' : res.status;
      const refused = username === 'xinhe-coordinator' ? 404 : 403;
      expect({ kind, outcome }).toEqual({ kind, outcome: ISSUES[username].includes(kind) ? 'issues' : refused });
    }
  });

  it('left every kind issued exactly once for this case', async () => {
    const list = await people.coordinator.get(`/api/cases/${caseId}/documents`).expect(200);
    expect(list.body.items.map((d: { kind: string }) => d.kind).sort()).toEqual([...KINDS].sort());
  });
});

describe('OpenAPI', () => {
  it('documents the endpoints, the kinds and the refusals', async () => {
    const doc = (await people.coordinator.get('/api/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/cases/{id}/documents', '/api/documents/{file}', '/api/cases/{id}/evidence-pack']));
    expect(doc.components.schemas.IssueDocumentDto.properties.kind.enum).toEqual(['ENROLMENT_NOTICE', 'HOME_VISIT_RECORD', 'CRITICISM_RECORD', 'CORRECTION_ORDER', 'JUDICIAL_COVER', 'LEGAL_REFERRAL']);
    expect(JSON.stringify(doc.paths['/api/cases/{id}/documents'].post.responses['409'])).toContain('DOCUMENT.NOT_AVAILABLE');
  });
});

describe('towns', () => {
  it("another town's user finds no document, list or evidence pack of this town's cases (404)", async () => {
    const caseId = await caseWith([...TO_CRITICISM, ORDER]);
    const doc = (await people.town.post(`/api/cases/${caseId}/documents`).send({ kind: 'CORRECTION_ORDER' }).expect(201)).body;
    const other = people['xinhe-coordinator'];
    await other.get(`/api/documents/${doc.id}.pdf`).expect(404);
    await other.get(`/api/documents/${doc.id}.html`).expect(404);
    await other.get(`/api/cases/${caseId}/documents`).expect(404);
    await other.get(`/api/cases/${caseId}/evidence-pack`).expect(404);
  });

  it("a town's documents carry its own letterhead and numbers, counted apart from the other town's", async () => {
    const caseId = await caseWith(
      [...TO_CRITICISM, ORDER],
      { school: 'XINHE_SCHOOL', grade: 8, className: '八年级一班', area: 'GAOPING', name: '赵小河', guardians: [{ name: '赵大河', phone: '13700000000', relation: '父亲' }] },
      'XINHE',
    );
    const doc = (await people['xinhe-coordinator'].post(`/api/cases/${caseId}/documents`).send({ kind: 'CORRECTION_ORDER' }).expect(201)).body;
    // Xinhe's file names no prefixes: the town's name and the kind's short name; its own first number.
    expect(doc).toMatchObject({ town: 'XINHE', seq: 1, number: `测试县新河镇责改〔${doc.year}〕1号` });
    const html = (await people['xinhe-coordinator'].get(`/api/documents/${doc.id}.html`).expect(200)).text;
    expect(html).toContain('测试县新河镇人民政府');
    expect(html).toContain('新河九年制学校');
    await people.coordinator.get(`/api/documents/${doc.id}.pdf`).expect(404);
  });
});

describe('downloads', () => {
  let caseId: string;
  let doc: { id: string; number: string };

  beforeAll(async () => {
    caseId = await caseWith([...TO_CRITICISM, ORDER]);
    doc = (await people.town.post(`/api/cases/${caseId}/documents`).send({ kind: 'CORRECTION_ORDER' }).expect(201)).body;
  });

  it('GET /api/documents/:id.pdf is a PDF with the child and the number as text, in an embedded CJK font, named in UTF-8', async () => {
    const res = await people.coordinator.get(`/api/documents/${doc.id}.pdf`).buffer(true).parse(binaryBody).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="document-${doc.id}.pdf"; filename*=UTF-8''${encodeURIComponent(`责令限期改正通知书-${doc.number}.pdf`)}`,
    );
    const body = res.body as Buffer;
    const text = (await pdfText(body)).text.replace(/\s+/g, '');
    expect(text).toContain('张小明');
    expect(text).toContain(doc.number);
    expect(text).toContain('张大山（父亲）');
    expect(text).toContain('于2026年12月14日10时00分前送张小明到故陵小学复学');
    for (const name of pdfFontNames(body)) expect(name).toMatch(/\+NotoSansSC-/);
  });

  it('GET /api/documents/:id.html is the same text, printable, inline', async () => {
    const res = await people.coordinator.get(`/api/documents/${doc.id}.html`).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^inline; filename=.*filename\*=UTF-8''/);
    expect(res.text).toContain('张小明');
    expect(res.text).toContain(doc.number);
    expect(res.text).toContain('于2026年12月14日10时00分前送张小明到故陵小学复学');
  });

  it('a re-download prints the same text even after the case moved on', async () => {
    const first = await people.coordinator.get(`/api/documents/${doc.id}.html`).expect(200);
    await db.dataSource.query(`UPDATE guardians SET name = '改名了' WHERE child_id = (SELECT child_id FROM cases WHERE id = $1)`, [caseId]);
    const second = await people.coordinator.get(`/api/documents/${doc.id}.html`).expect(200);
    expect(second.text).toBe(first.text);
  });

  it("a role that may not read the case may not list or download its documents (404, like an unknown one)", async () => {
    // The police read cases at LEGAL_LIABILITY only; the case is at CORRECTION_DEADLINE.
    await people.police.get(`/api/cases/${caseId}/documents`).expect(404);
    const pdf = await people.police.get(`/api/documents/${doc.id}.pdf`).expect(404);
    expect(pdf.body.code).toBe('DOCUMENT.NOT_FOUND');
    await people.police.get(`/api/documents/${doc.id}.html`).expect(404);
    await people.police.get(`/api/cases/${caseId}/evidence-pack`).expect(404);
    // A secretary of another village, the same.
    const elsewhere = await caseWith([...TO_CRITICISM, ORDER], { area: 'HONGPING' });
    const other = (await people.town.post(`/api/cases/${elsewhere}/documents`).send({ kind: 'CORRECTION_ORDER' }).expect(201)).body;
    await people.secretary.get(`/api/documents/${other.id}.pdf`).expect(404);
    await people.secretary.get(`/api/documents/00000000-0000-4000-8000-000000000000.pdf`).expect(404);
    await people.secretary.get(`/api/documents/not-a-document.pdf`).expect(404);
  });

  it('every download is in the audit log under the case', async () => {
    const rows = await db.dataSource.query(`SELECT username, what, status, detail FROM audit_log WHERE case_id = $1 AND path LIKE '/api/documents/%' ORDER BY id`, [caseId]);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]).toMatchObject({ username: 'coordinator', what: 'READ_CASE', status: 200, detail: { document: { id: doc.id } } });
    const issued = await db.dataSource.query(`SELECT detail FROM audit_log WHERE case_id = $1 AND what = 'ACT' AND status = 201`, [caseId]);
    expect(issued[0].detail).toMatchObject({ document: { kind: 'CORRECTION_ORDER', number: doc.number } });
  });
});

describe('GET /api/cases/:id/evidence-pack', () => {
  it('masks the ID number and phones for the leading group, shows them to the coordinator', async () => {
    const caseId = await caseWith(TO_CRITICISM);
    const leader = (await pdfText((await people.leader.get(`/api/cases/${caseId}/evidence-pack`).buffer(true).parse(binaryBody).expect(200)).body)).text;
    const download = await people.coordinator.get(`/api/cases/${caseId}/evidence-pack`).buffer(true).parse(binaryBody).expect(200);
    const coordinator = (await pdfText(download.body)).text;
    expect(coordinator).toContain('张小明');
    // The file name says which case, never whose: a download folder or a mail attachment shows no child's name.
    const disposition = String(download.headers['content-disposition']);
    expect(decodeURIComponent(disposition)).toBe(`attachment; filename="evidence-pack-${caseId}.pdf"; filename*=UTF-8''证据链-${caseId}.pdf`);
    expect(decodeURIComponent(disposition)).not.toContain('张小明');
    expect(leader).toContain('138****0000');
    expect(leader).not.toContain('13800000000');
    expect(coordinator).toContain('13800000000');
  });

  it('?format=zip holds the pack, each document and timeline.json whose SHA-256 the pack prints', async () => {
    const caseId = await caseWith([...TO_CRITICISM, ORDER]);
    await people.town.post(`/api/cases/${caseId}/documents`).send({ kind: 'CORRECTION_ORDER' }).expect(201);
    const res = await people.coordinator.get(`/api/cases/${caseId}/evidence-pack?format=zip`).buffer(true).parse(binaryBody).expect(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const files = unzipStored(res.body as Buffer);
    const names = [...files.keys()];
    expect(names).toContain('timeline.json');
    expect(names.filter((n) => n === `证据链-${caseId}.pdf`)).toHaveLength(1);
    expect(names.join(' ')).not.toContain('张小明');
    expect(decodeURIComponent(String(res.headers['content-disposition']))).toContain(`filename*=UTF-8''证据链-${caseId}.zip`);
    expect(names.filter((n) => n.startsWith('文书/责令限期改正通知书-故陵府责改〔'))).toHaveLength(1);
    const timeline = files.get('timeline.json')!;
    expect(createHash('sha256').update(timeline).digest('hex')).toBe(res.headers['x-timeline-sha256']);
    expect(JSON.parse(timeline.toString('utf8')).map((s: { type: string }) => s.type)).toEqual(['CASE_OPENED', 'RECORD_HOME_VISIT', 'PERSUASION_REFUSED', 'ISSUE_CORRECTION_ORDER']);
    const pack = names.find((n) => n.startsWith('证据链-'))!;
    expect((await pdfText(files.get(pack)!)).text.replace(/\s+/g, '')).toContain(res.headers['x-timeline-sha256']);
    expect(res.headers['x-timeline-sha256']).toMatch(/^[0-9a-f]{64}$/);
    await people.coordinator.get(`/api/cases/${caseId}/evidence-pack?format=docx`).expect(400);
  });
});

/** The files of a ZIP whose entries are stored (not compressed), by walking its local headers. */
function unzipStored(zip: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (let at = 0; zip.readUInt32LE(at) === 0x04034b50; ) {
    expect(zip.readUInt16LE(at + 8)).toBe(0);
    const size = zip.readUInt32LE(at + 18);
    const nameLength = zip.readUInt16LE(at + 26);
    const extra = zip.readUInt16LE(at + 28);
    const name = zip.toString('utf8', at + 30, at + 30 + nameLength);
    const start = at + 30 + nameLength + extra;
    files.set(name, zip.subarray(start, start + size));
    at = start + size;
  }
  return files;
}
