/**
 * Support measures in the read model against a real PostgreSQL: the projection writes them from
 * the snapshot (forwards only, with the hold on the case row), and the education-aid list puts the
 * notice's priority groups first, inside the user's scope.
 */
import { createActivities } from '../../src/activities';
import { SupportQueries } from '../../src/read-model/support-queries';
import { CaseQueries } from '../../src/read-model/case-queries';
import type { SupportMeasureView } from '../../src/workflows/messages';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { event, openCase, snapshot } from '../support/fixtures';

let db: TestDatabase;
let activities: ReturnType<typeof createActivities>;
let queries: SupportQueries;

beforeAll(async () => {
  db = await createTestDatabase();
  activities = createActivities({ dataSource: db.dataSource });
  queries = new SupportQueries(db.dataSource);
});

afterAll(async () => {
  await db?.drop();
});

function aid(caseId: string, overrides: Partial<SupportMeasureView> = {}): SupportMeasureView {
  return { id: `${caseId}:2`, measure: 'EDUCATION_AID', owner: 'officer', dueAt: '2026-10-20T09:00:00.000Z', outcome: 'PENDING', addedAt: '2026-10-01T01:00:00.000Z', addedBy: '李尚春（officer）', updatedSeq: 2, ...overrides };
}

/** A case of a child with the given priority flags, with one education-aid measure due at `dueAt`. */
async function aidCase(flags: Partial<Record<'is_disabled' | 'has_disabled_parent' | 'is_left_behind' | 'is_registered_poor', boolean>>, dueAt: string, area = 'GAOPING') {
  const { caseId, childId } = await openCase(db.dataSource, { area });
  for (const [column, value] of Object.entries(flags)) await db.dataSource.query(`UPDATE children SET ${column} = $2 WHERE id = $1`, [childId, value]);
  await activities.projectCase({ snapshot: snapshot(caseId, childId, { area, lastSeq: 2, supportMeasures: [aid(caseId, { dueAt })] }), events: [event(caseId, 1), event(caseId, 2)] });
  return caseId;
}

describe('the projection of support measures', () => {
  it('writes each measure with its town, moves it forwards only, and keeps the hold on the case row', async () => {
    const { caseId, childId } = await openCase(db.dataSource);
    const hold = { since: '2026-10-16T01:00:00.000Z', to: 'JUDICIAL_DOCUMENT' as const, measureIds: [`${caseId}:2`], reason: { zh: '暂缓', en: 'held' } };
    await activities.projectCase({ snapshot: snapshot(caseId, childId, { lastSeq: 3, supportMeasures: [aid(caseId)], heldForSupport: hold }), events: [] });
    const decided = aid(caseId, { outcome: 'GRANTED', decidedAt: '2026-10-18T01:00:00.000Z', decidedBy: '李尚春（officer）', updatedSeq: 4 });
    await activities.projectCase({ snapshot: snapshot(caseId, childId, { lastSeq: 4, supportMeasures: [decided] }), events: [] });
    // A late, older batch changes nothing.
    await activities.projectCase({ snapshot: snapshot(caseId, childId, { lastSeq: 3, supportMeasures: [aid(caseId)], heldForSupport: hold }), events: [] });

    const rows = await db.dataSource.query(`SELECT id, town, outcome, decided_by, updated_seq FROM support_measures WHERE case_id = $1`, [caseId]);
    expect(rows).toEqual([{ id: `${caseId}:2`, town: 'GULING', outcome: 'GRANTED', decided_by: '李尚春（officer）', updated_seq: 4 }]);
    const detail = await new CaseQueries(db.dataSource).get(caseId);
    expect(detail!.supportMeasures.map((m) => m.outcome)).toEqual(['GRANTED']);
    expect(detail!.case.heldForSupport).toBeNull();
  });

  it('shows the hold on the case row while it lasts', async () => {
    const { caseId, childId } = await openCase(db.dataSource);
    const hold = { since: '2026-10-16T01:00:00.000Z', to: 'JUDICIAL_DOCUMENT' as const, measureIds: [`${caseId}:2`], reason: { zh: '暂缓', en: 'held' } };
    await activities.projectCase({ snapshot: snapshot(caseId, childId, { stage: 'CORRECTION_DEADLINE', lastSeq: 3, supportMeasures: [aid(caseId)], heldForSupport: hold }), events: [] });
    expect((await new CaseQueries(db.dataSource).get(caseId))!.case.heldForSupport).toEqual(hold);
  });
});

describe('the education-aid list', () => {
  it('puts the notice’s priority groups first, then registered poor households, then the earliest due date', async () => {
    await db.dataSource.query(`TRUNCATE support_measures`);
    const plainEarly = await aidCase({}, '2026-10-02T00:00:00.000Z');
    const poor = await aidCase({ is_registered_poor: true }, '2026-10-03T00:00:00.000Z');
    const leftBehindLate = await aidCase({ is_left_behind: true }, '2026-11-30T00:00:00.000Z');
    const disabledParent = await aidCase({ has_disabled_parent: true }, '2026-10-10T00:00:00.000Z');
    const disabled = await aidCase({ is_disabled: true, is_registered_poor: true }, '2026-11-01T00:00:00.000Z');

    const page = await queries.educationAid({ town: 'GULING', scope: { kind: 'ALL' }, outcome: 'PENDING' });
    expect(page.items.map((i) => i.caseId)).toEqual([disabled, disabledParent, leftBehindLate, poor, plainEarly]);
    expect(page.total).toBe(5);
    expect(page.items[0].child).toMatchObject({ isDisabled: true, isRegisteredPoor: true });
  });

  it('lists only the cases in the user’s scope and town, and only pending aid unless asked', async () => {
    await db.dataSource.query(`TRUNCATE support_measures`);
    const gaoping = await aidCase({}, '2026-10-02T00:00:00.000Z', 'GAOPING');
    await aidCase({}, '2026-10-02T00:00:00.000Z', 'QIAOTING');
    expect((await queries.educationAid({ town: 'GULING', scope: { kind: 'AREA', area: 'GAOPING' } })).items.map((i) => i.caseId)).toEqual([gaoping]);
    expect((await queries.educationAid({ town: 'ANOTHER_TOWN', scope: { kind: 'ALL' } })).total).toBe(0);
    expect((await queries.educationAid({ town: 'GULING', scope: { kind: 'ALL' }, outcome: 'GRANTED' })).total).toBe(0);
    expect((await queries.educationAid({ town: 'GULING', scope: { kind: 'ALL' } })).total).toBe(2);
  });
});
