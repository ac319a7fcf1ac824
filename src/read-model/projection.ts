/**
 * Writes what the case workflow reports into the read model. Idempotent and monotonic, because a
 * Temporal activity may run more than once and batches may arrive late:
 * - events: INSERT ... ON CONFLICT (id) DO NOTHING; the id is `${caseId}:${seq}`, so a retry
 *   writes no second row;
 * - the case row: INSERT ... ON CONFLICT (id) DO UPDATE ... WHERE cases.last_seq < EXCLUDED.last_seq,
 *   so an older snapshot never overwrites a newer one;
 * - tasks, notifications and their outbox (task-projection.ts), when a responsibility directory is
 *   given: in the same transaction, with deterministic ids, so a retry writes none of them twice.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { CaseEvent, CaseSnapshot } from '../workflows/messages';
import type { ResponsibilityDirectory } from '../responsibility/directory';
import { TaskProjectionOutcome, writeTasksAndNotifications } from './task-projection';
import { writeApprovalsAndAlerts } from './approval-projection';
import { writeTransfers } from '../transfers/transfer-projection';
import { insertNotifications } from '../notifications/outbox';

export interface ProjectionBatch {
  snapshot: CaseSnapshot;
  events: CaseEvent[];
}

export interface ProjectionOutcome {
  /** Events written now (the others were already there). */
  eventsInserted: number;
  /** Whether the case row took this snapshot (false: the row already had a newer or equal one). */
  caseRowUpdated: boolean;
  /** Tasks and notifications written (absent without a responsibility directory). */
  tasks?: TaskProjectionOutcome;
}

/** Projects one batch in one transaction. */
export async function projectCase(dataSource: DataSource, batch: ProjectionBatch, directory?: ResponsibilityDirectory): Promise<ProjectionOutcome> {
  return dataSource.transaction((manager) => writeProjection(manager, batch, directory));
}

/** The statements of a projection, inside the caller's transaction. The case row goes first: events, tasks and notifications reference it. */
export async function writeProjection(manager: EntityManager, batch: ProjectionBatch, directory?: ResponsibilityDirectory): Promise<ProjectionOutcome> {
  const { snapshot: s, events } = batch;
  const caseRows: unknown[] = await manager.query(UPSERT_CASE, [
    s.caseId,
    s.childId,
    s.cause,
    s.area,
    s.school,
    s.stage,
    s.open,
    s.paused,
    s.pausedAt ?? null,
    s.policyVersion,
    s.openedAt,
    s.openedBy,
    s.stageEnteredAt,
    s.actionDueAt ?? null,
    s.windowEndsAt ?? null,
    s.nextDeadlineAt ?? null,
    s.returnedFrom ?? null,
    s.followUpCompleted,
    s.assignee ?? null,
    s.allowedActions,
    s.lastSeq,
    s.endedAt ?? null,
    s.note ?? null,
    s.town ?? null,
    s.heldForSupport ? JSON.stringify(s.heldForSupport) : null,
  ]);
  if (s.supportMeasures && s.supportMeasures.length > 0) {
    await manager.query(UPSERT_SUPPORT_MEASURES, [s.caseId, JSON.stringify(s.supportMeasures)]);
  }
  const insertedEventIds = new Set<string>();
  if (events.length > 0) {
    const rows = events.map((e) => ({
      id: e.id,
      case_id: e.caseId,
      seq: e.seq,
      type: e.type,
      automatic: e.automatic,
      actor: e.actor,
      reason: e.reason ?? '',
      stage_before: e.stageBefore,
      stage_after: e.stageAfter,
      occurred_at: e.occurredAt,
      data: e.data ?? {},
    }));
    const inserted: Array<{ id: string }> = await manager.query(INSERT_EVENTS, [JSON.stringify(rows)]);
    for (const row of inserted) insertedEventIds.add(row.id);
  }
  const caseRowUpdated = caseRows.length > 0;
  const transferNotifications = await writeTransfers(manager, batch, { caseRowUpdated, insertedEventIds });
  if (directory && transferNotifications.length > 0) await insertNotifications(manager, transferNotifications, directory.channels);
  const tasks = directory ? await writeTasksAndNotifications(manager, batch, { caseRowUpdated, insertedEventIds }, directory) : undefined;
  const approvalNotifications = await writeApprovalsAndAlerts(manager, batch, insertedEventIds, directory?.channels);
  if (tasks) tasks.notifications += approvalNotifications;
  return { eventsInserted: insertedEventIds.size, caseRowUpdated, ...(tasks ? { tasks } : {}) };
}

