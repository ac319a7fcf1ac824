/** The ledger's reads: filters, the overdue rule, paging, deadline order, the timeline. */
import { createActivities } from '../../src/activities';
import { CaseScope, inCaseScope } from '../../src/access/permissions';
import { CaseListFilter, CaseQueries } from '../../src/read-model/case-queries';
import type { CaseSnapshot } from '../../src/workflows/messages';
import { event, openCase, snapshot } from '../support/fixtures';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const NOW = new Date('2024-03-10T00:00:00.000Z');
const at = (days: number) => new Date(NOW.getTime() + days * 86_400_000).toISOString();

let db: TestDatabase;
let queries: CaseQueries;
const ids: Record<string, string> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  queries = new CaseQueries(db.dataSource);
  const { projectCase } = createActivities({ dataSource: db.dataSource });
  const cases: Array<[string, Partial<CaseSnapshot>, { area: string; school: string; grade: number }]> = [
    ['overdue', { nextDeadlineAt: at(-2) }, { area: 'GAOPING', school: 'GULING_PRIMARY', grade: 3 }],
    ['dueSoon', { nextDeadlineAt: at(1), stage: 'PERSUASION' }, { area: 'GAOPING', school: 'GULING_PRIMARY', grade: 4 }],
    ['pausedPastDue', { nextDeadlineAt: at(-5), paused: true, pausedAt: at(-6) }, { area: 'GAOPING', school: 'GULING_MIDDLE', grade: 8 }],
    ['noDeadline', { nextDeadlineAt: undefined, actionDueAt: undefined, windowEndsAt: undefined, stage: 'TOWN_CRITICISM' }, { area: 'LANCAO', school: 'GULING_MIDDLE', grade: 9 }],
    ['closed', { nextDeadlineAt: at(-9), stage: 'CLOSED', open: false, endedAt: at(-8) }, { area: 'LANCAO', school: 'GULING_PRIMARY', grade: 2 }],
  ];
  for (const [name, overrides, place] of cases) {
    const { caseId, childId } = await openCase(db.dataSource, place);
    ids[name] = caseId;
    await projectCase({
      snapshot: snapshot(caseId, childId, { area: place.area, school: place.school, lastSeq: 3, ...overrides }),
      events: [event(caseId, 3), event(caseId, 1), event(caseId, 2)],
    });
  }
});

afterAll(async () => {
  await db?.drop();
});

const listIds = async (filter: Omit<CaseListFilter, 'town'>) => (await queries.list({ town: 'GULING', now: NOW, ...filter })).items.map((c) => c.id);

describe('CaseQueries.list', () => {
  it('sorts by next deadline, soonest first, cases without a deadline last', async () => {
    expect(await listIds({})).toEqual([ids.closed, ids.pausedPastDue, ids.overdue, ids.dueSoon, ids.noDeadline]);
  });

  it('calls a case overdue when its deadline has passed while it is open and not paused', async () => {
    expect(await listIds({ overdue: true })).toEqual([ids.overdue]);
    expect(await listIds({ overdue: false })).toEqual([ids.closed, ids.pausedPastDue, ids.dueSoon, ids.noDeadline]);
  });

  it('filters by area, school, stage and open', async () => {
    expect(await listIds({ area: 'LANCAO' })).toEqual([ids.closed, ids.noDeadline]);
    expect(await listIds({ school: 'GULING_MIDDLE' })).toEqual([ids.pausedPastDue, ids.noDeadline]);
    expect(await listIds({ stage: 'PERSUASION' })).toEqual([ids.dueSoon]);
    expect(await listIds({ open: false })).toEqual([ids.closed]);
    expect(await listIds({ area: 'GAOPING', school: 'GULING_PRIMARY', open: true })).toEqual([ids.overdue, ids.dueSoon]);
  });

  it('pages with the total of all matches', async () => {
    const page = await queries.list({ town: 'GULING', now: NOW, page: 2, pageSize: 2 });
    expect(page).toMatchObject({ total: 5, page: 2, pageSize: 2 });
    expect(page.items.map((c) => c.id)).toEqual([ids.overdue, ids.dueSoon]);
    expect(page.items[0].child?.name).toBe('王小明');
  });
});

