/**
 * The dashboard's roll-up tables (migration 1765050001000) against a real PostgreSQL: after reports,
 * projections that move and end cases, and a report withdrawn, they hold exactly what counting the
 * cases themselves gives.
 */
import { createActivities } from '../../src/activities';
import { randomUUID } from 'node:crypto';
import { deleteUnstartedCase, openCaseRecord } from '../../src/read-model/case-intake';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { childInput, event, snapshot } from '../support/fixtures';

let db: TestDatabase;
let activities: ReturnType<typeof createActivities>;

beforeAll(async () => {
  db = await createTestDatabase();
  activities = createActivities({ dataSource: db.dataSource });
});

afterAll(async () => {
  await db?.drop();
});

/** Open cases by area, school and stage: from the roll-up, and counted from the cases. */
async function openCounts() {
  const rollup = await db.dataSource.query(`SELECT town, area, school, stage, n FROM open_case_counts WHERE n > 0 ORDER BY 1, 2, 3, 4`);
  const counted = await db.dataSource.query(`SELECT town, area, school, stage, count(*)::int AS n FROM cases WHERE open GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`);
  return { rollup, counted };
}

/** Opened and ended per month (China time), area and school: from the roll-up, and counted. */
async function monthCounts() {
  const rollup = await db.dataSource.query(
    `SELECT to_char(month, 'YYYY-MM') AS month, area, school, opened, ended FROM case_month_counts WHERE opened > 0 OR ended > 0 ORDER BY 1, 2, 3`,
  );
  const counted = await db.dataSource.query(`
    SELECT to_char(month, 'YYYY-MM') AS month, area, school, sum(opened)::int AS opened, sum(ended)::int AS ended FROM (
      SELECT date_trunc('month', opened_at AT TIME ZONE 'Asia/Shanghai') AS month, area, school, 1 AS opened, 0 AS ended FROM cases
      UNION ALL
      SELECT date_trunc('month', ended_at AT TIME ZONE 'Asia/Shanghai'), area, school, 0, 1 FROM cases WHERE NOT open AND ended_at IS NOT NULL
    ) c GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
  return { rollup, counted };
}

/** A report as the API writes it, opened at 01:00 on 1 April in China (17:00 UTC the day before): its month is April. */
async function openCase(child: Parameters<typeof childInput>[0]) {
  const caseId = randomUUID();
  const row = await openCaseRecord(db.dataSource, { caseId, child: childInput(child), cause: 'POVERTY', openedAt: OPENED_AT, openedBy: '张老师', town: 'GULING' });
  return { caseId, childId: row.childId };
}
const OPENED_AT = '2024-03-31T17:00:00.000Z';

it('open cases by area × school × stage and the monthly opened / ended counts follow every report, stage change, ending and withdrawal', async () => {
  const gaoping = await openCase({ area: 'GAOPING' });
  const lancao = await openCase({ area: 'LANCAO', school: 'GULING_MIDDLE', grade: 8 });
  const withdrawn = await openCase({ area: 'LANCAO' });
  const base = (c: { caseId: string; childId: string }, area: string, school: string) => snapshot(c.caseId, c.childId, { area, school, openedAt: OPENED_AT });

  await activities.projectCase({ snapshot: base(gaoping, 'GAOPING', 'GULING_PRIMARY'), events: [event(gaoping.caseId, 1)] });
  await activities.projectCase({ snapshot: base(lancao, 'LANCAO', 'GULING_MIDDLE'), events: [event(lancao.caseId, 1)] });
  expect((await openCounts()).rollup).toEqual((await openCounts()).counted);

  // Moves on, then ends in May.
  await activities.projectCase({
    snapshot: { ...base(gaoping, 'GAOPING', 'GULING_PRIMARY'), stage: 'PERSUASION', lastSeq: 2 },
    events: [event(gaoping.caseId, 2, { type: 'AUTO_ESCALATED', stageAfter: 'PERSUASION' })],
  });
  await activities.projectCase({
    snapshot: { ...base(gaoping, 'GAOPING', 'GULING_PRIMARY'), stage: 'CANCELLED', open: false, endedAt: '2024-05-10T02:00:00.000Z', lastSeq: 3 },
    events: [event(gaoping.caseId, 3, { type: 'CANCEL', stageBefore: 'PERSUASION', stageAfter: 'CANCELLED' })],
  });
  // The report whose workflow could not start is removed again.
  expect(await deleteUnstartedCase(db.dataSource, withdrawn.caseId)).toBe(true);

  const open = await openCounts();
  expect(open.rollup).toEqual(open.counted);
  expect(open.rollup).toEqual([{ town: 'GULING', area: 'LANCAO', school: 'GULING_MIDDLE', stage: 'HOME_VISIT', n: 1 }]);
  const months = await monthCounts();
  expect(months.rollup).toEqual(months.counted);
  expect(months.rollup).toEqual([
    { month: '2024-04', area: 'GAOPING', school: 'GULING_PRIMARY', opened: 1, ended: 0 },
    { month: '2024-04', area: 'LANCAO', school: 'GULING_MIDDLE', opened: 1, ended: 0 },
    { month: '2024-05', area: 'GAOPING', school: 'GULING_PRIMARY', opened: 0, ended: 1 },
  ]);
});