const UPSERT_CASE = `
  INSERT INTO cases (
    town, id, child_id, cause, area, school, stage, open, paused, paused_at, policy_version,
    opened_at, opened_by, stage_entered_at, action_due_at, window_ends_at, next_deadline_at,
    returned_from, follow_up_completed, assignee, allowed_actions, last_seq, ended_at, note, held_for_support, updated_at
  ) VALUES (
    -- a case of a history from before towns carries none: it belongs to its child's town
    COALESCE($24::text, (SELECT town FROM children WHERE id = $2::uuid)), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
    $11, $12, $13, $14, $15, $16,
    $17, $18, $19, $20::text[], $21, $22, $23, $25::jsonb, now()
  )
  ON CONFLICT (id) DO UPDATE SET
    cause = EXCLUDED.cause,
    area = EXCLUDED.area,
    school = EXCLUDED.school,
    stage = EXCLUDED.stage,
    open = EXCLUDED.open,
    paused = EXCLUDED.paused,
    paused_at = EXCLUDED.paused_at,
    policy_version = EXCLUDED.policy_version,
    stage_entered_at = EXCLUDED.stage_entered_at,
    action_due_at = EXCLUDED.action_due_at,
    window_ends_at = EXCLUDED.window_ends_at,
    next_deadline_at = EXCLUDED.next_deadline_at,
    returned_from = EXCLUDED.returned_from,
    follow_up_completed = EXCLUDED.follow_up_completed,
    assignee = EXCLUDED.assignee,
    allowed_actions = EXCLUDED.allowed_actions,
    last_seq = EXCLUDED.last_seq,
    ended_at = EXCLUDED.ended_at,
    note = EXCLUDED.note,
    held_for_support = EXCLUDED.held_for_support,
    updated_at = now()
  WHERE cases.last_seq < EXCLUDED.last_seq
     -- the row the API wrote at report time (last_seq 0, no policy yet) takes a first snapshot of the same seq
     OR (cases.last_seq = EXCLUDED.last_seq AND cases.policy_version IS NULL)
  RETURNING id`;

/**
 * Measures move only forwards: a row takes a version with a higher updated_seq, never an older one.
 * Their town is their case's (written just before, in the same transaction).
 */
const UPSERT_SUPPORT_MEASURES = `
  INSERT INTO support_measures (id, case_id, town, measure, owner, due_at, outcome, added_at, added_by, decided_at, decided_by, note, updated_seq)
  SELECT m."id", $1, (SELECT town FROM cases WHERE id = $1), m."measure", m."owner", m."dueAt", m."outcome", m."addedAt", m."addedBy", m."decidedAt", m."decidedBy", m."note", m."updatedSeq"
  FROM jsonb_to_recordset($2::jsonb) AS m(
    "id" text, "measure" text, "owner" text, "dueAt" timestamptz, "outcome" text, "addedAt" timestamptz, "addedBy" text,
    "decidedAt" timestamptz, "decidedBy" text, "note" text, "updatedSeq" integer
  )
  ON CONFLICT (id) DO UPDATE SET
    owner = EXCLUDED.owner,
    due_at = EXCLUDED.due_at,
    outcome = EXCLUDED.outcome,
    decided_at = EXCLUDED.decided_at,
    decided_by = EXCLUDED.decided_by,
    note = EXCLUDED.note,
    updated_seq = EXCLUDED.updated_seq,
    updated_at = now()
  WHERE support_measures.updated_seq < EXCLUDED.updated_seq`;

const INSERT_EVENTS = `
  INSERT INTO case_events (id, case_id, seq, type, automatic, actor, reason, stage_before, stage_after, occurred_at, data)
  SELECT e.id, e.case_id, e.seq, e.type, e.automatic, e.actor, e.reason, e.stage_before, e.stage_after, e.occurred_at, e.data
  FROM jsonb_to_recordset($1::jsonb) AS e(
    id text, case_id uuid, seq integer, type text, automatic boolean, actor text, reason text,
    stage_before text, stage_after text, occurred_at timestamptz, data jsonb
  )
  ORDER BY e.seq
  ON CONFLICT (id) DO NOTHING
  RETURNING id`;
