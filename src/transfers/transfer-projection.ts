/**
 * What a transfer writes into the read model, inside the projection's transaction (projection.ts
 * calls it after the case row and the events; the projection stays the one writer):
 * - the case row follows the snapshot's town, child record and pending transfer (the upsert keeps
 *   town and child as they were written at report time, so a transfer moves them here);
 * - REQUEST_TRANSFER: a case_transfers row (PENDING, with where the case was), a task for each
 *   person of the receiving town who may answer (TRANSFER_PENDING, in 我的待办) and a notification;
 * - ACCEPT_TRANSFER / DECLINE_TRANSFER: the row decided, the answer tasks closed, the requester told;
 *   accepted, the support measures move with the case.
 * Only events written now count (a retried batch writes none), and ids are deterministic.
 */
import type { EntityManager } from 'typeorm';
import type { CaseEvent, CaseSnapshot } from '../workflows/messages';
import { TRANSFER_PENDING, usernameInActor } from '../workflows/vocabulary';
import type { NotificationRow } from '../notifications/outbox';
import { NOTIFICATION_KIND_LABELS, NotificationKind, caseRef } from '../notifications/notification-kinds';
import { TRANSFER_ANSWER_WITHIN_MS, transferDeciderRoles } from './transfer-rules';

export async function writeTransfers(
  manager: EntityManager,
  batch: { snapshot: CaseSnapshot; events: CaseEvent[] },
  written: { caseRowUpdated: boolean; insertedEventIds: ReadonlySet<string> },
): Promise<NotificationRow[]> {
  const s = batch.snapshot;
  const fresh = batch.events.filter((e) => written.insertedEventIds.has(e.id) && isTransferEvent(e)).sort((a, b) => a.seq - b.seq);
  if (written.caseRowUpdated && (fresh.length > 0 || s.transferPending)) {
    await manager.query(`UPDATE cases SET town = COALESCE($2, town), child_id = $3, transfer_pending_to = $4 WHERE id = $1`, [s.caseId, s.town ?? null, s.childId, s.transferPending?.toTown ?? null]);
  }
  const notifications: NotificationRow[] = [];
  for (const e of fresh) {
    const transferId = `${s.caseId}:${e.type === 'REQUEST_TRANSFER' ? e.seq : Number(e.data.requestSeq)}`;
    if (e.type === 'REQUEST_TRANSFER') {
      await manager.query(
        `INSERT INTO case_transfers (id, case_id, from_town, to_town, from_area, from_school, from_child_id, reason, requested_by, requested_at, request_seq, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'PENDING') ON CONFLICT (id) DO NOTHING`,
        [transferId, s.caseId, e.data.fromTown, e.data.toTown, e.data.area, e.data.school, e.data.childId, e.reason, e.actor, e.occurredAt, e.seq],
      );
      const toTown = String(e.data.toTown);
      const deciders: Array<{ username: string; role: string }> = await manager.query(
        `SELECT username, role FROM users WHERE town = $1 AND active AND role = ANY($2::text[]) ORDER BY username`,
        [toTown, transferDeciderRoles()],
      );
      const dueAt = new Date(Date.parse(e.occurredAt) + TRANSFER_ANSWER_WITHIN_MS).toISOString();
      for (const d of deciders) {
        const taskId = `${e.id}:${TRANSFER_PENDING}:${d.username}`;
        await manager.query(
          `INSERT INTO tasks (id, town, case_id, stage, stage_entered_at, role, link, routed_to, holder, deadline, due_at, paused)
           VALUES ($1, $2, $3, $4, $5, $6, 'TRANSFER', $7, $7, 'transferAnswerBy', $8, false) ON CONFLICT (id) DO NOTHING`,
          [taskId, toTown, s.caseId, TRANSFER_PENDING, e.occurredAt, d.role, d.username, dueAt],
        );
        notifications.push(notification('TRANSFER_REQUESTED', { town: toTown, recipient: d.username, caseId: s.caseId, event: e, taskId, dueAt }));
      }
    } else {
      const accepted = e.type === 'ACCEPT_TRANSFER';
      const rows: Array<{ requested_by: string; from_town: string }> = await manager.query(
        // In a WITH, so the driver answers the rows (a bare UPDATE answers [rows, count]).
        `WITH decided AS (
           UPDATE case_transfers SET status = $2, decided_by = $3, decided_at = $4, decided_seq = $5, decline_reason = $6
            WHERE id = $1 AND status = 'PENDING' RETURNING requested_by, from_town
         ) SELECT requested_by, from_town FROM decided`,
        [transferId, accepted ? 'ACCEPTED' : 'DECLINED', e.actor, e.occurredAt, e.seq, accepted ? null : e.reason],
      );
      await manager.query(
        `UPDATE tasks SET status = 'CLOSED', closed_reason = 'ACTION_DONE', closed_at = $2, updated_at = now()
          WHERE case_id = $1 AND status = 'OPEN' AND deadline = 'transferAnswerBy'`,
        [s.caseId, e.occurredAt],
      );
      if (accepted) await manager.query(`UPDATE support_measures SET town = $2 WHERE case_id = $1`, [s.caseId, e.data.toTown]);
      const requester = rows[0] && usernameInActor(rows[0].requested_by);
      if (requester) {
        notifications.push(notification(accepted ? 'TRANSFER_ACCEPTED' : 'TRANSFER_DECLINED', { town: rows[0].from_town, recipient: requester, caseId: s.caseId, event: e }));
      }
    }
  }
  return notifications;
}

function isTransferEvent(e: CaseEvent): boolean {
  return e.type === 'REQUEST_TRANSFER' || e.type === 'ACCEPT_TRANSFER' || e.type === 'DECLINE_TRANSFER';
}

/** A transfer's notification: the case by its short number and the towns' codes; no child's data. */
function notification(kind: NotificationKind, n: { town: string; recipient: string; caseId: string; event: CaseEvent; taskId?: string; dueAt?: string }): NotificationRow {
  const label = NOTIFICATION_KIND_LABELS[kind];
  const { fromTown, toTown } = n.event.data as { fromTown: string; toTown: string };
  const body =
    kind === 'TRANSFER_REQUESTED'
      ? { zh: `${fromTown} 申请将案件移交本镇（${toTown}），请接收或拒绝（说明理由）。`, en: `${fromTown} asks your town (${toTown}) to take the case over: accept or decline (with a reason).` }
      : kind === 'TRANSFER_ACCEPTED'
        ? { zh: `${toTown} 已接收案件，案件由该镇继续办理。`, en: `${toTown} accepted the case; it goes on there.` }
        : { zh: `${toTown} 拒绝接收，案件继续由本镇办理。理由：${n.event.reason}`, en: `${toTown} declined; the case goes on in your town. Reason: ${n.event.reason}` };
  return {
    id: `${n.event.id}:${kind}:${n.recipient}`,
    town: n.town,
    recipient: n.recipient,
    kind,
    case_id: n.caseId,
    task_id: n.taskId ?? null,
    event_id: n.event.id,
    title_zh: `【${label.zh}】案件 ${caseRef(n.caseId)}`,
    title_en: `[${label.en}] case ${caseRef(n.caseId)}`,
    body_zh: body.zh,
    body_en: body.en,
    occurred_at: n.event.occurredAt,
  };
}
