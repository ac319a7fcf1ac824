/**
 * Which tasks a case should have open now, from its snapshot: pure, so the projection (the one
 * writer) only has to make the tasks table match it.
 *
 * A case in a chain stage has one task per responsible person while there is work to do: the
 * stage's required action until it is done (due: its due date), or, for a stage without one,
 * the stage window (due: its end). No task in RETURNED (follow-up watches, nobody acts) or once
 * the case has ended. Task ids are deterministic: case, stage, the instant the stage was entered,
 * and the person the chains named, so a retried projection finds the task it already wrote and a
 * stage entered again (a relapse) gets new ones.
 */
import type { CaseSnapshot } from '../workflows/messages';
import type { Policy } from '../workflows/policy';
import { ChainStage, isChainStage } from '../workflows/vocabulary';
import type { ResponsibilityChainsData } from './chains';
import { Assignment, CasePlace, responsiblePeople } from './routing';

export interface PlannedTask extends Assignment {
  id: string;
  stage: ChainStage;
  stageEnteredAt: string;
  dueAt: string;
  /** Which deadline the due date is: the required action's or the window's. */
  deadline: 'actionDueAt' | 'windowEndsAt';
  paused: boolean;
}

export type TaskSnapshot = Pick<CaseSnapshot, 'caseId' | 'stage' | 'open' | 'paused' | 'stageEnteredAt' | 'actionDueAt' | 'windowEndsAt'>;

export function taskId(caseId: string, stage: ChainStage, stageEnteredAt: string, username: string): string {
  return `${caseId}:${stage}:${Date.parse(stageEnteredAt)}:${username}`;
}

export function plannedTasks(snapshot: TaskSnapshot, policy: Policy, chains: ResponsibilityChainsData, place: CasePlace): PlannedTask[] {
  const stage = snapshot.stage;
  if (!snapshot.open || !isChainStage(stage)) return [];
  const sp = policy.stages[stage];
  let dueAt: string | undefined;
  let deadline: PlannedTask['deadline'] = 'actionDueAt';
  if (sp.requiredAction) {
    dueAt = snapshot.actionDueAt; // undefined once the action is done: the work is over
  } else {
    dueAt = snapshot.windowEndsAt;
    deadline = 'windowEndsAt';
  }
  if (!dueAt) return [];
  return responsiblePeople(chains, sp.responsible, place).map((a) => ({
    ...a,
    id: taskId(snapshot.caseId, stage, snapshot.stageEnteredAt, a.username),
    stage,
    stageEnteredAt: snapshot.stageEnteredAt,
    dueAt: dueAt!,
    deadline,
    paused: snapshot.paused,
  }));
}

/** Why a task closed, read from the snapshot that no longer plans it. */
export type TaskClosure = 'CASE_ENDED' | 'STAGE_LEFT' | 'ACTION_DONE';

export function closureReason(snapshot: TaskSnapshot, task: { stage: string; stageEnteredAt: string }): TaskClosure {
  if (!snapshot.open) return 'CASE_ENDED';
  if (snapshot.stage !== task.stage || Date.parse(snapshot.stageEnteredAt) !== Date.parse(task.stageEnteredAt)) return 'STAGE_LEFT';
  return 'ACTION_DONE';
}
