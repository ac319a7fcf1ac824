/**
 * The documents table on a real PostgreSQL: numbers (文号) unique and consecutive per town, year
 * and kind under concurrent issues; one document per step; an issued document is never changed.
 */
import { DocumentAlreadyIssuedError, DocumentStore, IssueRequest } from '../../src/documents/document-store';
import type { DocumentContent } from '../../src/documents/compose-document';
import { projectCase } from '../../src/read-model/projection';
import { event, openCase, snapshot, validIdNumber } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;
let store: DocumentStore;

beforeAll(async () => {
  db = await createTestDatabase();
  store = new DocumentStore(db.dataSource);
});

afterAll(async () => {
  await db?.drop();
});

/** A case with its opening step in the timeline. */
async function caseWithTimeline(): Promise<string> {
  const { caseId, childId } = await openCase(db.dataSource, { idNumber: validIdNumber() });
  await projectCase(db.dataSource, { snapshot: snapshot(caseId, childId, { lastSeq: 1 }), events: [event(caseId, 1)] });
  return caseId;
}

function request(caseId: string, overrides: Partial<IssueRequest> = {}): IssueRequest {
  return {
    town: 'GULING',
    caseId,
    kind: 'ENROLMENT_NOTICE',
    basisSeq: 1,
    prefix: '故陵府教',
    issuedAt: new Date('2026-03-08T02:00:00Z'),
    issuedBy: '谭巧玲（coordinator）',
    compose: (number) => ({ number, title: '义务教育入学通知书' }) as unknown as DocumentContent,
    ...overrides,
  };
}

describe('numbering (文号)', () => {
  it('gives 20 concurrent issues in one town and year 20 distinct consecutive numbers', async () => {
    const cases = await Promise.all(Array.from({ length: 20 }, () => caseWithTimeline()));
    const issued = await Promise.all(cases.map((caseId) => store.issue(request(caseId))));
    expect(issued.map((d) => d.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(issued.map((d) => d.number)).size).toBe(20);
    expect(issued.map((d) => d.number)).toContain('故陵府教〔2026〕20号');
    // The stored text carries the number it was given.
    for (const d of issued) expect(d.content.number).toBe(d.number);
  });

  it('counts each kind, year and town on its own', async () => {
    const caseId = await caseWithTimeline();
    const otherKind = await store.issue(request(caseId, { kind: 'HOME_VISIT_RECORD', prefix: '故陵控辍访' }));
    const nextYear = await store.issue(request(caseId, { kind: 'CRITICISM_RECORD', prefix: '故陵府批', issuedAt: new Date('2027-01-02T00:00:00Z') }));
    const otherTown = await store.issue(request(caseId, { town: 'NANXI', prefix: '南溪府教' }));
    expect([otherKind.number, nextYear.number, otherTown.number]).toEqual(['故陵控辍访〔2026〕1号', '故陵府批〔2027〕1号', '南溪府教〔2026〕1号']);
  });

  it('refuses a second document of a kind for the same step without using up a number', async () => {
    const caseId = await caseWithTimeline();
    const first = await store.issue(request(caseId, { kind: 'LEGAL_REFERRAL', prefix: '故陵府移' }));
    const twice = await Promise.allSettled([store.issue(request(caseId, { kind: 'LEGAL_REFERRAL', prefix: '故陵府移' }))]);
    expect(twice[0]).toMatchObject({ status: 'rejected', reason: expect.any(DocumentAlreadyIssuedError) });
    expect((twice[0] as PromiseRejectedResult).reason.existing.number).toBe(first.number);
    const other = await store.issue(request(await caseWithTimeline(), { kind: 'LEGAL_REFERRAL', prefix: '故陵府移' }));
    expect(other.seq).toBe(first.seq + 1);
  });

  it('lets only one of three simultaneous issues for the same step through, and gives the other number back', async () => {
    const caseId = await caseWithTimeline();
    const results = await Promise.allSettled([1, 2, 3].map(() => store.issue(request(caseId, { kind: 'JUDICIAL_COVER', prefix: '故陵司送' }))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(DocumentAlreadyIssuedError);
    const next = await store.issue(request(await caseWithTimeline(), { kind: 'JUDICIAL_COVER', prefix: '故陵司送' }));
    expect(next.number).toBe('故陵司送〔2026〕2号');
  });

  it('refuses a document for a step the timeline does not have', async () => {
    const caseId = await caseWithTimeline();
    await expect(store.issue(request(caseId, { basisSeq: 9 }))).rejects.toThrow(/documents_basis_fkey/);
  });
});

describe('an issued document', () => {
  it('is never changed or deleted (append-only), and reads back as issued', async () => {
    const caseId = await caseWithTimeline();
    const doc = await store.issue(request(caseId, { kind: 'CORRECTION_ORDER', prefix: '故陵府责改' }));
    await expect(db.dataSource.query(`UPDATE documents SET number = 'x' WHERE id = $1`, [doc.id])).rejects.toThrow(/append-only/);
    await expect(db.dataSource.query(`DELETE FROM documents WHERE id = $1`, [doc.id])).rejects.toThrow(/append-only/);
    await expect(db.dataSource.query(`TRUNCATE documents`)).rejects.toThrow(/append-only/);
    expect(await store.get(doc.id)).toEqual(doc);
    expect((await store.listForCase(caseId)).map((d) => d.id)).toEqual([doc.id]);
  });
});
