/**
 * The case workflow's activities: its side effects. Built by a factory from their dependencies
 * (the temporalio samples' activities-dependency-injection style), so the worker passes the real
 * data source and tests pass their own:
 *
 *   const activities = createActivities({ dataSource });
 *   Worker.create({ ..., activities });
 */
import type { DataSource } from 'typeorm';
import { CaseActivities, CaseEvent, CaseSnapshot, ProjectedEvents, projectedEvents } from '../workflows/messages';
import { projectCase } from '../read-model/projection';
import type { ResponsibilityDirectory } from '../responsibility/directory';

export interface ActivityDeps {
  /** The read model, initialised and migrated. */
  dataSource: DataSource;
  /** The responsibility chains: with them the projection also writes tasks and notifications. */
  responsibility?: ResponsibilityDirectory;
}

export function createActivities({ dataSource, responsibility }: ActivityDeps) {
  return {
    /**
     * Writes the batch in one transaction: events idempotently (ON CONFLICT (id) DO NOTHING),
     * the case row only forwards (last_seq grows), tasks and notifications with deterministic ids.
     * Safe to retry any number of times. Runs as a local activity since v5 (case-workflow.ts).
     */
    async projectCase(batch: { snapshot: CaseSnapshot; events: CaseEvent[] }): Promise<ProjectedEvents> {
      await projectCase(dataSource, batch, responsibility);
      return projectedEvents(batch.events);
    },
  } satisfies CaseActivities;
}

/** What the worker registers; tests type their fakes with it. */
export type CaseActivityImplementations = ReturnType<typeof createActivities>;
