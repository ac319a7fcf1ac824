import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A monthly roll-up for the dashboard: per town, area, school and month (China time), cases opened,
 * returns to school (an event entering RETURNED from another stage) and closings (销号). The trend
 * and the yearly figures then read at most 12 × areas × schools rows instead of a year of cases
 * and events (scripts/measure-dashboard.ts: at 200,000 cases the live trend took 230 ms).
 *
 * Kept by statement-level triggers with transition tables, so a bulk insert of a million rows costs
 * one grouped upsert, and the projection (the only writer of cases and events) needs no change:
 * - cases INSERT / DELETE: + / − opened (month of opened_at), and closed (month of ended_at) when CLOSED;
 * - cases UPDATE: the difference between the old and the new row's contributions;
 * - case_events INSERT: + returned (events are append-only).
 * The migration fills it from the rows already there.
 */
export class DashboardMonthlyRollup1765000000001 implements MigrationInterface {
  name = 'DashboardMonthlyRollup1765000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dashboard_monthly (
        town      text    NOT NULL,
        month     text    NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        area      text    NOT NULL,
        school    text    NOT NULL,
        opened    integer NOT NULL DEFAULT 0,
        returned  integer NOT NULL DEFAULT 0,
        closed    integer NOT NULL DEFAULT 0,
        PRIMARY KEY (town, month, area, school)
      )`);
    await q.query(`
      CREATE FUNCTION baoxue_china_month(at timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT to_char((at AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM')
      $$`);
    // Adds grouped deltas (town, month, area, school, opened, returned, closed) from a query.
    const upsert = (deltas: string) => `
      INSERT INTO dashboard_monthly (town, month, area, school, opened, returned, closed)
      SELECT town, month, area, school, sum(opened), sum(returned), sum(closed) FROM (${deltas}) d
       GROUP BY town, month, area, school
      ON CONFLICT (town, month, area, school) DO UPDATE SET
        opened = dashboard_monthly.opened + EXCLUDED.opened,
        returned = dashboard_monthly.returned + EXCLUDED.returned,
        closed = dashboard_monthly.closed + EXCLUDED.closed`;
    // A set of case rows' contributions, with a sign.
    const contributions = (rows: string, sign: string) => `
      SELECT r.town, baoxue_china_month(r.opened_at) AS month, r.area, r.school, ${sign} AS opened, 0 AS returned, 0 AS closed FROM ${rows} r
      UNION ALL
      SELECT r.town, baoxue_china_month(r.ended_at), r.area, r.school, 0, 0, ${sign} FROM ${rows} r WHERE r.stage = 'CLOSED' AND r.ended_at IS NOT NULL`;

    await q.query(`
      CREATE FUNCTION dashboard_monthly_cases_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${upsert(contributions('new_rows', '1'))};
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION dashboard_monthly_cases_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${upsert(contributions('old_rows', '-1'))};
        RETURN NULL;
      END $$`);
    // Only rows whose contribution changed (town, area, school, opening month, closing): most projections change none.
    const changed = `(SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE (o.town, o.area, o.school, o.opened_at, o.stage = 'CLOSED', o.ended_at) IS DISTINCT FROM (n.town, n.area, n.school, n.opened_at, n.stage = 'CLOSED', n.ended_at))`;
    const changedNew = changed.replace('SELECT o.*', 'SELECT n.*');
    await q.query(`
      CREATE FUNCTION dashboard_monthly_cases_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${upsert(`${contributions(changed, '-1')} UNION ALL ${contributions(changedNew, '1')}`)};
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION dashboard_monthly_events_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${upsert(`SELECT c.town, baoxue_china_month(e.occurred_at) AS month, c.area, c.school, 0 AS opened, 1 AS returned, 0 AS closed
                    FROM new_rows e JOIN cases c ON c.id = e.case_id
                   WHERE e.stage_before <> e.stage_after AND e.stage_after = 'RETURNED'`)};
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER dashboard_monthly_cases_insert AFTER INSERT ON cases REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_monthly_cases_inserted()`);
    await q.query(`CREATE TRIGGER dashboard_monthly_cases_delete AFTER DELETE ON cases REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_monthly_cases_deleted()`);
    await q.query(`CREATE TRIGGER dashboard_monthly_cases_update AFTER UPDATE ON cases REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_monthly_cases_updated()`);
    await q.query(`CREATE TRIGGER dashboard_monthly_events_insert AFTER INSERT ON case_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_monthly_events_inserted()`);

    // What is already there.
    await q.query(upsert(`${contributions('cases', '1')}
      UNION ALL
      SELECT c.town, baoxue_china_month(e.occurred_at), c.area, c.school, 0, 1, 0
        FROM case_events e JOIN cases c ON c.id = e.case_id
       WHERE e.stage_before <> e.stage_after AND e.stage_after = 'RETURNED'`));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER dashboard_monthly_events_insert ON case_events`);
    await q.query(`DROP TRIGGER dashboard_monthly_cases_update ON cases`);
    await q.query(`DROP TRIGGER dashboard_monthly_cases_delete ON cases`);
    await q.query(`DROP TRIGGER dashboard_monthly_cases_insert ON cases`);
    await q.query(`DROP FUNCTION dashboard_monthly_events_inserted()`);
    await q.query(`DROP FUNCTION dashboard_monthly_cases_updated()`);
    await q.query(`DROP FUNCTION dashboard_monthly_cases_deleted()`);
    await q.query(`DROP FUNCTION dashboard_monthly_cases_inserted()`);
    await q.query(`DROP FUNCTION baoxue_china_month(timestamptz)`);
    await q.query(`DROP TABLE dashboard_monthly`);
  }
}
