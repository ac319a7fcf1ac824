/**
 * One town's cross-check on real PostgreSQL (src/finding/check/cross-check.ts, without Temporal):
 * the lists a person expects from a month's sources, the ledgers and their movements, the
 * verification tasks in the class teacher's and the principal's 我的待办 (GET /api/me/tasks of the
 * real API) with an in-app notification each, and a re-run with the same data changing nothing.
 */
import { crossCheckTown, CrossCheckDeps } from '../../src/finding/check/cross-check';
import { monthOf } from '../../src/dashboard/china-time';
import { computeMonthlyReport } from '../../src/dashboard/reports/monthly-report';
import { reportXlsx } from '../../src/dashboard/reports/report-files';
import { loadFindingPolicy } from '../../src/finding/check/finding-policy';
import { loadResponsibilityChains } from '../../src/responsibility/chains';
import { loadTown } from '../../src/read-model/town';
import { schoolDays, writeSource } from '../support/finding-sources';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { createTestApi, TestApi } from '../support/api-app';
import { as } from '../support/auth';
import { InAppChannel, OutboxDispatcher } from '../../src/notifications';

const NOW = new Date('2026-11-20T10:00:00Z');
const DAYS = schoolDays('2026-11-09', 10); // 9 Nov – 20 Nov

