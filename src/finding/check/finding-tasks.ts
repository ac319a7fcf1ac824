/**
 * Writing the cross-check's tasks (finding_tasks), the one way for the verification tasks
 * (cross-check.ts) and the 四个一 tasks (four-ones.ts): each new task tells its holder with an
 * in-app notification (TASK_ASSIGNED, no case), written by the caller's transaction with the task
 * row. Task ids are deterministic and written ON CONFLICT DO NOTHING; only the rows written now
 * notify, and the notification id is the task's, so a re-run notifies nobody twice.
 */
import type { QueryRunner } from 'typeorm';
import { findingTaskNotificationText } from '../../notifications/notification-kinds';
import { insertNotifications, NotificationRow } from '../../notifications/outbox';
import { FINDING_TASK_KIND_LABELS, FindingTaskKind } from './vocabulary';

export interface NewFindingTask {
  id: string;
  /** The item verified (VERIFY_SUSPECTED); none for the 四个一 tasks. */
  item_id?: string;
  role: string;
  link: string;
  holder: string;
  title_zh: string;
  title_en: string;
}

/** Inserts the tasks not there yet and notifies their holders; answers how many were new. */
export async function insertFindingTasks(
  db: Pick<QueryRunner, 'query'>,
  at: { town: string; kind: FindingTaskKind; dueAt: Date; now: Date; channels: readonly string[] },
  tasks: readonly NewFindingTask[],
): Promise<number> {
  if (tasks.length === 0) return 0;
  const inserted: Array<{ id: string; holder: string; title_zh: string; title_en: string }> = await db.query(
    `INSERT INTO finding_tasks (id, town, kind, item_id, role, link, holder, title_zh, title_en, due_at)
     SELECT x.id, $2, $3, x.item_id, x.role, x.link, x.holder, x.title_zh, x.title_en, $4
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, item_id uuid, role text, link text, holder text, title_zh text, title_en text)
     ON CONFLICT (id) DO NOTHING
     RETURNING id, holder, title_zh, title_en`,
    [JSON.stringify(tasks), at.town, at.kind, at.dueAt],
  );
  const dueAt = at.dueAt.toISOString();
  const notifications: NotificationRow[] = inserted.map((t) => {
    const text = findingTaskNotificationText({ kindLabel: FINDING_TASK_KIND_LABELS[at.kind], work: { zh: t.title_zh, en: t.title_en }, dueAt });
    return {
      id: `${t.id}:TASK_ASSIGNED:${t.holder}`,
      town: at.town,
      recipient: t.holder,
      kind: 'TASK_ASSIGNED',
      case_id: null,
      task_id: t.id,
      event_id: null,
      title_zh: text.title.zh,
      title_en: text.title.en,
      body_zh: text.body.zh,
      body_en: text.body.en,
      occurred_at: at.now.toISOString(),
    };
  });
  await insertNotifications(db, notifications, at.channels);
  return inserted.length;
}
