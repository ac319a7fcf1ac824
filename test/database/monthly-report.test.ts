/**
 * The monthly monitoring report against the database: a town's history written through the
 * projection (the read model's only writer), a report generated for October 2026, and its figures
 * compared with the same figures counted straight from the rows, and read back from the .xlsx and
 * the PDF. Month bounds are China time: an event at 2026-10-31T16:30Z belongs to November.
 */
import { randomUUID } from 'node:crypto';
import { Workbook } from 'exceljs';
import { monthBounds } from '../../src/dashboard/china-time';
import { FIGURE_KEYS, ReportFigures } from '../../src/dashboard/reports/monthly-report';
import { generateMonthlyReport, listReports, reportFile } from '../../src/dashboard/reports/report-store';
import { projectCase } from '../../src/read-model/projection';
import { loadTown } from '../../src/read-model/town';
import type { CaseEvent } from '../../src/workflows/messages';
import type { Stage } from '../../src/workflows/vocabulary';
import { ENDINGS } from '../../src/workflows/vocabulary';
import { openCase, snapshot } from '../support/fixtures';
import { pdfText } from '../support/pdf-text';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;
const town = loadTown();

interface Step {
  at: string;
  type: CaseEvent['type'];
  to: Stage;
  automatic?: boolean;
}

/** A case whose row and events are what the workflow would have projected. */
async function history(place: { area: string; school: string; grade: number; className: string }, openedAt: string, steps: Step[]): Promise<void> {
  const { caseId, childId } = await openCase(db.dataSource, place);
  // The API writes the row when the report arrives; here the report arrived at `openedAt`.
  await db.dataSource.query(`UPDATE cases SET opened_at = $2, stage_entered_at = $2 WHERE id = $1`, [caseId, openedAt]);
  let stage: Stage = 'HOME_VISIT';
  const events: CaseEvent[] = [{ id: `${caseId}:1`, caseId, seq: 1, type: 'CASE_OPENED', automatic: false, actor: '谢勇（principal）', reason: '立案', stageBefore: 'HOME_VISIT', stageAfter: 'HOME_VISIT', occurredAt: openedAt, data: {} }];
  for (const step of steps) {
    const seq = events.length + 1;
    events.push({ id: `${caseId}:${seq}`, caseId, seq, type: step.type, automatic: step.automatic ?? false, actor: step.automatic ? 'system' : '吴家俊（secretary）', reason: step.type, stageBefore: stage, stageAfter: step.to, occurredAt: step.at, data: {} });
    stage = step.to;
  }
  const ended = (ENDINGS as readonly string[]).includes(stage);
  await projectCase(db.dataSource, {
    snapshot: snapshot(caseId, childId, {
      area: place.area,
      school: place.school,
      openedAt,
      stage,
      open: !ended,
      endedAt: ended ? events[events.length - 1].occurredAt : undefined,
      stageEnteredAt: events[events.length - 1].occurredAt,
      lastSeq: events.length,
    }),
    events,
  });
}

const primary = (area: string) => ({ area, school: 'GULING_PRIMARY', grade: 5, className: '五年级一班' });
const middle = (area: string) => ({ area, school: 'GULING_MIDDLE', grade: 8, className: '八年级一班' });

