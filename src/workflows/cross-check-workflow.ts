/**
 * The cross-check (四查三比对) as a job: started by a person (POST /api/finding/cross-check), by the
 * nightly Temporal Schedule, or after a source import (src/finding/check/schedule.ts). One activity
 * per town does the work, streaming the source views in batches and heartbeating; a town that
 * fails is recorded as failed and the others still run.
 */
import { ApplicationFailure, proxyActivities, setHandler } from '@temporalio/workflow';
import { crossCheckAgainSignal } from './cross-check-messages';
import type { CrossCheckActivities, CrossCheckInput, CrossCheckResult, CrossCheckTownResult, FourOnesActivities, FourOnesKind } from './cross-check-messages';

const bookkeeping = proxyActivities<CrossCheckActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumAttempts: 10 },
});

const work = proxyActivities<CrossCheckActivities>({
  // A county's 200,000 register rows take a minute or two; the heartbeat notices a dead worker in one.
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '30 seconds', backoffCoefficient: 2, maximumAttempts: 3 },
});

export async function crossCheckWorkflow(input: CrossCheckInput = { trigger: 'SCHEDULE' }): Promise<CrossCheckResult> {
  // A request or an import while this runs asks for one more pass (its data may be newer than this pass's snapshot).
  let again: CrossCheckInput | undefined;
  setHandler(crossCheckAgainSignal, (next) => {
    again = next;
  });
  const runs: CrossCheckTownResult[] = [];
  for (let pass: CrossCheckInput | undefined = input, n = 1; pass; n++) {
    runs.push(...(await crossCheckPass(pass, n)));
    pass = again;
    again = undefined;
  }
  if (runs.length > 0 && runs.every((r) => r.error)) throw ApplicationFailure.nonRetryable(`every town's cross-check failed: ${runs.map((r) => `${r.town}: ${r.error}`).join('; ')}`);
  return { runs };
}

async function crossCheckPass(input: CrossCheckInput, pass: number): Promise<CrossCheckTownResult[]> {
  const towns = input.towns ?? (await bookkeeping.crossCheckTowns());
  const runs: CrossCheckTownResult[] = [];
  for (const town of towns) {
    const { runId } = await bookkeeping.beginCrossCheckRun({ town, trigger: input.trigger, requestedBy: input.requestedBy, pass });
    try {
      const summary = await work.crossCheckTown({ runId, town });
      await bookkeeping.finishCrossCheckRun({ runId, summary });
      runs.push({ town, runId, summary });
    } catch (err) {
      const error = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      await bookkeeping.finishCrossCheckRun({ runId, error });
      runs.push({ town, runId, error });
    }
  }
  return runs;
}

const fourOnes = proxyActivities<FourOnesActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 minute', backoffCoefficient: 2, maximumInterval: '1 hour', maximumAttempts: 20 },
});

/** 四个一: the county's quarterly re-check, the visits at each term start; started by their Temporal Schedules. */
export async function fourOnesWorkflow(input: { kind: FourOnesKind }): Promise<{ created: number }> {
  return fourOnes.createFourOnesTasks(input);
}
