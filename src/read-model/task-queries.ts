/**
 * What a person reads of the tasks and notifications: their own only (holder / recipient in their
 * town). Written by the projection (task-projection.ts); the API only marks notifications read.
 */
import type { DataSource } from 'typeorm';
import type { ChainStage } from '../workflows/vocabulary';
import type { NotificationKind } from '../notifications/notification-kinds';

/** An open task as the lists read it. */
export interface TaskRow {
  id: string;
  caseId: string;
  stage: ChainStage;
  role: string;
  link: string;
  holder: string;
  routedTo: string;
  reassignedBy: string | null;
  dueAt: Date;
  paused: boolean;
  /** Past due and not paused, at the `now` of the query. */
  overdue: boolean;
}

/** A task in its holder's list, with the child's name (the API masks it per role). */
export interface MyTaskRow extends TaskRow {
  childName: string;
  /** The case's responsibility area (code). */
  area: string;
}

/** Filters of a person's task list (all optional; together they must all hold). */
export interface MyTaskFilter {
  stage?: ChainStage;
  area?: string;
  /** true: only overdue ones (past due, not paused); false: only the others. */
  overdue?: boolean;
  /** Only tasks due before this instant. */
  dueBefore?: Date;
}

/** A task of a case, with its holder's display name. */
export interface CaseTaskRow extends TaskRow {
  holderName: string | null;
}

export interface NotificationRowView {
  id: string;
  kind: NotificationKind;
  caseId: string | null;
  titleZh: string;
  titleEn: string;
  bodyZh: string;
  bodyEn: string;
  occurredAt: Date;
  deliveredAt: Date;
  readAt: Date | null;
}

export interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** The columns of TaskRow from `tasks t`; `now` is the query parameter holding the time overdue is judged at. */
const taskColumns = (now: string) => `
  t.id, t.case_id AS "caseId", t.stage, t.role, t.link, t.holder, t.routed_to AS "routedTo", t.reassigned_by AS "reassignedBy",
  t.due_at AS "dueAt", t.paused, (NOT t.paused AND t.due_at < ${now}) AS overdue`;

/** Overdue first (paused ones are not overdue), then by due date. */
const taskOrder = (now: string) => `(NOT t.paused AND t.due_at < ${now}) DESC, t.due_at`;

const NOTIFICATION_COLUMNS = `
  id, kind, case_id AS "caseId", title_zh AS "titleZh", title_en AS "titleEn", body_zh AS "bodyZh", body_en AS "bodyEn",
  occurred_at AS "occurredAt", delivered_at AS "deliveredAt", read_at AS "readAt"`;

export class TaskQueries {
  constructor(private readonly dataSource: DataSource) {}

  /** The person's open tasks: overdue first (paused ones are not overdue), then by due date. */
  async openTasks(q: { town: string; username: string; now: Date; page: number; pageSize: number } & MyTaskFilter): Promise<Paged<MyTaskRow>> {
    const params: unknown[] = [q.town, q.username, q.now];
    const conditions = [`t.town = $1`, `t.holder = $2`, `t.status = 'OPEN'`];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      conditions.push(sql(`$${params.length}`));
    };
    if (q.stage !== undefined) add((p) => `t.stage = ${p}`, q.stage);
    if (q.area !== undefined) add((p) => `c.area = ${p}`, q.area);
    if (q.overdue !== undefined) conditions.push(q.overdue ? `(NOT t.paused AND t.due_at < $3)` : `NOT (NOT t.paused AND t.due_at < $3)`);
    if (q.dueBefore !== undefined) add((p) => `t.due_at < ${p}`, q.dueBefore);
    const where = conditions.join(' AND ');
    const n = params.length;
    const [items, count] = await Promise.all([
      this.dataSource.query(
        `SELECT ${taskColumns('$3')}, ch.name AS "childName", c.area
         FROM tasks t JOIN cases c ON c.id = t.case_id JOIN children ch ON ch.id = c.child_id
         WHERE ${where}
         ORDER BY ${taskOrder('$3')}, t.id
         LIMIT $${n + 1} OFFSET $${n + 2}`,
        [...params, q.pageSize, (q.page - 1) * q.pageSize],
      ),
      // $3 (now) is typed by its use in the overdue filter; without that filter it is cast so the count can take the same parameters.
      this.dataSource.query(`SELECT count(*)::int AS n FROM tasks t JOIN cases c ON c.id = t.case_id WHERE ${where} AND $3::timestamptz IS NOT NULL`, params),
    ]);
    return { items, total: count[0].n, page: q.page, pageSize: q.pageSize };
  }

  /** The case's open tasks, overdue first, then by due date and holder. */
  async openTasksOfCase(caseId: string, now: Date): Promise<CaseTaskRow[]> {
    return this.dataSource.query(
      `SELECT ${taskColumns('$2')}, u.display_name AS "holderName"
       FROM tasks t LEFT JOIN users u ON u.username = t.holder AND u.town = t.town
       WHERE t.case_id = $1 AND t.status = 'OPEN'
       ORDER BY ${taskOrder('$2')}, t.holder`,
      [caseId, now],
    );
  }

  /** The person's inbox (delivered notifications): unread first, newest first. */
  async inbox(q: { town: string; username: string; unreadOnly: boolean; page: number; pageSize: number }): Promise<Paged<NotificationRowView> & { unread: number }> {
    const where = `town = $1 AND recipient = $2 AND delivered_at IS NOT NULL`;
    const filter = q.unreadOnly ? ' AND read_at IS NULL' : '';
    const [items, counts] = await Promise.all([
      this.dataSource.query(
        `SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE ${where}${filter}
         ORDER BY (read_at IS NULL) DESC, occurred_at DESC, id LIMIT $3 OFFSET $4`,
        [q.town, q.username, q.pageSize, (q.page - 1) * q.pageSize],
      ),
      this.dataSource.query(`SELECT count(*)::int AS total, count(*) FILTER (WHERE read_at IS NULL)::int AS unread FROM notifications WHERE ${where}`, [q.town, q.username]),
    ]);
    return { items, total: q.unreadOnly ? counts[0].unread : counts[0].total, unread: counts[0].unread, page: q.page, pageSize: q.pageSize };
  }

  /** Marks one of the person's notifications read (the first time counts); undefined when it is not theirs or not delivered. */
  async markRead(q: { town: string; username: string; id: string }): Promise<NotificationRowView | undefined> {
    const rows: NotificationRowView[] = await this.dataSource.query(
      `WITH marked AS (
         UPDATE notifications SET read_at = COALESCE(read_at, now())
         WHERE id = $3 AND town = $1 AND recipient = $2 AND delivered_at IS NOT NULL
         RETURNING *
       ) SELECT ${NOTIFICATION_COLUMNS} FROM marked`,
      [q.town, q.username, q.id],
    );
    return rows[0];
  }
}