beforeAll(async () => {
  db = await createTestDatabase();
  // Opened in October, visited, returned in October: open (follow-up) at the month's end.
  await history(primary('GAOPING'), '2026-10-03T02:00:00Z', [
    { at: '2026-10-05T02:00:00Z', type: 'RECORD_HOME_VISIT', to: 'PERSUASION' },
    { at: '2026-10-20T02:00:00Z', type: 'RECORD_RETURN', to: 'RETURNED' },
  ]);
  // Opened in September, escalated twice in October, still open.
  await history(middle('QIAOTING'), '2026-09-10T02:00:00Z', [
    { at: '2026-09-13T02:00:00Z', type: 'AUTO_ESCALATED', to: 'PERSUASION', automatic: true },
    { at: '2026-10-02T02:00:00Z', type: 'AUTO_ESCALATED', to: 'TOWN_CRITICISM', automatic: true },
    { at: '2026-10-10T02:00:00Z', type: 'ESCALATED_TO_LEADER', to: 'TOWN_CRITICISM', automatic: true },
  ]);
  // Returned in August, closed at 00:30 on 1 November China time (16:30 UTC on 31 October): a November closing.
  await history(primary('BAOXING'), '2026-08-01T02:00:00Z', [
    { at: '2026-08-15T02:00:00Z', type: 'RECORD_RETURN', to: 'RETURNED' },
    { at: '2026-10-31T16:30:00Z', type: 'APPROVE_CLOSURE', to: 'CLOSED' },
  ]);
  // Opened at 23:59 on 31 October China time; cancelled in November.
  await history(middle('GAOPING'), '2026-10-31T15:59:00Z', [{ at: '2026-11-02T02:00:00Z', type: 'CANCEL', to: 'CANCELLED' }]);
  // Long over before October.
  await history(primary('HONGCHUN'), '2026-05-01T02:00:00Z', [{ at: '2026-06-01T02:00:00Z', type: 'TRANSFER', to: 'TRANSFERRED' }]);
  // Returned at the visit and closed within October.
  await history(middle('LANCAO'), '2026-10-10T02:00:00Z', [
    { at: '2026-10-11T02:00:00Z', type: 'RECORD_HOME_VISIT', to: 'RETURNED' },
    { at: '2026-10-30T02:00:00Z', type: 'APPROVE_CLOSURE', to: 'CLOSED' },
  ]);
}, 60_000);

afterAll(() => db?.drop());

/** The figures of a month counted straight from the rows, case by case, in plain code. */
async function countedFromRows(month: string, key?: { area?: string; school?: string }): Promise<Omit<ReportFigures, 'events'>> {
  const { start, end } = monthBounds(month);
  const cases: Array<{ id: string; area: string; school: string; opened_at: Date; ended_at: Date | null }> = await db.dataSource.query(`SELECT id, area, school, opened_at, ended_at FROM cases`);
  const events: Array<{ case_id: string; type: string; stage_before: string; stage_after: string; occurred_at: Date }> = await db.dataSource.query(`SELECT case_id, type, stage_before, stage_after, occurred_at FROM case_events`);
  const inMonth = (d: Date | null) => d !== null && d >= start && d < end;
  const mine = cases.filter((c) => (!key?.area || c.area === key.area) && (!key?.school || c.school === key.school));
  const eventsOf = (id: string) => events.filter((e) => e.case_id === id && inMonth(e.occurred_at) && e.stage_before !== e.stage_after);
  return {
    opened: mine.filter((c) => inMonth(c.opened_at)).length,
    returned: mine.flatMap((c) => eventsOf(c.id)).filter((e) => e.stage_after === 'RETURNED').length,
    closed: mine.filter((c) => eventsOf(c.id).some((e) => e.stage_after === 'CLOSED')).length,
    otherEndings: mine.filter((c) => eventsOf(c.id).some((e) => e.stage_after !== 'CLOSED' && (ENDINGS as readonly string[]).includes(e.stage_after))).length,
    escalations: events.filter((e) => mine.some((c) => c.id === e.case_id) && inMonth(e.occurred_at) && ['AUTO_ESCALATED', 'ESCALATED_TO_SUPERVISOR', 'ESCALATED_TO_LEADER'].includes(e.type)).length,
    openAtMonthEnd: mine.filter((c) => c.opened_at < end && (c.ended_at === null || c.ended_at >= end)).length,
  };
}

const shown = (f: ReportFigures) => Object.fromEntries(FIGURE_KEYS.map((k) => [k, f[k]]));

