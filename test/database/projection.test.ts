/**
 * The projection activity against a real PostgreSQL: idempotent, monotonic, one transaction;
 * the timeline append-only; one open case per child, enforced by the database.
 */
import { randomUUID } from 'node:crypto';
import { createActivities } from '../../src/activities';
import { ONE_OPEN_CASE_INDEX, OpenCaseExistsError, openCaseRecord } from '../../src/read-model/case-intake';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { childInput, event, openCase, snapshot } from '../support/fixtures';

let db: TestDatabase;
let activities: ReturnType<typeof createActivities>;

beforeAll(async () => {
  db = await createTestDatabase();
  activities = createActivities({ dataSource: db.dataSource });
});

afterAll(async () => {
  await db?.drop();
});

async function caseRow(caseId: string) {
  const rows = await db.dataSource.query(`SELECT stage, last_seq, policy_version, note, allowed_actions FROM cases WHERE id = $1`, [caseId]);
  return rows[0] as { stage: string; last_seq: number; policy_version: string | null; note: string | null; allowed_actions: string[] } | undefined;
}

async function eventCount(caseId: string): Promise<number> {
  const rows = await db.dataSource.query(`SELECT count(*)::int AS n FROM case_events WHERE case_id = $1`, [caseId]);
  return rows[0].n;
}

describe('projectCase', () => {
  it('takes over the row the API wrote at report time (last_seq 0, no policy version yet)', async () => {
    const { caseId, childId } = await openCase(db.dataSource);
    expect(await caseRow(caseId)).toMatchObject({ last_seq: 0, policy_version: null });

    await activities.projectCase({ snapshot: snapshot(caseId, childId), events: [event(caseId, 1)] });

    expect(await caseRow(caseId)).toMatchObject({ last_seq: 1, policy_version: 'guling-2023.1', stage: 'HOME_VISIT' });
    expect(await eventCount(caseId)).toBe(1);
  });

  it('a retried batch writes no second event row and leaves the case row as it was', async () => {
    const { caseId, childId } = await openCase(db.dataSource);
    const batch = {
      snapshot: snapshot(caseId, childId, { lastSeq: 2, stage: 'PERSUASION' }),
      events: [event(caseId, 1), event(caseId, 2, { type: 'RECORD_HOME_VISIT', stageAfter: 'PERSUASION' })],
    };
    await activities.projectCase(batch);
    await activities.projectCase(batch);
    await activities.projectCase(structuredClone(batch));

    expect(await eventCount(caseId)).toBe(2);
    expect(await caseRow(caseId)).toMatchObject({ last_seq: 2, stage: 'PERSUASION' });
  });

  it('never moves the case row backwards when an older batch arrives late', async () => {
    const { caseId, childId } = await openCase(db.dataSource);
    const older = { snapshot: snapshot(caseId, childId, { lastSeq: 2, stage: 'HOME_VISIT', note: 'older' }), events: [event(caseId, 1), event(caseId, 2)] };
    const newer = {
      snapshot: snapshot(caseId, childId, { lastSeq: 3, stage: 'PERSUASION', note: 'newer', allowedActions: ['RECORD_PERSUASION'] }),
      events: [event(caseId, 3, { stageAfter: 'PERSUASION' })],
    };
    await activities.projectCase(newer);
    await activities.projectCase(older);

    expect(await caseRow(caseId)).toMatchObject({ last_seq: 3, stage: 'PERSUASION', note: 'newer', allowed_actions: ['RECORD_PERSUASION'] });
    // The late batch's events still land: the timeline is complete, the row is not regressed.
    expect(await eventCount(caseId)).toBe(3);
  });

  it('concurrent batches of one case end at the highest seq, whatever order they commit in', async () => {
    const { caseId, childId } = await openCase(db.dataSource);
    const batches = [1, 2, 3, 4, 5].map((seq) => ({
      snapshot: snapshot(caseId, childId, { lastSeq: seq, note: `seq ${seq}` }),
      events: [event(caseId, seq)],
    }));
    await Promise.all([...batches].reverse().map((b) => activities.projectCase(b)));
    await Promise.all(batches.map((b) => activities.projectCase(b)));

    expect(await caseRow(caseId)).toMatchObject({ last_seq: 5, note: 'seq 5' });
    expect(await eventCount(caseId)).toBe(5);
  });

  it('inserts the case row when none exists yet', async () => {
    const { childId } = await openCase(db.dataSource);
    // Close the child's open case first: the new row is open too.
    await db.dataSource.query(`UPDATE cases SET stage = 'CANCELLED', open = false WHERE child_id = $1`, [childId]);
    const caseId = randomUUID();
    await activities.projectCase({ snapshot: snapshot(caseId, childId, { lastSeq: 1 }), events: [event(caseId, 1)] });

    expect(await caseRow(caseId)).toMatchObject({ last_seq: 1, stage: 'HOME_VISIT' });
  });

  it('writes a batch all or nothing: a bad event leaves neither the events nor the case row', async () => {
    const { caseId, childId } = await openCase(db.dataSource);
    await activities.projectCase({ snapshot: snapshot(caseId, childId), events: [event(caseId, 1)] });
    const bad = {
      snapshot: snapshot(caseId, childId, { lastSeq: 3, stage: 'PERSUASION' }),
      events: [event(caseId, 2), event(caseId, 3, { stageAfter: 'NOT_A_STAGE' as never })],
    };
    await expect(activities.projectCase(bad)).rejects.toThrow(/case_events_stage_after_check|check constraint/);

    expect(await caseRow(caseId)).toMatchObject({ last_seq: 1, stage: 'HOME_VISIT' });
    expect(await eventCount(caseId)).toBe(1);
  });

  it('refuses an event whose id is not `${caseId}:${seq}`', async () => {
    const { caseId, childId } = await openCase(db.dataSource);
    await expect(
      activities.projectCase({ snapshot: snapshot(caseId, childId), events: [event(caseId, 1, { id: `${caseId}:99` })] }),
    ).rejects.toThrow(/case_events_id_is_case_and_seq/);
  });
});

