import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for what the leading group's dashboard asks, measured by `npm run bench` at 1,000,000
 * cases (README, Performance): each lets PostgreSQL answer from a small index instead of reading
 * every case.
 * - open cases by area and stage: only the open cases, in (area, stage) order, counted from the index
 *   (160 → 60 ms p50; the dashboard's overview reads the roll-up of migration 1765050001000);
 * - overdue cases by area: the open, unpaused cases by area and deadline (130 → 15 ms p50).
 * (The monthly trend is counted in a roll-up table instead, migration 1765050001000.)
 * Declared on CaseEntity too, so the schema test sees entities and migrations agree.
 */
export class DashboardIndexes1765050000000 implements MigrationInterface {
  name = 'DashboardIndexes1765050000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX cases_open_area_stage_idx ON cases (area, stage) WHERE open`);
    await q.query(`CREATE INDEX cases_overdue_area_idx ON cases (area, next_deadline_at) WHERE open AND NOT paused`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX cases_overdue_area_idx`);
    await q.query(`DROP INDEX cases_open_area_stage_idx`);
  }
}
