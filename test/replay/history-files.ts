/**
 * Committed histories of real runs of the case workflow, as JSON files in the format of
 * `temporal workflow show --output json` (proto3 JSON of temporal.api.history.v1.History).
 *
 * Not through @temporalio/common/lib/proto-utils (historyToJSON / historyFromJSON): in this install
 * they throw "type must be a Type", because @temporalio/common and @temporalio/proto each carry
 * their own copy of protobufjs 8 and protobufjs checks types with `instanceof`. The same two calls
 * are made here with the protobufjs copy that @temporalio/proto itself loads, so types match.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, relative } from 'node:path';
import type { History } from '@temporalio/common/lib/proto-utils';

export const HISTORIES_DIR = join(__dirname, 'histories');

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}

function historyType(): { protojson: ProtoJson; type: unknown; fromObject(object: unknown): unknown } {
  const fromProto = createRequire(require.resolve('@temporalio/proto'));
  const protojson = fromProto('protobufjs/ext/protojson') as ProtoJson;
  const proto = fromProto('@temporalio/proto') as { temporal: { api: { history: { v1: { History: { fromObject(o: unknown): unknown } } } } } };
  const { patchProtobufRoot } = fromProto('@temporalio/proto/lib/patch-protobuf-root') as { patchProtobufRoot<T>(root: T): T & { lookupType(name: string): unknown } };
  const type = patchProtobufRoot(proto).lookupType('temporal.api.history.v1.History');
  return { protojson, type, fromObject: (o) => proto.temporal.api.history.v1.History.fromObject(o) };
}

/** History (as fetchHistory() returns it) to the JSON text of a history file. */
export function historyToJSON(history: History): string {
  const { protojson, type, fromObject } = historyType();
  return `${JSON.stringify(protojson.toJson(type, fromObject(history)), null, 2)}\n`;
}

/** The JSON text of a history file back to a History that Worker.runReplayHistories takes. */
export function historyFromJSON(text: string): History {
  const { protojson, type } = historyType();
  return protojson.fromJson(type, JSON.parse(text), { ignoreUnknownFields: true }) as History;
}

export interface HistoryFile {
  /** `<set>/<path>`, e.g. `v1-before-paused-attribute/full-chain`: also the workflowId replay results name. */
  name: string;
  set: string;
  file: string;
}

/** Every committed history file, set by set (one folder per recording: see scripts/record-histories.ts). */
export function historyFiles(dir: string = HISTORIES_DIR): HistoryFile[] {
  const files: HistoryFile[] = [];
  for (const set of readdirSync(dir).sort()) {
    const setDir = join(dir, set);
    if (!statSync(setDir).isDirectory()) continue;
    for (const entry of readdirSync(setDir).sort()) {
      if (!entry.endsWith('.json')) continue;
      files.push({ name: `${set}/${basename(entry, '.json')}`, set, file: join(setDir, entry) });
    }
  }
  return files;
}

export function readHistory(file: string): History {
  return historyFromJSON(readFileSync(file, 'utf8'));
}

export function writeHistory(file: string, history: History): string {
  writeFileSync(file, historyToJSON(history));
  return relative(process.cwd(), file);
}
