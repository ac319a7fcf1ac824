/**
 * The tasks and notifications of a projected batch, inside the projection's transaction (the
 * projection is the one writer; see projection.ts):
 *
 * - tasks follow the snapshot: when the case row took the batch's snapshot, the open tasks of the
 *   case are made to match `plannedTasks` (new ones inserted with deterministic ids and ON CONFLICT
 *   DO NOTHING, due dates and pause moved, the others closed with the reason);
 * - notifications follow the events written now (a retried batch writes no event, so it notifies
 *   nobody twice; ids are deterministic besides): a REASSIGN moves the open tasks to the assignee;
 *   REMINDER_SENT and DEADLINE_MISSED go to the holders of the case's open tasks (a support
 *   measure's reminder to its owner),
 *   ESCALATED_TO_SUPERVISOR to the area's supervisor (包片 leader), ESCALATED_TO_LEADER to the
 *   leader (组长); a new task tells its holder.
 * Every notification gets one outbox row per channel, delivered later by the dispatcher.
 */
import type { EntityManager } from 'typeorm';
import type { CaseEvent, CaseSnapshot } from '../workflows/messages';
import { Stage, isChainStage } from '../workflows/vocabulary';
import type { ResponsibilityDirectory } from '../responsibility/directory';
import type { ResponsibilityChainsData } from '../responsibility/chains';
import { TASK_WORK, leaderOf, supervisorOf } from '../responsibility/routing';
import { PlannedTask, closureReason, plannedTasks } from '../responsibility/tasks';
import { NotificationKind, notificationText } from '../notifications/notification-kinds';
import { insertNotifications, NotificationRow } from '../notifications/outbox';

export interface TaskProjectionOutcome {
  tasksOpened: number;
  tasksClosed: number;
  notifications: number;
}

interface OpenTaskRow {
  id: string;
  stage: string;
  stage_entered_at: Date;
  holder: string;
}

export async function writeTasksAndNotifications(
  manager: EntityManager,
  batch: { snapshot: CaseSnapshot; events: CaseEvent[] },
  written: { caseRowUpdated: boolean; insertedEventIds: ReadonlySet<string> },
  directory: ResponsibilityDirectory,
): Promise<TaskProjectionOutcome> {
  const s = batch.snapshot;
  const outcome: TaskProjectionOutcome = { tasksOpened: 0, tasksClosed: 0, notifications: 0 };
  const child = await childPlace(manager, s.childId);
  // A case of a history from before towns names none: it is its child's town (as the case row says).
  const town = s.town ?? child?.town ?? directory.defaultTown;
  const chains = directory.chainsFor(town);
  if (!chains) return outcome; // a town without chains: nothing to route (start-up refuses a town file without them)
  const notifications: NotificationRow[] = [];
  const note = (kind: NotificationKind, recipient: string, at: string, ref: { taskId?: string; eventId?: string; stage: Stage; dueAt?: string; reassigned?: { by: string; reason: string } }) => {
    const text = notificationText(kind, { caseId: s.caseId, stage: ref.stage, work: isChainStage(ref.stage) ? TASK_WORK[ref.stage] : undefined, dueAt: ref.dueAt, reassigned: ref.reassigned });
    notifications.push({
      id: `${ref.eventId ?? ref.taskId}:${kind}:${recipient}`,
      town,
      recipient,
      kind,
      case_id: s.caseId,
      task_id: ref.taskId ?? null,
      event_id: ref.eventId ?? null,
      title_zh: text.title.zh,
      title_en: text.title.en,
      body_zh: text.body.zh,
      body_en: text.body.en,
      occurred_at: at,
    });
  };

  if (written.caseRowUpdated) {
    const synced = await syncTasks(manager, s, child, town, chains, directory, batch.events);
    outcome.tasksOpened = synced.opened.length;
    outcome.tasksClosed = synced.closed;
    for (const t of synced.opened) note('TASK_ASSIGNED', t.username, t.stageEnteredAt, { taskId: t.id, stage: t.stage, dueAt: t.dueAt });
  }

  const fresh = batch.events.filter((e) => written.insertedEventIds.has(e.id)).sort((a, b) => a.seq - b.seq);
  for (const e of fresh) {
    const dueAt = typeof e.data?.dueAt === 'string' ? e.data.dueAt : undefined;
    const ref = { eventId: e.id, stage: e.stageAfter, dueAt };
    switch (e.type) {
      case 'REASSIGN': {
        const assignee = String(e.data.assignee);
        const moved: Array<{ id: string }> = await manager.query(
          // In a WITH, so the driver answers the rows (a bare UPDATE answers [rows, count]).
          `WITH moved AS (
             UPDATE tasks SET holder = $2, reassigned_by = $3, updated_at = now()
             WHERE case_id = $1 AND status = 'OPEN' AND stage_entered_at <= $4 AND holder <> $2 RETURNING id
           ) SELECT id FROM moved`,
          [s.caseId, assignee, e.actor, e.occurredAt],
        );
        if (moved.length > 0) note('TASK_REASSIGNED', assignee, e.occurredAt, { ...ref, reassigned: { by: e.actor, reason: e.reason } });
        break;
      }
      case 'REMINDER_SENT':
      case 'DEADLINE_MISSED': {
        const kind = e.type === 'REMINDER_SENT' ? 'REMINDER' : 'DEADLINE_MISSED';
        // A support measure's reminder is for its owner; a stage deadline's for the holders of the case's open tasks.
        const owner = e.data.deadline === 'supportDueAt' && typeof e.data.owner === 'string' ? e.data.owner : undefined;
        for (const holder of owner ? [owner] : await openTaskHolders(manager, s.caseId)) note(kind, holder, e.occurredAt, ref);
        break;
      }
      case 'ESCALATED_TO_SUPERVISOR': {
        const supervisor = supervisorOf(chains, s.area);
        if (supervisor) note('ESCALATED_TO_SUPERVISOR', supervisor, e.occurredAt, ref);
        break;
      }
      case 'ESCALATED_TO_LEADER':
        note('ESCALATED_TO_LEADER', leaderOf(chains), e.occurredAt, ref);
        break;
    }
  }
  outcome.notifications = await insertNotifications(manager, notifications, directory.channels);
  return outcome;
}