describe('the monthly monitoring report', () => {
  it('has the figures counted straight from the database, for the town, every area and every school', async () => {
    const { report } = await generateMonthlyReport({ dataSource: db.dataSource, town }, '2026-10', 'command');
    expect(report.nil).toBe(false);
    expect(shown(report.totals)).toEqual(await countedFromRows('2026-10'));
    // What the history above means, spelled out, so the plain count cannot be wrong in the same way.
    expect(shown(report.totals)).toEqual({ opened: 3, returned: 2, closed: 1, otherEndings: 0, escalations: 2, openAtMonthEnd: 4 });
    expect(report.areas.map((a) => a.code)).toEqual(town.areas.map((a) => a.code));
    for (const area of report.areas) expect(shown(area.figures)).toEqual(await countedFromRows('2026-10', { area: area.code }));
    expect(report.schools.map((s) => s.code)).toEqual(town.schools.map((s) => s.code));
    for (const school of report.schools) expect(shown(school.figures)).toEqual(await countedFromRows('2026-10', { school: school.code }));
  });

  it('counts by China time: a closing at 00:30 on 1 November belongs to November', async () => {
    const { report } = await generateMonthlyReport({ dataSource: db.dataSource, town }, '2026-11', 'command');
    expect(shown(report.totals)).toEqual(await countedFromRows('2026-11'));
    expect(report.totals).toMatchObject({ closed: 1, otherEndings: 1, opened: 0 });
  });

  it('writes the same figures into the .xlsx and the PDF, and stores both', async () => {
    const { report } = await generateMonthlyReport({ dataSource: db.dataSource, town }, '2026-10', 'command');
    const xlsx = await reportFile(db.dataSource, town.data.code, '2026-10', 'xlsx');
    const pdf = await reportFile(db.dataSource, town.data.code, '2026-10', 'pdf');
    expect(xlsx && pdf).toBeTruthy();

    const book = new Workbook();
    await book.xlsx.load(xlsx! as never);
    const byArea = book.getWorksheet('按责任区 By area')!;
    const gaoping = byArea.getSheetValues().find((row) => Array.isArray(row) && String(row[1]).includes('(GAOPING)')) as unknown[];
    expect(gaoping.slice(2, 2 + FIGURE_KEYS.length)).toEqual(FIGURE_KEYS.map((k) => report.areas.find((a) => a.code === 'GAOPING')!.figures[k]));
    const summary = book.getWorksheet('汇总 Summary')!;
    const returnedRow = summary.getSheetValues().find((row) => Array.isArray(row) && String(row[1]).startsWith('劝返复学（人次）')) as unknown[];
    expect(returnedRow[2]).toBe(report.totals.returned);

    const text = (await pdfText(pdf!)).text.replace(/\s+/g, '');
    expect(text).toContain('故陵镇控辍保学动态监测书面报告（2026年10月）');
    expect(text).toContain(`劝返复学（人次）/Returnstoschool：${report.totals.returned}`);
    expect(text).toContain('高坪村/Gaoping');
    expect(text).toContain('故陵中学/GulingMiddleSchool');
    expect((await listReports(db.dataSource, town.data.code)).map((r) => r.month)).toEqual(['2026-11', '2026-10']);
  });

  it('gives a nil report for a month with no cases, in both files', async () => {
    const { report, pdf } = await generateMonthlyReport({ dataSource: db.dataSource, town }, '2026-03', 'command');
    expect(report.nil).toBe(true);
    expect(shown(report.totals)).toEqual({ opened: 0, returned: 0, closed: 0, otherEndings: 0, escalations: 0, openAtMonthEnd: 0 });
    expect(report.areas.every((a) => FIGURE_KEYS.every((k) => a.figures[k] === 0))).toBe(true);
    const text = (await pdfText(pdf)).text.replace(/\s+/g, '');
    expect(text).toContain('零报告');
    const stored = await listReports(db.dataSource, town.data.code);
    expect(stored.find((r) => r.month === '2026-03')).toMatchObject({ nil: true, trigger: 'command' });
  });
});
