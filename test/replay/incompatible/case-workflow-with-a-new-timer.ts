/**
 * A deliberately incompatible case workflow, for the negative replay test: it waits one second
 * before doing what the real one does. A timer where history has the first projection is the
 * classic mistake (adding an awaited command without patched()) that replay must catch.
 * Swapped in for src/workflows/case-workflow.ts in the replay bundle only.
 */
import { sleep } from '@temporalio/workflow';
import { caseWorkflow as realCaseWorkflow } from '../../../src/workflows/case-workflow';
import type { CaseWorkflowInput } from '../../../src/workflows/messages';

export async function caseWorkflow(input: CaseWorkflowInput) {
  await sleep('1 second');
  return realCaseWorkflow(input);
}
