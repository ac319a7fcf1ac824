/**
 * What a case's workflow handed to its projection (activity, or local activity since v5), read back from Temporal's history:
 * the truth the read model must match (every event once, in order). Payloads are decrypted with the
 * app's payload codec when it has one.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, Payload, PayloadCodec } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import type { CaseEvent, ProjectedEvents } from '../../src/workflows/messages';
import { runHistories } from '../../src/temporal/case-histories';

/** The app's payload codec, when the app encrypts (src/temporal/codec). */
export function payloadCodecOf(app: object): PayloadCodec | undefined {
  return (app as { payloadCodec?: PayloadCodec }).payloadCodec;
}

/** The marker the SDK records for a local activity (the projection since v5): its data and its result. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

type HistoryEvent = NonNullable<Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']>[number];

async function decode<T>(payload: unknown, codec?: PayloadCodec): Promise<T> {
  const [decoded] = codec ? await codec.decode([payload as Payload]) : [payload as Payload];
  return defaultPayloadConverter.fromPayload<T>(decoded);
}

/** A projection the history records: an activity's input (before v5) or a local activity's result (since v5). */
async function projectedBatch(e: HistoryEvent, codec?: PayloadCodec): Promise<CaseEvent[] | undefined> {
  const scheduled = e.activityTaskScheduledEventAttributes?.input?.payloads?.[0];
  if (scheduled) return (await decode<{ events?: CaseEvent[] }>(scheduled, codec)).events ?? [];
  const marker = e.markerRecordedEventAttributes;
  const result = marker?.markerName === LOCAL_ACTIVITY_MARKER ? marker.details?.result?.payloads?.[0] : undefined;
  if (result) return (await decode<ProjectedEvents>(result, codec)).events;
  return undefined;
}

/** Every event the workflow (all its runs) handed to its projection, in order; an event handed over twice is an error. */
export async function workflowEvents(client: Client, caseId: string, codec?: PayloadCodec): Promise<CaseEvent[]> {
  return projectedEvents((await runHistories(client, caseId)).flat(), codec);
}

/** Every event a history (its runs' events, in order) handed to its projection; an event handed over twice is an error. */
export async function projectedEvents(history: readonly HistoryEvent[], codec?: PayloadCodec): Promise<CaseEvent[]> {
  const events: CaseEvent[] = [];
  const seen = new Set<string>();
  for (const e of history) {
    for (const event of (await projectedBatch(e, codec)) ?? []) {
      // A retried projection is recorded once; the same event in two batches would be a bug we want to see.
      if (seen.has(event.id)) throw new Error(`event ${event.id} was handed to the projection twice`);
      seen.add(event.id);
      events.push(event);
    }
  }
  return events;
}

/**
 * The projections that needed more than one attempt: an activity started again (before v5), or a
 * local activity whose marker counts its attempts (since v5).
 */
export function retriedProjections(events: readonly HistoryEvent[]): number {
  let retried = 0;
  for (const e of events) {
    if ((e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1) retried++;
    const marker = e.markerRecordedEventAttributes;
    const data = marker?.markerName === LOCAL_ACTIVITY_MARKER ? marker.details?.data?.payloads?.[0] : undefined;
    if (data && (defaultPayloadConverter.fromPayload<{ attempt?: number }>(data as Payload).attempt ?? 1) > 1) retried++;
  }
  return retried;
}

export interface ReadModelEvent {
  id: string;
  seq: number;
  type: string;
}

export async function readModelEvents(dataSource: DataSource, caseId: string): Promise<ReadModelEvent[]> {
  return dataSource.query(`SELECT id, seq, type FROM case_events WHERE case_id = $1 ORDER BY seq`, [caseId]);
}

/**
 * The read model has exactly the workflow's events: the same ids and types in the same order,
 * seq 1..n without a gap, no id twice. Returns the number of events checked.
 */
export async function expectReadModelMatchesWorkflow(dataSource: DataSource, client: Client, caseId: string, codec?: PayloadCodec): Promise<number> {
  const [fromWorkflow, fromReadModel] = await Promise.all([workflowEvents(client, caseId, codec), readModelEvents(dataSource, caseId)]);
  expect(fromReadModel.map((e) => [e.id, e.type])).toEqual(fromWorkflow.map((e) => [e.id, e.type]));
  expect(fromReadModel.map((e) => e.seq)).toEqual(fromReadModel.map((_, i) => i + 1));
  expect(new Set(fromReadModel.map((e) => e.id)).size).toBe(fromReadModel.length);
  return fromReadModel.length;
}
