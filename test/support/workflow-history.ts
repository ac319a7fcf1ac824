/**
 * What a case's workflow handed to its projection activity, read back from Temporal's history:
 * the truth the read model must match (every event once, in order). Payloads are decrypted with the
 * app's payload codec when it has one.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, Payload, PayloadCodec } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import type { CaseEvent } from '../../src/workflows/messages';
import { caseWorkflowId } from '../../src/workflows/messages';

/** The app's payload codec, when the app encrypts (src/temporal/codec). */
export function payloadCodecOf(app: object): PayloadCodec | undefined {
  return (app as { payloadCodec?: PayloadCodec }).payloadCodec;
}

/** Every event the workflow (all its runs) scheduled for projection, in order, duplicates removed by id. */
export async function workflowEvents(client: Client, caseId: string, codec?: PayloadCodec): Promise<CaseEvent[]> {
  const events: CaseEvent[] = [];
  const seen = new Set<string>();
  const history = await client.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory();
  for (const e of history.events ?? []) {
    for (const payload of e.activityTaskScheduledEventAttributes?.input?.payloads ?? []) {
      const [decoded] = codec ? await codec.decode([payload as Payload]) : [payload as Payload];
      const batch = defaultPayloadConverter.fromPayload<{ events?: CaseEvent[] }>(decoded);
      for (const event of batch.events ?? []) {
        // A retried activity is scheduled once; the same event in two batches would be a bug we want to see.
        if (seen.has(event.id)) throw new Error(`event ${event.id} was handed to the projection twice`);
        seen.add(event.id);
        events.push(event);
      }
    }
  }
  return events;
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
