/**
 * The 四个一 rhythm's scheduled tasks (src/finding/check/four-ones.ts): the quarterly re-check for the
 * leader and the town government, the term-start visits for every principal and resident cadre,
 * each period once however often the schedule fires, each holder told once by a notification.
 */
import { createFourOnesTasks, periodOf } from '../../src/finding/check/four-ones';
import { loadFindingPolicy } from '../../src/finding/check/finding-policy';
import { loadTown, loadTowns } from '../../src/read-model/town';
import { loadResponsibilityChains } from '../../src/responsibility/chains';
import { ResponsibilityDirectory } from '../../src/responsibility/directory';
import { createTestDatabase, TestDatabase } from '../support/test-database';

describe('the 四个一 tasks', () => {
  let db: TestDatabase;
  const policy = loadFindingPolicy();
  const deps = () => ({ dataSource: db.dataSource, towns: loadTowns(), policy, responsibility: new ResponsibilityDirectory([loadResponsibilityChains('towns/guling.responsibility.json', loadTown())]) });

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('names the period in China time: the quarter, or the term start on or before the day', () => {
    expect(periodOf('QUARTERLY_RECHECK', new Date('2026-09-30T17:00:00Z'), policy.fourOnes.termStarts)).toBe('2026Q4'); // 1 Oct 01:00 in China
    expect(periodOf('TERM_START_VISIT', new Date('2026-09-01T00:30:00Z'), policy.fourOnes.termStarts)).toBe('2026-09-01');
    expect(periodOf('TERM_START_VISIT', new Date('2027-02-01T00:00:00Z'), policy.fourOnes.termStarts)).toBe('2026-09-01');
    expect(periodOf('TERM_START_VISIT', new Date('2027-03-02T00:00:00Z'), policy.fourOnes.termStarts)).toBe('2027-03-01');
  });

  it('routes the quarterly re-check to the leader and the town government, once a quarter', async () => {
    const now = new Date('2026-10-01T00:00:00Z');
    expect(await createFourOnesTasks(deps(), 'QUARTERLY_RECHECK', now)).toBe(2);
    expect(await createFourOnesTasks(deps(), 'QUARTERLY_RECHECK', now)).toBe(0);
    const tasks = await db.dataSource.query(`SELECT holder, title_zh, due_at FROM finding_tasks WHERE kind = 'QUARTERLY_RECHECK' ORDER BY holder`);
    expect(tasks.map((t: { holder: string }) => t.holder)).toEqual(['leader', 'town']);
    expect(tasks[0].title_zh).toContain('季度复核（2026Q4）');
    expect(new Date(tasks[0].due_at).toISOString()).toBe('2026-10-16T00:00:00.000Z'); // 15 days
    // Each holder is told once (the second run wrote no task, so no notification), with its in-app outbox row.
    const told = await db.dataSource.query(
      `SELECT n.recipient, n.kind, n.case_id, n.title_zh, o.channel FROM notifications n JOIN notification_outbox o ON o.notification_id = n.id
       WHERE n.task_id LIKE 'QUARTERLY_RECHECK:%' ORDER BY n.recipient`,
    );
    expect(told).toEqual(
      ['leader', 'town'].map((recipient) => ({ recipient, kind: 'TASK_ASSIGNED', case_id: null, title_zh: '【新任务】四查比对「季度复核」', channel: 'in-app' })),
    );
  });

  it('sends every principal and every resident cadre on the term-start visits', async () => {
    const created = await createFourOnesTasks(deps(), 'TERM_START_VISIT', new Date('2026-09-01T00:00:00Z'));
    const holders = (await db.dataSource.query(`SELECT holder, link FROM finding_tasks WHERE kind = 'TERM_START_VISIT'`)) as Array<{ holder: string; link: string }>;
    expect(created).toBe(holders.length);
    expect(holders.filter((h) => h.link === 'PRINCIPAL').map((h) => h.holder).sort()).toEqual(['principal', 'principal-middle']);
    expect(holders.filter((h) => h.link === 'RESIDENT_CADRE').length).toBeGreaterThanOrEqual(1);
  });
});