describe('the cross-check of one town', () => {
  let db: TestDatabase;
  let api: TestApi;
  let dispatcher: OutboxDispatcher;
  let deps: CrossCheckDeps;
  let runs = 0;
  const run = () => crossCheckTown(deps, { runId: `00000000-0000-4000-8000-${String(++runs).padStart(12, '0')}`, town: 'GULING', now: NOW });

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await createTestApi({ dataSource: db.dataSource });
    dispatcher = new OutboxDispatcher(db.dataSource, [new InAppChannel(db.dataSource)]);
    const town = loadTown();
    deps = { dataSource: db.dataSource, policy: loadFindingPolicy(), chainsFor: () => loadResponsibilityChains('towns/guling.responsibility.json', town) };
    const child = (id: string, name: string, birth: string) => ({ id_number: id, name, birth_date: birth, sex: 'M' });
    await writeSource(db.dataSource, 'GULING', 'HOUSEHOLD_REGISTER', '', [
      { ...child('500235201505150019', '张小明', '2015-05-15'), area: 'GAOPING' },
      { ...child('500235201402020016', '李四', '2014-02-02'), area: 'QIAOTING' },
      { ...child('500235201503030014', '王五', '2015-03-03'), area: 'GAOPING' },
      { ...child('500235201504040012', '赵六', '2015-04-04'), area: 'BAOXING' },
    ]);
    const pupil = (id: string | null, name: string, birth: string, sn: string) => ({ school: 'GULING_PRIMARY', student_number: sn, id_number: id, name, birth_date: birth, sex: 'M', grade: 5, class_name: '五年级一班' });
    await writeSource(db.dataSource, 'GULING', 'SCHOOL_ROLL', 'GULING_PRIMARY', [
      pupil('500235201505150019', '张小明', '2015-05-15', 'G001'),
      pupil('500235201503030014', '王五', '2015-03-03', 'G002'),
      pupil('500235201504040012', '赵六', '2015-04-04', 'G003'),
      pupil('500235201606060019', '外来生', '2016-06-06', 'G004'),
    ]);
    const marks = (sn: string, name: string, absentFrom: number, reason: string | null = null) =>
      DAYS.map((day, i) => ({ school: 'GULING_PRIMARY', student_number: sn, id_number: null, name, day, absent: i >= absentFrom, reason: i >= absentFrom ? reason : null }));
    await writeSource(db.dataSource, 'GULING', 'ATTENDANCE', 'GULING_PRIMARY', [
      ...marks('G001', '张小明', 4), // 6 school days absent, no reason
      ...marks('G002', '王五', 7), // 3 days: not yet
      ...marks('G003', '赵六', 2, '病假'), // 8 days, explained
      ...marks('G004', '外来生', 99),
    ]);
    await writeSource(db.dataSource, 'GULING', 'POVERTY_LIST', '', [{ id_number: '500235201505150019', name: '张小明', birth_date: '2015-05-15', household_head: '张大山', area: 'GAOPING' }]);
  });

  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  /** A person's cross-check tasks in 我的待办, and their inbox once the dispatcher has delivered it. */
  const findingTasksOf = async (username: string, query = '') =>
    ((await (await as(api.server, username)).get(`/api/me/tasks?pageSize=100${query}`).expect(200)).body.items as Array<Record<string, any>>).filter((t) => t.source === 'FINDING');
  const inboxOf = async (username: string) => {
    await dispatcher.drain();
    return (await (await as(api.server, username)).get('/api/me/notifications?pageSize=100').expect(200)).body as { items: Array<Record<string, any>>; unread: number };
  };

  it('lists the child absent 6 school days as suspected, the one on the register and no roll as not enrolled, the roll entry without register, the poverty dropout', async () => {
    const summary = await run();
    expect(summary).toMatchObject({ registerRows: 4, rollRows: 4, matched: 3, suspected: 1, ledgers: { schoolAge: 5, suspected: 1, dropout: 0 }, movements: 1, tasks: 2 });
    const items = await db.dataSource.query(`SELECT kind, name, area, school, status FROM finding_items ORDER BY kind, name`);
    expect(items).toEqual([
      { kind: 'NOT_ENROLLED', name: '李四', area: 'QIAOTING', school: null, status: 'OPEN' },
      { kind: 'POVERTY_DROPOUT', name: '张小明', area: 'GAOPING', school: 'GULING_PRIMARY', status: 'OPEN' },
      { kind: 'ROLL_WITHOUT_REGISTER', name: '外来生', area: null, school: 'GULING_PRIMARY', status: 'OPEN' },
      { kind: 'SUSPECTED_DROPOUT', name: '张小明', area: 'GAOPING', school: 'GULING_PRIMARY', status: 'OPEN' },
    ]);
    const [suspected] = await db.dataSource.query(`SELECT evidence FROM finding_items WHERE kind = 'SUSPECTED_DROPOUT'`);
    expect(suspected.evidence).toMatchObject({ unexplainedDays: 6, runStart: DAYS[4], runEnd: DAYS[9] });
    expect(await db.dataSource.query(`SELECT name FROM ledger_suspected`)).toEqual([{ name: '张小明' }]);
    expect(await db.dataSource.query(`SELECT from_status, to_status, source FROM ledger_movements`)).toEqual([{ from_status: 'NONE', to_status: 'SUSPECTED', source: 'ATTENDANCE' }]);
    const tasks = await db.dataSource.query(`SELECT holder, link, kind FROM finding_tasks ORDER BY holder`);
    expect(tasks).toEqual([
      { holder: 'primary-g5c1', link: 'CLASS_TEACHER', kind: 'VERIFY_SUSPECTED' },
      { holder: 'principal', link: 'PRINCIPAL', kind: 'VERIFY_SUSPECTED' },
    ]);
  });

  it('puts the verification into the class teacher’s and the principal’s 我的待办, with the item, the deadline, and a notification each', async () => {
    const [item] = await db.dataSource.query(`SELECT id FROM finding_items WHERE kind = 'SUSPECTED_DROPOUT'`);
    const due = '2026-11-23T10:00:00.000Z'; // NOW + verifyDue (3 d)
    const [teacherTask] = await findingTasksOf('primary-g5c1');
    expect(teacherTask).toMatchObject({
      source: 'FINDING',
      sourceLabel: { zh: '四查比对', en: 'Cross-check' },
      findingKind: 'VERIFY_SUSPECTED',
      itemId: item.id,
      caseId: null,
      stage: null,
      stageLabel: null,
      work: { zh: expect.stringContaining('核实疑似辍学') },
      role: 'CLASS_TEACHER',
      link: { zh: '包班级教师', en: 'Class teacher' },
      holder: 'primary-g5c1',
      child: { name: '张小明', masked: false },
      area: 'GAOPING',
      dueAt: due,
      overdue: Date.now() > Date.parse(due),
    });
    expect(await findingTasksOf('primary-g5c1')).toHaveLength(1);
    expect(await findingTasksOf('principal')).toEqual([expect.objectContaining({ itemId: item.id, role: 'PRINCIPAL', link: { zh: '校长', en: 'Principal' } })]);
    expect(await findingTasksOf('teacher')).toEqual([]); // 五年级二班's teacher: not their pupil

    // The filters: no stage (a stage filter lists case tasks only), the item's area, due and overdue as case tasks.
    const ids = async (query: string) => (await findingTasksOf('primary-g5c1', query)).map((t) => t.itemId);
    expect(await ids('&stage=HOME_VISIT')).toEqual([]);
    expect(await ids('&area=GAOPING')).toEqual([item.id]);
    expect(await ids(`&area=${encodeURIComponent('桥亭村')}`)).toEqual([]);
    expect(await ids('&dueBy=2026-11-23')).toEqual([item.id]);
    expect(await ids('&dueBy=2026-11-22')).toEqual([]);
    expect(await ids(`&overdue=${Date.now() > Date.parse(due)}`)).toEqual([item.id]);

    for (const username of ['primary-g5c1', 'principal']) {
      const inbox = await inboxOf(username);
      expect(inbox.unread).toBe(1);
      expect(inbox.items).toEqual([
        expect.objectContaining({
          kind: 'TASK_ASSIGNED',
          kindLabel: { zh: '新任务', en: 'New task' },
          caseId: null,
          title: { zh: '【新任务】四查比对「核实疑似辍学」', en: '[New task] cross-check (Verify a suspected dropout)' },
          body: { zh: expect.stringContaining('期限 2026年11月23日 18:00（北京时间）'), en: expect.stringContaining('due 2026-11-23 18:00 (Beijing time)') },
        }),
      ]);
      expect(JSON.stringify(inbox.items)).not.toContain('张小明'); // notifications carry no personal data
    }
  });

  it('puts the ledgers’ counts, rates and open items into the monthly report', async () => {
    const report = await computeMonthlyReport(db.dataSource, loadTown(), monthOf(new Date()));
    expect(report.ledgers).toMatchObject({ schoolAge: 5, suspected: 1, dropouts: 0, returned: 0, returnRate: null, completionRate: 1, openItems: { NOT_ENROLLED: 1, SUSPECTED_DROPOUT: 1, POVERTY_DROPOUT: 1, ROLL_WITHOUT_REGISTER: 1 } });
    const sheet = await reportXlsx(report);
    expect(sheet.length).toBeGreaterThan(0);
  });

  it('changes nothing when run again with the same data', async () => {
    const snapshot = async () => ({
      items: await db.dataSource.query(`SELECT id, status, updated_at FROM finding_items ORDER BY id`),
      children: await db.dataSource.query(`SELECT child_key, status, updated_at FROM finding_children ORDER BY child_key`),
      movements: await db.dataSource.query(`SELECT id FROM ledger_movements ORDER BY id`),
      tasks: await db.dataSource.query(`SELECT id FROM finding_tasks ORDER BY id`),
      notifications: await db.dataSource.query(`SELECT id, delivered_at FROM notifications ORDER BY id`),
      outbox: await db.dataSource.query(`SELECT id, status FROM notification_outbox ORDER BY id`),
    });
    const before = await snapshot();
    expect(before.notifications).toHaveLength(2);
    const summary = await run();
    expect(summary.items).toMatchObject({ inserted: 0, reopened: 0, updated: 0, gone: 0 });
    expect(summary).toMatchObject({ movements: 0, tasks: 0 });
    expect(await dispatcher.drain()).toEqual({ sent: 0, retried: 0, failed: 0, skipped: 0, deferred: 0 });
    expect(await snapshot()).toEqual(before);
    // As the class teacher sees it: still the one task and the one notification.
    expect(await findingTasksOf('primary-g5c1')).toHaveLength(1);
    expect((await inboxOf('primary-g5c1')).items).toHaveLength(1);
  });

  it('keeps a cleared item cleared on a re-run, and closes an item the data no longer show', async () => {
    await db.dataSource.query(`UPDATE finding_items SET status = 'CLEARED', resolved_by = 'coordinator', resolution = 'OTHER', resolved_at = now() WHERE kind = 'ROLL_WITHOUT_REGISTER'`);
    await writeSource(db.dataSource, 'GULING', 'HOUSEHOLD_REGISTER', '', [
      { id_number: '500235201505150019', name: '张小明', birth_date: '2015-05-15', sex: 'M', area: 'GAOPING' },
      { id_number: '500235201503030014', name: '王五', birth_date: '2015-03-03', sex: 'M', area: 'GAOPING' },
      { id_number: '500235201504040012', name: '赵六', birth_date: '2015-04-04', sex: 'M', area: 'BAOXING' },
    ]); // 李四 moved away: no longer on the register
    const summary = await run();
    expect(summary.items).toMatchObject({ gone: 1, reopened: 0 });
    expect(await db.dataSource.query(`SELECT kind, status FROM finding_items WHERE kind IN ('NOT_ENROLLED', 'ROLL_WITHOUT_REGISTER') ORDER BY kind`)).toEqual([
      { kind: 'NOT_ENROLLED', status: 'GONE' },
      { kind: 'ROLL_WITHOUT_REGISTER', status: 'CLEARED' },
    ]);
  });

  it('counts a child suspected for longer than the policy allows (30 days) as dropped out, the item still open to confirm', async () => {
    await db.dataSource.query(`UPDATE finding_items SET found_at = '2026-10-01T00:00:00Z' WHERE kind = 'SUSPECTED_DROPOUT' AND status = 'OPEN'`);
    const summary = await run();
    expect(summary.ledgers).toMatchObject({ suspected: 0, dropout: 1 });
    // Every run here is at the same pinned NOW: the moves are told apart by their source.
    expect(await db.dataSource.query(`SELECT from_status, to_status FROM ledger_movements WHERE source = 'POLICY'`)).toEqual([{ from_status: 'SUSPECTED', to_status: 'DROPOUT' }]);
    expect(await db.dataSource.query(`SELECT status FROM finding_items WHERE kind = 'SUSPECTED_DROPOUT'`)).toEqual([{ status: 'OPEN' }]);
  });
});