describe('CaseQueries.get', () => {
  it('returns the case with its child, guardians and the timeline in seq order', async () => {
    const detail = await queries.get(ids.dueSoon);
    expect(detail?.case).toMatchObject({ id: ids.dueSoon, stage: 'PERSUASION', lastSeq: 3 });
    expect(detail?.child).toMatchObject({ grade: 4, birthDate: '2012-03-15', area: 'GAOPING' });
    expect(detail?.guardians).toEqual([expect.objectContaining({ name: '王大山', phone: '13800000000' })]);
    expect(detail?.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(detail?.events[0].occurredAt).toBeInstanceOf(Date);
  });

  it('returns undefined for an unknown case', async () => {
    expect(await queries.get('3f1c2b9e-8a47-4d55-9b1e-0c6d2f4a7e21')).toBeUndefined();
  });
});

describe('CaseQueries scope (the SQL twin of the permission module)', () => {
  const SCOPES: CaseScope[] = [
    { kind: 'ALL' },
    { kind: 'NONE' },
    { kind: 'AREA', area: 'GAOPING' },
    { kind: 'AREA', area: 'LANCAO' },
    { kind: 'SCHOOL', school: 'GULING_PRIMARY' },
    { kind: 'SCHOOL', school: 'GULING_MIDDLE' },
    { kind: 'CLASS', school: 'GULING_PRIMARY', grade: 4, className: '五年级二班' },
    { kind: 'CLASS', school: 'GULING_PRIMARY', grade: 4, className: '四年级一班' },
    { kind: 'STAGES', stages: ['TOWN_CRITICISM', 'PERSUASION'] },
    { kind: 'STAGES', stages: ['LEGAL_LIABILITY'] },
  ];

  it.each(SCOPES.map((s) => [JSON.stringify(s), s] as const))('lists exactly the cases inCaseScope admits: %s', async (_name, scope) => {
    const admitted: string[] = [];
    for (const caseId of Object.values(ids)) {
      const facts = (await queries.accessFacts(caseId))!;
      if (inCaseScope(scope, facts)) admitted.push(caseId);
    }
    const page = await queries.list({ town: 'GULING', now: NOW, scope, pageSize: 100 });
    expect(page.items.map((c) => c.id).sort()).toEqual(admitted.sort());
    expect(page.total).toBe(admitted.length);
  });

  it('applies the scope before paging and together with the filters', async () => {
    const scope: CaseScope = { kind: 'AREA', area: 'GAOPING' };
    const page = await queries.list({ town: 'GULING', now: NOW, scope, pageSize: 1, page: 2 });
    expect(page.total).toBe(3);
    expect(page.items.map((c) => c.id)).toEqual([ids.overdue]); // by deadline: pausedPastDue, overdue, dueSoon
    expect(await listIds({ scope, school: 'GULING_MIDDLE' })).toEqual([ids.pausedPastDue]);
    expect(await listIds({ scope, area: 'LANCAO' })).toEqual([]);
  });

  it('gives the facts a permission check needs', async () => {
    expect(await queries.accessFacts(ids.dueSoon)).toMatchObject({
      id: ids.dueSoon,
      town: 'GULING',
      area: 'GAOPING',
      school: 'GULING_PRIMARY',
      stage: 'PERSUASION',
      open: true,
      grade: 4,
      className: '五年级二班',
      childId: expect.any(String),
    });
    expect(await queries.accessFacts('3f1c2b9e-8a47-4d55-9b1e-0c6d2f4a7e21')).toBeUndefined();
  });
});

describe('CaseQueries: one town at a time', () => {
  it("lists one town's cases only, though another town uses the same area code", async () => {
    const { projectCase } = createActivities({ dataSource: db.dataSource });
    const other = await openCase(db.dataSource, { area: 'GAOPING', school: 'XINHE_SCHOOL' }, 'XINHE');
    await projectCase({ snapshot: snapshot(other.caseId, other.childId, { town: 'XINHE', school: 'XINHE_SCHOOL', nextDeadlineAt: at(-5), lastSeq: 1 }), events: [event(other.caseId, 1)] });

    expect(await listIds({ area: 'GAOPING' })).not.toContain(other.caseId);
    expect((await queries.list({ town: 'XINHE', now: NOW, area: 'GAOPING' })).items.map((c) => c.id)).toEqual([other.caseId]);
    expect(await queries.accessFacts(other.caseId)).toMatchObject({ town: 'XINHE', area: 'GAOPING' });
  });

  it("projects a snapshot without a town (a history from before towns) into its child's town", async () => {
    const { projectCase } = createActivities({ dataSource: db.dataSource });
    const { caseId, childId } = await openCase(db.dataSource, { area: 'GAOPING', school: 'XINHE_SCHOOL' }, 'XINHE');
    await db.dataSource.query(`DELETE FROM cases WHERE id = $1`, [caseId]); // the projection writes the row from nothing
    await projectCase({ snapshot: snapshot(caseId, childId, { school: 'XINHE_SCHOOL', lastSeq: 1 }), events: [event(caseId, 1)] });
    expect(await queries.accessFacts(caseId)).toMatchObject({ town: 'XINHE' });
  });
});
