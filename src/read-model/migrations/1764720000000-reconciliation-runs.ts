import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Results of the reconciliation of the ledger and the case workflows (人账相符, src/reconciliation):
 * one row per run, scheduled (a Temporal Schedule) or by hand (`npm run reconcile`).
 *
 * - `report` holds the differences: case ids, stages and workflow statuses only, no personal data.
 * - `temporal_workflow_id` is set for scheduled runs: a retried activity replaces its own earlier
 *   attempt's row instead of adding one.
 * - `consistent` is exactly "no differences" (a check constraint), so a query for bad runs can trust it.
 */
export class ReconciliationRuns1764720000000 implements MigrationInterface {
  name = 'ReconciliationRuns1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reconciliation_runs (
        id                    uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        trigger               text        NOT NULL CHECK (trigger IN ('schedule', 'command')),
        temporal_workflow_id  text,
        started_at            timestamptz NOT NULL,
        finished_at           timestamptz NOT NULL,
        open_cases            integer     NOT NULL CHECK (open_cases >= 0),
        running_workflows     integer     NOT NULL CHECK (running_workflows >= 0),
        differences           integer     NOT NULL CHECK (differences >= 0),
        consistent            boolean     NOT NULL,
        report                jsonb       NOT NULL,
        CONSTRAINT reconciliation_runs_consistent_means_no_differences CHECK (consistent = (differences = 0)),
        CONSTRAINT reconciliation_runs_temporal_workflow_id_key UNIQUE (temporal_workflow_id)
      )`);
    await q.query(`CREATE INDEX reconciliation_runs_started_at_idx ON reconciliation_runs (started_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reconciliation_runs`);
  }
}
