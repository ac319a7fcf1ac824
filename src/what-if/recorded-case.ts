/**
 * A running case as its Temporal history records it: the workflow's input (facts, policy, calendar)
 * and every human input it accepted (the `act` and `documentIssued` updates), each at the workflow
 * clock of the task that took it. These are the case's inputs; everything else in its timeline
 * (reminders, escalations, stage changes by timer) the case machine derives from them, so replaying
 * them through the machine under another policy rebuilds the case as that policy would have run it.
 *
 * Why the history and not the read model's case_events: the history is the truth (the read model is
 * its projection), it alone holds the policy and calendar the case started with, and an action's
 * fields exactly as the workflow received them (case_events keeps what the projection wrote, with
 * fields added such as correctBy).
 */
import type { temporal } from '@temporalio/proto';
import { temporal as proto } from '@temporalio/proto';
import type { CaseAction, CaseWorkflowInput, IssuedDocument } from '../workflows/messages';
import { actUpdate, documentIssuedUpdate } from '../workflows/messages';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payload = temporal.api.common.v1.IPayload;

/** `patched`: the workflow's patches (src/workflows/patches.ts) the history had taken when the step ran: it ran the code they guard. */
export type RecordedStep = { at: number; patched?: string[] } & ({ action: CaseAction; document?: undefined } | { document: IssuedDocument; action?: undefined });

export interface RecordedCase {
  caseId: string;
  /** The earliest run's input still held by Temporal: the first run's, unless older runs are gone. */
  input: CaseWorkflowInput;
  /** The workflow clock of that run's first task: when openCase ran (or the carried state took over). */
  startedAt: number;
  steps: RecordedStep[];
}

const { EventType } = proto.api.enums.v1;

/** The marker the SDK records where a workflow first asks patched(id) on new code. */
const PATCH_MARKER = 'core_patch';

function millis(time: HistoryEvent['eventTime']): number {
  if (!time) return 0;
  return Number(time.seconds ?? 0) * 1000 + Math.floor((time.nanos ?? 0) / 1e6);
}

/**
 * The inputs of one case from the histories of its runs (first to last) and a decoder of payloads
 * (the app's codec and converter). An update is taken at the time of the workflow task that accepted
 * it, which is the clock its handler read; an update that completed with a failure changed nothing.
 */
export async function recordedCase(caseId: string, runs: HistoryEvent[][], decode: <T>(payload: Payload) => Promise<T>): Promise<RecordedCase> {
  let input: CaseWorkflowInput | undefined;
  let startedAt: number | undefined;
  const steps: Array<RecordedStep & { updateId: string }> = [];
  const failed = new Set<string>();
  const patched = new Set<string>();
  for (const events of runs) {
    let taskTime = 0;
    for (const e of events) {
      const marker = e.markerRecordedEventAttributes;
      if (marker?.markerName === PATCH_MARKER) {
        const data = marker.details?.['patch-data']?.payloads?.[0];
        const id = data ? (await decode<{ id?: string }>(data)).id : undefined;
        if (id) {
          patched.add(id);
          // The marker follows the task's completion: the steps of that task ran the patched code.
          for (const step of steps) if (step.at === taskTime && !step.patched!.includes(id)) step.patched!.push(id);
        }
        continue;
      }
      if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED && input === undefined) {
        const payload = e.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
        if (payload) input = await decode<CaseWorkflowInput>(payload);
      } else if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
        taskTime = millis(e.eventTime);
        startedAt ??= taskTime;
      } else if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) {
        const request = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
        const name = request?.input?.name;
        const payload = request?.input?.args?.payloads?.[0];
        const updateId = request?.meta?.updateId ?? '';
        if (!payload) continue;
        if (name === actUpdate.name) steps.push({ updateId, at: taskTime, patched: [...patched], action: await decode<CaseAction>(payload) });
        else if (name === documentIssuedUpdate.name) steps.push({ updateId, at: taskTime, patched: [...patched], document: await decode<IssuedDocument>(payload) });
      } else if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED) {
        const attrs = e.workflowExecutionUpdateCompletedEventAttributes;
        if (attrs?.outcome?.failure && attrs.meta?.updateId) failed.add(attrs.meta.updateId);
      }
    }
  }
  if (!input || startedAt === undefined) throw new Error(`the history of case ${caseId} holds no start`);
  return { caseId, input, startedAt, steps: steps.filter((s) => !failed.has(s.updateId)).map(({ updateId: _id, ...step }) => step as RecordedStep) };
}
