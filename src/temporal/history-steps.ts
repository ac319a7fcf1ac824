/**
 * A case workflow's history cut into its steps (an opening, an action, a timer firing), with the
 * events and workflow tasks each cost Temporal. The workflow tests assert on it (one workflow task
 * per step since v5) and `npm run bench` prints it per step kind.
 */
import type { temporal } from '@temporalio/proto';
import { temporal as proto } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export type StepKind = 'open' | 'action' | 'timer';

export interface HistoryStep {
  kind: StepKind | 'other';
  /** Event type names without the EVENT_TYPE_ prefix, in history order. */
  types: string[];
  workflowTasks: number;
}

/** EVENT_TYPE_TIMER_FIRED → TIMER_FIRED. */
export function eventTypeName(event: HistoryEvent): string {
  return (proto.api.enums.v1.EventType[event.eventType ?? 0] ?? String(event.eventType)).replace(/^EVENT_TYPE_/, '');
}

/** What starts a step: the workflow's start, a timer firing, or (for an update, which has no event of its own before it is accepted) a workflow task scheduled after the previous step's commands. */
const TRIGGERS = new Set(['WORKFLOW_EXECUTION_STARTED', 'TIMER_FIRED']);
/** Within a step before v5: the projection's activity and the workflow task that takes its result. */
const INSIDE_A_STEP = new Set(['ACTIVITY_TASK_SCHEDULED', 'ACTIVITY_TASK_STARTED', 'ACTIVITY_TASK_COMPLETED', 'ACTIVITY_TASK_FAILED', 'ACTIVITY_TASK_TIMED_OUT']);

/**
 * Steps in history order. A step begins at a trigger, or at a workflow task scheduled after the
 * previous task's commands (an update); a workflow task scheduled after an activity's result
 * belongs to the step that scheduled the activity.
 */
export function historySteps(events: readonly HistoryEvent[]): HistoryStep[] {
  const steps: HistoryStep[] = [];
  let current: HistoryStep | undefined;
  let previous = '';
  for (const event of events) {
    const type = eventTypeName(event);
    const startsStep = TRIGGERS.has(type) || (type === 'WORKFLOW_TASK_SCHEDULED' && !TRIGGERS.has(previous) && !INSIDE_A_STEP.has(previous));
    if (startsStep || !current) {
      current = { kind: 'other', types: [], workflowTasks: 0 };
      steps.push(current);
    }
    current.types.push(type);
    if (type === 'WORKFLOW_TASK_COMPLETED') current.workflowTasks++;
    if (type === 'WORKFLOW_EXECUTION_STARTED') current.kind = 'open';
    else if (type === 'TIMER_FIRED' && current.kind === 'other') current.kind = 'timer';
    else if (type === 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED' && current.kind === 'other') current.kind = 'action';
    previous = type;
  }
  return steps;
}

export interface StepCost {
  kind: StepKind;
  steps: number;
  /** Mean history events per step of this kind. */
  eventsPerStep: number;
  workflowTasksPerStep: number;
}

/** Mean events and workflow tasks per step kind, over many histories. */
export function stepCosts(histories: ReadonlyArray<readonly HistoryEvent[]>): StepCost[] {
  const sums = new Map<StepKind, { steps: number; events: number; tasks: number }>();
  for (const history of histories) {
    for (const step of historySteps(history)) {
      if (step.kind === 'other') continue;
      const sum = sums.get(step.kind) ?? { steps: 0, events: 0, tasks: 0 };
      sum.steps++;
      sum.events += step.types.length;
      sum.tasks += step.workflowTasks;
      sums.set(step.kind, sum);
    }
  }
  const round = (n: number) => Math.round(n * 10) / 10;
  return (['open', 'action', 'timer'] as const)
    .filter((kind) => sums.has(kind))
    .map((kind) => {
      const s = sums.get(kind)!;
      return { kind, steps: s.steps, eventsPerStep: round(s.events / s.steps), workflowTasksPerStep: round(s.tasks / s.steps) };
    });
}