describe('case_events is append-only', () => {
  let caseId: string;

  beforeAll(async () => {
    const opened = await openCase(db.dataSource);
    caseId = opened.caseId;
    await activities.projectCase({ snapshot: snapshot(caseId, opened.childId, { lastSeq: 2 }), events: [event(caseId, 1), event(caseId, 2)] });
  });

  it('refuses an UPDATE', async () => {
    await expect(db.dataSource.query(`UPDATE case_events SET reason = 'rewritten' WHERE case_id = $1`, [caseId])).rejects.toThrow(
      /append-only: UPDATE/,
    );
  });

  it('refuses a DELETE', async () => {
    await expect(db.dataSource.query(`DELETE FROM case_events WHERE case_id = $1`, [caseId])).rejects.toThrow(/append-only: DELETE/);
  });

  it('refuses a TRUNCATE, even one that cascades past the tables referencing it', async () => {
    // Without CASCADE, documents' foreign key refuses first; with it, only the trigger stands in the way.
    await expect(db.dataSource.query(`TRUNCATE case_events CASCADE`)).rejects.toThrow(/append-only: TRUNCATE/);
  });

  it('keeps its case: a case with events cannot be deleted', async () => {
    await expect(db.dataSource.query(`DELETE FROM cases WHERE id = $1`, [caseId])).rejects.toThrow(/foreign key/);
    expect(await eventCount(caseId)).toBe(2);
  });
});

describe('one child, at most one open case', () => {
  it('the partial unique index refuses a second open case for the same child', async () => {
    const { childId } = await openCase(db.dataSource);
    const insert = () =>
      db.dataSource.query(
        `INSERT INTO cases (id, town, child_id, cause, area, school, stage, opened_at, opened_by, stage_entered_at)
         VALUES ($1, 'GULING', $2, 'POVERTY', 'GAOPING', 'GULING_PRIMARY', 'HOME_VISIT', now(), 'x', now())`,
        [randomUUID(), childId],
      );
    await expect(insert()).rejects.toMatchObject({ code: '23505', constraint: ONE_OPEN_CASE_INDEX });
  });

  it('allows a new case once the earlier one has ended', async () => {
    const child = childInput();
    const first = await openCaseRecord(db.dataSource, { caseId: randomUUID(), town: 'GULING', child, cause: 'POVERTY', openedAt: new Date().toISOString(), openedBy: 'x' });
    await db.dataSource.query(`UPDATE cases SET stage = 'CLOSED', open = false, ended_at = now() WHERE id = $1`, [first.id]);
    const second = await openCaseRecord(db.dataSource, { caseId: randomUUID(), town: 'GULING', child, cause: 'ILLNESS', openedAt: new Date().toISOString(), openedBy: 'x' });

    expect(second.childId).toBe(first.childId);
    expect(second.open).toBe(true);
  });

  it('of two concurrent raw inserts for one child, exactly one commits', async () => {
    const { childId } = await openCase(db.dataSource);
    await db.dataSource.query(`UPDATE cases SET stage = 'CANCELLED', open = false WHERE child_id = $1`, [childId]);
    const runners = [db.dataSource.createQueryRunner(), db.dataSource.createQueryRunner()];
    try {
      await Promise.all(runners.map((r) => r.startTransaction()));
      const attempts = runners.map((r) =>
        r
          .query(
            `INSERT INTO cases (id, town, child_id, cause, area, school, stage, opened_at, opened_by, stage_entered_at)
             VALUES ($1, 'GULING', $2, 'POVERTY', 'GAOPING', 'GULING_PRIMARY', 'HOME_VISIT', now(), 'x', now())`,
            [randomUUID(), childId],
          )
          .then(() => r.commitTransaction()),
      );
      const results = await Promise.allSettled(attempts);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toMatchObject({ code: '23505', constraint: ONE_OPEN_CASE_INDEX });
    } finally {
      for (const r of runners) {
        if (r.isTransactionActive) await r.rollbackTransaction();
        await r.release();
      }
    }
    const open = await db.dataSource.query(`SELECT count(*)::int AS n FROM cases WHERE child_id = $1 AND open`, [childId]);
    expect(open[0].n).toBe(1);
  });

  it('of two concurrent reports of a new child, one opens the case and the other learns its id', async () => {
    const child = childInput();
    const report = () =>
      openCaseRecord(db.dataSource, { caseId: randomUUID(), town: 'GULING', child, cause: 'POVERTY', openedAt: new Date().toISOString(), openedBy: 'x' });
    const results = await Promise.allSettled([report(), report()]);

    const opened = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof report>>> => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(opened).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0].reason).toBeInstanceOf(OpenCaseExistsError);
    expect(refused[0].reason.openCaseId).toBe(opened[0].value.id);
    const children = await db.dataSource.query(`SELECT count(*)::int AS n FROM children WHERE id_number = $1`, [child.idNumber]);
    expect(children[0].n).toBe(1);
  });
});
