/**
 * Baoxue's search attributes on a Temporal server. The embedded dev server registers them at its
 * start (dev-server.ts, through registerSearchAttributes); an external Temporal gets them from its
 * one-shot setup step (deploy/temporal-setup.sh in docker-compose.yml), and the API and worker only
 * check them at start (checkSearchAttributes): registering is an operator's act, not a side effect
 * of every replica's start. Node-only: never import this from workflow code.
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
  const missing = await missingSearchAttributes(connection, namespace, attributes);
  if (Object.keys(missing).length === 0) return [];
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  } catch (error) {
    // Another process registered them between our list and add.
    if ((error as { code?: number }).code !== GRPC_ALREADY_EXISTS) throw error;
  }
  return Object.keys(missing);
}

/** The attributes `namespace` lacks, by name with their encoded type; throws on one of another type. */
async function missingSearchAttributes(
  connection: Connection,
  namespace: string,
  attributes: Readonly<Record<string, SearchAttributeType>>,
): Promise<Record<string, number>> {
  const existing = (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  const missing: Record<string, number> = {};
  for (const [name, type] of Object.entries(attributes)) {
    const wanted = encodeSearchAttributeIndexedValueType(type)!;
    if (!(name in existing)) missing[name] = wanted;
    else if (existing[name] !== wanted) {
      throw new Error(`search attribute ${name} exists in namespace ${namespace} with another type than ${type}`);
    }
  }
  return missing;
}

/**
 * At the start of an API or worker on an external Temporal: fails, naming the step to run, when
 * the setup step has not registered the attributes (the workflows would fail on their first upsert).
 */
export async function checkSearchAttributes(
  connection: Connection,
  namespace: string,
  attributes: Readonly<Record<string, SearchAttributeType>> = BAOXUE_SEARCH_ATTRIBUTES,
): Promise<void> {
  const missing = Object.keys(await missingSearchAttributes(connection, namespace, attributes));
  if (missing.length > 0) {
    throw new Error(
      `Temporal namespace ${namespace} lacks the search attributes ${missing.join(', ')}: run the setup step first ` +
        `(docker compose up temporal-setup, or deploy/temporal-setup.sh with the temporal CLI; docs/operations.md)`,
    );
  }
}
