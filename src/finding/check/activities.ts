/**
 * The activities of the cross-check and the 四个一 workflows (src/workflows/cross-check-workflow.ts),
 * built from their dependencies like the case activities.
 */
import { Context, log } from '@temporalio/activity';
import type { DataSource } from 'typeorm';
import type { Towns } from '../../read-model/town';
import type { ResponsibilityDirectory } from '../../responsibility/directory';
import type { CrossCheckActivities, FourOnesActivities } from '../../workflows/cross-check-messages';
import { crossCheckTown } from './cross-check';
import type { FindingPolicy } from './finding-policy';
import { createFourOnesTasks } from './four-ones';

export interface FindingActivityDeps {
  dataSource: DataSource;
  towns: Towns;
  responsibility: ResponsibilityDirectory;
  policy: FindingPolicy;
}

export function createCrossCheckActivities(deps: FindingActivityDeps) {
  return {
    async crossCheckTowns() {
      return deps.towns.all.map((t) => t.code);
    },

    async beginCrossCheckRun({ town, trigger, requestedBy, pass }) {
      const execution = Context.current().info.workflowExecution!;
      const [row] = await deps.dataSource.query(
        `INSERT INTO cross_check_runs (town, trigger, requested_by, temporal_workflow_id, policy_version, status)
         VALUES ($1, $2, $3, $4, $5, 'RUNNING')
         ON CONFLICT (temporal_workflow_id, town) DO UPDATE SET status = 'RUNNING'
         RETURNING id`,
        [town, trigger, requestedBy ?? null, `${execution.workflowId}/${execution.runId}/${pass}`, deps.policy.version],
      );
      return { runId: row.id as string };
    },

    async crossCheckTown({ runId, town }) {
      const started = Date.now();
      const summary = await crossCheckTown(
        { dataSource: deps.dataSource, policy: deps.policy, chainsFor: (t) => deps.responsibility.chainsFor(t), channels: deps.responsibility.channels },
        { runId, town, now: new Date(), progress: (phase, rows) => Context.current().heartbeat({ phase, rows }) },
      );
      // Counts only: no names or ID numbers in logs.
      log.info('四查三比对完成 / cross-check done', { town, runId, ms: Date.now() - started, open: summary.items.open, suspected: summary.suspected, movements: summary.movements });
      return summary;
    },

    async finishCrossCheckRun({ runId, summary, error }) {
      await deps.dataSource.query(
        `UPDATE cross_check_runs SET status = $2, finished_at = now(), summary = $3 WHERE id = $1`,
        [runId, error ? 'FAILED' : 'DONE', JSON.stringify(error ? { error } : summary)],
      );
    },
  } satisfies CrossCheckActivities;
}

export function createFourOnesActivities(deps: FindingActivityDeps) {
  return {
    async createFourOnesTasks({ kind }) {
      const created = await createFourOnesTasks(deps, kind, new Date());
      log.info('四个一任务已生成 / 四个一 tasks created', { kind, created });
      return { created };
    },
  } satisfies FourOnesActivities;
}
