import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the leading group's dashboard and the monthly monitoring report (动态监测书面报告) need:
 *
 * - indexes so each dashboard widget is one index-backed query at a million cases:
 *   the "live" version (max(updated_at)), opened / closed by month, open cases by area and stage,
 *   and the events that return a child to school (RETURNED entered from another stage);
 * - `monthly_reports`: one stored report per town and month (regenerating replaces it), with its
 *   figures as JSON and the .xlsx and PDF files themselves.
 */
export class DashboardAndMonthlyReports1765000000000 implements MigrationInterface {
  name = 'DashboardAndMonthlyReports1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX cases_updated_at_idx ON cases (updated_at)`);
    await q.query(`CREATE INDEX cases_opened_at_idx ON cases (opened_at)`);
    await q.query(`CREATE INDEX cases_ended_at_idx ON cases (ended_at) WHERE ended_at IS NOT NULL`);
    // Every column the open-case widgets read (matrix, headline, heatmap): index-only scans, no table visit.
    await q.query(
      `CREATE INDEX cases_open_area_stage_idx ON cases (town, area, stage, paused, next_deadline_at, stage_entered_at, action_due_at, window_ends_at) WHERE open`,
    );
    // The overdue list: a town's overdue cases in deadline order, so LIMIT 50 reads 50 index entries.
    await q.query(`CREATE INDEX cases_town_overdue_idx ON cases (town, next_deadline_at) WHERE open AND NOT paused`);
    await q.query(`
CREATE INDEX case_events_stage_changes_idx ON case_events (occurred_at) WHERE stage_before <> stage_after`);

    await q.query(`
      CREATE TABLE monthly_reports (
        id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        town          text        NOT NULL,
        month         text        NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        trigger       text        NOT NULL CHECK (trigger IN ('schedule', 'command', 'api')),
        generated_at  timestamptz NOT NULL DEFAULT now(),
        nil           boolean     NOT NULL,
        figures       jsonb       NOT NULL,
        xlsx          bytea       NOT NULL,
        pdf           bytea       NOT NULL,
        CONSTRAINT monthly_reports_town_month_key UNIQUE (town, month)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE monthly_reports`);
    await q.query(`DROP INDEX case_events_stage_changes_idx`);
    await q.query(`DROP INDEX cases_town_overdue_idx`);
    await q.query(`DROP INDEX cases_open_area_stage_idx`);
    await q.query(`DROP INDEX cases_ended_at_idx`);
    await q.query(`DROP INDEX cases_opened_at_idx`);
    await q.query(`DROP INDEX cases_updated_at_idx`);
  }
}
