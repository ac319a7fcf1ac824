/**
 * Registers Baoxue's search attributes on an external Temporal server (docker-compose, a cluster),
 * where nothing registered them at start. The embedded dev server gets them through its start
 * options instead (see dev-server.ts). Node-only: never import this from workflow code.
 */
import type { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
// The SDK exports this encoder for exactly this use (registering search attributes in tests/tools).
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { BAOXUE_SEARCH_ATTRIBUTES } from './search-attributes';

/** gRPC status ALREADY_EXISTS (@grpc/grpc-js is not a direct dependency, so not imported for one number). */
const GRPC_ALREADY_EXISTS = 6;

/**
 * Adds the attributes missing from `namespace`; idempotent (running it on every start is fine,
 * and two processes racing each other both succeed). Throws if one exists with another type:
 * that cannot be fixed automatically, since a search attribute's type cannot be changed.
 * Returns the names it added.
 */
export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
  attributes: Readonly<Record<string, SearchAttributeType>> = BAOXUE_SEARCH_ATTRIBUTES,
): Promise<string[]> {
  const existing = (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  const missing: Record<string, number> = {};
  for (const [name, type] of Object.entries(attributes)) {
    const wanted = encodeSearchAttributeIndexedValueType(type)!;
    if (!(name in existing)) missing[name] = wanted;
    else if (existing[name] !== wanted) {
      throw new Error(`search attribute ${name} exists in namespace ${namespace} with another type than ${type}`);
    }
  }
  if (Object.keys(missing).length === 0) return [];
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  } catch (error) {
    // Another process registered them between our list and add.
    if ((error as { code?: number }).code !== GRPC_ALREADY_EXISTS) throw error;
  }
  return Object.keys(missing);
}