interface ChildPlace {
  town: string;
  grade: number;
  class_name: string;
  villager_group: string | null;
}

async function childPlace(manager: EntityManager, childId: string): Promise<ChildPlace | undefined> {
  const rows: ChildPlace[] = await manager.query(`SELECT town, grade, class_name, villager_group FROM children WHERE id = $1`, [childId]);
  return rows[0];
}

async function syncTasks(
  manager: EntityManager,
  s: CaseSnapshot,
  child: ChildPlace | undefined,
  town: string,
  chains: ResponsibilityChainsData,
  directory: ResponsibilityDirectory,
  events: CaseEvent[],
): Promise<{ opened: PlannedTask[]; closed: number }> {
  const policy = await directory.policy(manager, s.policyVersion);
  if (!policy) throw new Error(`policy version ${s.policyVersion} of case ${s.caseId} is not recorded`);
  const planned = plannedTasks(s, policy, chains, {
    area: s.area,
    school: s.school,
    grade: child?.grade,
    className: child?.class_name,
    villagerGroup: child?.villager_group,
    childId: s.childId,
  });
  const open: OpenTaskRow[] = await manager.query(// A transfer's answer tasks are the receiving town's (src/transfers): not the chains' to match.
    `SELECT id, stage, stage_entered_at, holder FROM tasks WHERE case_id = $1 AND status = 'OPEN' AND deadline <> 'transferAnswerBy' FOR UPDATE`, [s.caseId]);
  const plannedIds = new Set(planned.map((t) => t.id));
  const closedAt = events.length > 0 ? events[events.length - 1].occurredAt : new Date().toISOString();

  let closed = 0;
  for (const t of open.filter((row) => !plannedIds.has(row.id))) {
    const reason = closureReason(s, { stage: t.stage, stageEnteredAt: new Date(t.stage_entered_at).toISOString() });
    await manager.query(`UPDATE tasks SET status = 'CLOSED', closed_reason = $2, closed_at = $3, updated_at = now() WHERE id = $1`, [t.id, reason, closedAt]);
    closed++;
  }
  if (planned.length === 0) return { opened: [], closed };

  const inserted: Array<{ id: string }> = await manager.query(
    `INSERT INTO tasks (id, town, case_id, stage, stage_entered_at, role, link, routed_to, holder, deadline, due_at, paused)
     SELECT t.id, $2, $3, t.stage, t.stage_entered_at, t.role, t.link, t.username, t.username, t.deadline, t.due_at, t.paused
     FROM jsonb_to_recordset($1::jsonb) AS t(id text, stage text, stage_entered_at timestamptz, role text, link text, username text, deadline text, due_at timestamptz, paused boolean)
     ON CONFLICT (id) DO NOTHING
     RETURNING id`,
    [
      JSON.stringify(planned.map((t) => ({ id: t.id, stage: t.stage, stage_entered_at: t.stageEnteredAt, role: t.role, link: t.link, username: t.username, deadline: t.deadline, due_at: t.dueAt, paused: t.paused }))),
      town,
      s.caseId,
    ],
  );
  const insertedIds = new Set(inserted.map((r) => r.id));
  // The open ones already there follow the snapshot: EXTEND_DEADLINE and RESUME move the due date, PAUSE pauses.
  await manager.query(
    `UPDATE tasks SET due_at = t.due_at, deadline = t.deadline, paused = t.paused, updated_at = now()
     FROM jsonb_to_recordset($1::jsonb) AS t(id text, due_at timestamptz, deadline text, paused boolean)
     WHERE tasks.id = t.id AND tasks.status = 'OPEN' AND (tasks.due_at, tasks.deadline, tasks.paused) IS DISTINCT FROM (t.due_at, t.deadline, t.paused)`,
    [JSON.stringify(planned.filter((t) => !insertedIds.has(t.id)).map((t) => ({ id: t.id, due_at: t.dueAt, deadline: t.deadline, paused: t.paused })))],
  );
  return { opened: planned.filter((t) => insertedIds.has(t.id)), closed };
}

async function openTaskHolders(manager: EntityManager, caseId: string): Promise<string[]> {
  const rows: Array<{ holder: string }> = await manager.query(
    `SELECT DISTINCT holder FROM tasks WHERE case_id = $1 AND status = 'OPEN' AND deadline <> 'transferAnswerBy' ORDER BY holder`,
    [caseId],
  );
  return rows.map((r) => r.holder);
}
