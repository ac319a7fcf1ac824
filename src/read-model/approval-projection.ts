/**
 * Approvals and alerts in the read model, inside the projection's transaction (projection.ts):
 * - the case's requests (snapshot.approvals) into case_approvals, each row only ever forwards
 *   (updated_seq), like the support measures;
 * - notifications from the events written now (a retried batch writes no event, so it notifies
 *   nobody twice; ids are deterministic besides): a request and its reminder go to every active
 *   user of the town whose role may decide it, the decision to the person who asked;
 * - the alert: a person's step on a case whose responsible person (the assignee) is somebody else
 *   tells the assignee (CASE_ACTED_BY_OTHER).
 * A pending request is a task of its approvers without a row of its own: 我的待办 reads it from
 * case_approvals (task-queries.ts), so it leaves their lists the moment it is decided.
 */
import type { EntityManager } from 'typeorm';
import type { CaseEvent, CaseSnapshot } from '../workflows/messages';
import { APPROVAL_DECISION_LABELS, APPROVAL_STATUS_LABELS, ApprovalDecision } from '../workflows/approvals';
import { CASE_OPENED, EVENT_LABELS, usernameInActor } from '../workflows/vocabulary';
import { NotificationKind, NotificationText, actedByOtherText, approvalNotificationText } from '../notifications/notification-kinds';
import { insertNotifications, NotificationRow } from '../notifications/outbox';

/**
 * Writes the case's requests and the notifications of approvals and alerts; answers how many
 * notifications were new. Without channels (a projection without a responsibility directory, as
 * the tasks) the requests only.
 */
export async function writeApprovalsAndAlerts(
  manager: EntityManager,
  batch: { snapshot: CaseSnapshot; events: CaseEvent[] },
  insertedEventIds: ReadonlySet<string>,
  channels: readonly string[] | undefined,
): Promise<number> {
  const s = batch.snapshot;
  const fresh = channels ? batch.events.filter((e) => insertedEventIds.has(e.id)) : [];
  const approvals = s.approvals ?? [];
  if (approvals.length === 0 && (fresh.length === 0 || !s.assignee)) return 0;
  const town: string = (await manager.query(`SELECT town FROM cases WHERE id = $1`, [s.caseId]))[0].town;
  if (approvals.length > 0) await manager.query(UPSERT_APPROVALS, [s.caseId, town, JSON.stringify(approvals)]);
  if (!channels) return 0;

  const notifications: NotificationRow[] = [];
  const note = (kind: NotificationKind, recipient: string, e: CaseEvent, text: NotificationText) =>
    notifications.push({
      id: `${e.id}:${kind}:${recipient}`,
      town,
      recipient,
      kind,
      case_id: s.caseId,
      task_id: null,
      event_id: e.id,
      title_zh: text.title.zh,
      title_en: text.title.en,
      body_zh: text.body.zh,
      body_en: text.body.en,
      occurred_at: e.occurredAt,
    });
  for (const e of fresh) {
    const request = approvals.find((a) => a.id === e.data.approvalId);
    if (request && (e.type === 'REQUEST_APPROVAL' || (e.type === 'REMINDER_SENT' && e.data.deadline === 'approvalRemindAt'))) {
      const kind = e.type === 'REQUEST_APPROVAL' ? 'APPROVAL_REQUESTED' : 'APPROVAL_REMINDER';
      const text = approvalNotificationText(kind, { caseId: s.caseId, stage: e.stageAfter, decision: decisionLabel(request.decision), by: request.requestedBy, reason: request.reason });
      for (const approver of await approversOf(manager, town, request.approverRoles)) note(kind, approver, e, text);
    }
    if (request && (e.type === 'APPROVE_REQUEST' || e.type === 'REJECT_REQUEST')) {
      const requester = usernameInActor(request.requestedBy);
      const verdict = APPROVAL_STATUS_LABELS[e.type === 'APPROVE_REQUEST' ? 'APPROVED' : 'REJECTED'];
      const text = approvalNotificationText('APPROVAL_DECIDED', { caseId: s.caseId, stage: e.stageAfter, decision: decisionLabel(request.decision), by: e.actor, reason: String(e.data.comment ?? ''), verdict });
      if (requester) note('APPROVAL_DECIDED', requester, e, text);
    }
    // The alert: a person (not the engine) acted, and it is not the responsible person; a REASSIGN
    // tells its new holder already (TASK_REASSIGNED), and the opening precedes any assignee.
    if (s.assignee && !e.automatic && e.type !== 'REASSIGN' && e.type !== CASE_OPENED && usernameInActor(e.actor) !== s.assignee) {
      note('CASE_ACTED_BY_OTHER', s.assignee, e, actedByOtherText({ caseId: s.caseId, stage: e.stageAfter, actor: e.actor, what: EVENT_LABELS[e.type] }));
    }
  }
  return insertNotifications(manager, notifications, channels);
}

function decisionLabel(decision: ApprovalDecision) {
  return APPROVAL_DECISION_LABELS[decision];
}

async function approversOf(manager: EntityManager, town: string, roles: readonly string[]): Promise<string[]> {
  const rows: Array<{ username: string }> = await manager.query(`SELECT username FROM users WHERE town = $1 AND active AND role = ANY($2::text[]) ORDER BY username`, [town, [...roles]]);
  return rows.map((r) => r.username);
}

const UPSERT_APPROVALS = `
  INSERT INTO case_approvals (id, case_id, town, decision, status, reason, requested_by, requested_at, approver_roles, new_due_at, remind_at, decided_by, decided_at, comment, updated_seq)
  SELECT a."id", $1, $2, a."decision", a."status", a."reason", a."requestedBy", a."requestedAt", ARRAY(SELECT jsonb_array_elements_text(a."approverRoles")),
         a."newDueAt", a."remindAt", a."decidedBy", a."decidedAt", a."comment", a."updatedSeq"
  FROM jsonb_to_recordset($3::jsonb) AS a(
    "id" text, "decision" text, "status" text, "reason" text, "requestedBy" text, "requestedAt" timestamptz, "approverRoles" jsonb,
    "newDueAt" timestamptz, "remindAt" timestamptz, "decidedBy" text, "decidedAt" timestamptz, "comment" text, "updatedSeq" integer
  )
  ON CONFLICT (id) DO UPDATE SET
    status = EXCLUDED.status, decided_by = EXCLUDED.decided_by, decided_at = EXCLUDED.decided_at, comment = EXCLUDED.comment, updated_seq = EXCLUDED.updated_seq
  WHERE case_approvals.updated_seq < EXCLUDED.updated_seq`;
