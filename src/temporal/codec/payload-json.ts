/**
 * A payload in proto3 JSON, the form of Temporal's codec server protocol and of JSON histories:
 * `{ "metadata": { "<key>": "<base64>" }, "data": "<base64>" }`.
 *
 * Written by hand on purpose: @temporalio/common's payloadToJSON/JSONToPayload fail with "type must
 * be a Type" in this install (@temporalio/common and @temporalio/proto each get their own nested
 * copy of protobufjs 8, because the root holds the protobufjs 7 of @grpc/proto-loader, and
 * protobufjs checks `instanceof` against its own copy). A payload has two fields; no library needed.
 */
import type { Payload } from '@temporalio/common';

export interface JSONPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

export function payloadToJSON(payload: Payload): JSONPayload {
  const json: JSONPayload = {};
  const metadata = Object.entries(payload.metadata ?? {}).filter((entry): entry is [string, Uint8Array] => entry[1] !== null && entry[1] !== undefined);
  if (metadata.length > 0) json.metadata = Object.fromEntries(metadata.map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  if (payload.data && payload.data.length > 0) json.data = Buffer.from(payload.data).toString('base64');
  return json;
}

/** Standard or URL-safe base64, as proto3 JSON allows both. */
export function payloadFromJSON(json: JSONPayload): Payload {
  const bytes = (text: string) => new Uint8Array(Buffer.from(text, /[-_]/.test(text) ? 'base64url' : 'base64'));
  return {
    metadata: Object.fromEntries(Object.entries(json.metadata ?? {}).map(([k, v]) => [k, bytes(v)])),
    data: bytes(json.data ?? ''),
  };
}
