/**
 * Writing notifications: the one way every writer (the case projection, the cross-check, the 四个一
 * tasks) puts a notification in the inbox and its outbox rows, inside the writer's own transaction,
 * so a notification exists exactly when what it announces does. Ids are deterministic: a retried or
 * repeated write finds the row and adds nothing (and no second outbox row).
 */
import type { QueryRunner } from 'typeorm';
import type { NotificationKind } from './notification-kinds';

export interface NotificationRow {
  id: string;
  town: string;
  recipient: string;
  kind: NotificationKind;
  /** Null for work outside a case (the cross-check's tasks). */
  case_id: string | null;
  task_id: string | null;
  event_id: string | null;
  title_zh: string;
  title_en: string;
  body_zh: string;
  body_en: string;
  occurred_at: string;
}

/** Writes the notifications (each once) and, for the ones written now, an outbox row per channel; answers how many were new. */
export async function insertNotifications(db: Pick<QueryRunner, 'query'>, rows: NotificationRow[], channels: readonly string[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted: Array<{ id: string }> = await db.query(
    `INSERT INTO notifications (id, town, recipient, kind, case_id, task_id, event_id, title_zh, title_en, body_zh, body_en, occurred_at)
     SELECT n.id, n.town, n.recipient, n.kind, n.case_id, n.task_id, n.event_id, n.title_zh, n.title_en, n.body_zh, n.body_en, n.occurred_at
     FROM jsonb_to_recordset($1::jsonb) AS n(id text, town text, recipient text, kind text, case_id uuid, task_id text, event_id text,
                                             title_zh text, title_en text, body_zh text, body_en text, occurred_at timestamptz)
     ON CONFLICT (id) DO NOTHING
     RETURNING id`,
    [JSON.stringify(rows)],
  );
  if (inserted.length > 0 && channels.length > 0) {
    await db.query(
      `INSERT INTO notification_outbox (id, notification_id, channel)
       SELECT n.id || ':' || c.channel, n.id, c.channel FROM unnest($1::text[]) AS n(id) CROSS JOIN unnest($2::text[]) AS c(channel)
       ON CONFLICT (id) DO NOTHING`,
      [inserted.map((r) => r.id), [...channels]],
    );
  }
  return inserted.length;
}
