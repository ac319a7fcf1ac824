/**
 * Failure messages and stack traces are plain text in Temporal unless the failure converter moves
 * them into an encoded payload, which the payload codec then encrypts. A refusal's message names
 * the stage and the action, a failed activity's may quote a database row: both are encrypted.
 *
 * Loaded by path (DataConverter.failureConverterPath) by the client and the worker, and bundled into
 * the workflow code (scripts/bundle-workflows.js): it runs in the workflow sandbox, so it imports
 * only @temporalio/common.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
