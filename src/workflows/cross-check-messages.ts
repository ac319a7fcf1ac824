/**
 * What the cross-check (四查三比对) and the 四个一 rhythm pass between their workflows and
 * activities. Pure types and constants: safe in the workflow sandbox. The work is in src/finding/check.
 */
import { defineSignal } from '@temporalio/workflow';
import type { CrossCheckSummary } from '../finding/check/cross-check';

/** Who asked: a person through the API, the nightly Temporal Schedule, or a finished source import. */
export type CrossCheckTrigger = 'REQUEST' | 'SCHEDULE' | 'IMPORT';

export interface CrossCheckInput {
  trigger: CrossCheckTrigger;
  /** The towns to check; every town the deployment serves when absent (the schedule). */
  towns?: string[];
  /** The username of the person who asked. */
  requestedBy?: string;
}

export interface CrossCheckTownResult {
  town: string;
  runId: string;
  /** Absent when the town's run failed (its row says why). */
  summary?: CrossCheckSummary;
  error?: string;
}

export interface CrossCheckResult {
  runs: CrossCheckTownResult[];
}

export interface CrossCheckActivities {
  crossCheckTowns(): Promise<string[]>;
  /** The run's row (status RUNNING), one per pass of the workflow; a retry finds the row it wrote. */
  beginCrossCheckRun(input: { town: string; trigger: CrossCheckTrigger; requestedBy?: string; pass: number }): Promise<{ runId: string }>;
  /** Streams the town's sources, matches, and writes the lists and the ledgers (heartbeats per batch). */
  crossCheckTown(input: { runId: string; town: string }): Promise<CrossCheckSummary>;
  finishCrossCheckRun(input: { runId: string; summary?: CrossCheckSummary; error?: string }): Promise<void>;
}

export type FourOnesKind = 'QUARTERLY_RECHECK' | 'TERM_START_VISIT';

export interface FourOnesActivities {
  /** The 四个一 tasks of this quarter or term, for every town (deterministic ids: a second run adds nothing). */
  createFourOnesTasks(input: { kind: FourOnesKind }): Promise<{ created: number }>;
}

export const CROSS_CHECK_SCHEDULE_ID = 'baoxue-cross-check';
/** Scheduled runs' workflow ids start with this; a requested run is `baoxue-cross-check:<town>` (one at a time per town). */
export const CROSS_CHECK_WORKFLOW_ID = 'baoxue-cross-check';
export const QUARTERLY_RECHECK_SCHEDULE_ID = 'baoxue-quarterly-recheck';
export const TERM_START_VISIT_SCHEDULE_ID = 'baoxue-term-start-visits';

/** One more pass after the current one: sent by a request or an import that finds the town's check running. */
export const crossCheckAgainSignal = defineSignal<[CrossCheckInput]>('crossCheckAgain');
