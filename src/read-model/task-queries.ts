/**
 * What a person reads of the tasks and notifications: their own only (holder / recipient in their
 * town). Written by the projection (task-projection.ts); the API only marks notifications read.
 */
import type { DataSource } from 'typeorm';
import type { ChainStage, OpenStage } from '../workflows/vocabulary';
import type { ApprovalDecision } from '../workflows/approvals';
import type { NotificationKind } from '../notifications/notification-kinds';
import type { FindingTaskKind } from '../finding/check/vocabulary';

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

/**
 * A task in its holder's list (我的待办): a case's task (source CASE), or a cross-check task
 * (source FINDING, from finding_tasks: no case, no stage, its own words), with the child's name
 * (the API masks it per role) and the area.
 */
export interface MyTaskRow extends Omit<TaskRow, 'caseId' | 'stage'> {
  source: 'CASE' | 'FINDING' | 'APPROVAL';
  caseId: string | null;
  /** A case's stage (an approval's case may be in RETURNED, the follow-up); null for a finding task. */
  stage: OpenStage | null;
  /** A request for approval (source APPROVAL, id = the request's): what is to be decided. */
  approvalDecision: ApprovalDecision | null;
  findingKind: FindingTaskKind | null;
  /** The finding item a verification task is about. */
  itemId: string | null;
  /** A finding task's words (a case task's are its stage's). */
  titleZh: string | null;
  titleEn: string | null;
  /** Null for a task about no child (the 四个一 tasks). */
  childName: string | null;
  /** The case's responsibility area (code); a finding task's item's, null when it has none. */
  area: string | null;
}

/**
 * Filters of a person's task list (all optional; together they must all hold). A finding task has
 * no stage: a stage filter leaves the finding tasks out; an area filter keeps those whose item is in
 * the area (the 四个一 tasks, of no item, are left out).
 */
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

  /**
   * The person's open tasks, of cases and of the cross-check together: overdue first (paused ones
   * are not overdue), then by due date.
   */
  async openTasks(q: { town: string; username: string; now: Date; page: number; pageSize: number } & MyTaskFilter): Promise<Paged<MyTaskRow>> {
    const params: unknown[] = [q.town, q.username, q.now];
    const cases = [`t.town = $1`, `t.holder = $2`, `t.status = 'OPEN'`];
    const findings = [`f.town = $1`, `f.holder = $2`, `f.status = 'OPEN'`];
    // A pending request is the task of every active user of the town whose role may decide it.
    const approvals = [`a.town = $1`, `a.status = 'PENDING'`, `EXISTS (SELECT 1 FROM users u WHERE u.town = $1 AND u.username = $2 AND u.active AND u.role = ANY(a.approver_roles))`];
    const approvalDue = `COALESCE(a.remind_at, a.requested_at)`;
    const add = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (q.stage !== undefined) {
      const p = add(q.stage);
      cases.push(`t.stage = ${p}`);
      approvals.push(`c.stage = ${p}`);
      findings.push('false'); // no stage: not a case's work
    }
    if (q.area !== undefined) {
      const p = add(q.area);
      cases.push(`c.area = ${p}`);
      approvals.push(`c.area = ${p}`);
      findings.push(`i.area = ${p}`);
    }
    if (q.overdue !== undefined) {
      cases.push(q.overdue ? `(NOT t.paused AND t.due_at < $3)` : `NOT (NOT t.paused AND t.due_at < $3)`);
      findings.push(q.overdue ? `f.due_at < $3` : `f.due_at >= $3`);
      approvals.push(q.overdue ? `${approvalDue} < $3` : `${approvalDue} >= $3`);
    }
    if (q.dueBefore !== undefined) {
      const p = add(q.dueBefore);
      cases.push(`t.due_at < ${p}`);
      findings.push(`f.due_at < ${p}`);
      approvals.push(`${approvalDue} < ${p}`);
    }
    const n = params.length;
    // $3 (now) is cast: without the overdue filter its type is known only from the columns.
    const both = `
      SELECT 'CASE' AS source, ${taskColumns('$3::timestamptz')}, NULL AS "findingKind", NULL::uuid AS "itemId", NULL AS "titleZh", NULL AS "titleEn",
             ch.name AS "childName", c.area, NULL AS "approvalDecision"
      FROM tasks t JOIN cases c ON c.id = t.case_id JOIN children ch ON ch.id = c.child_id
      WHERE ${cases.join(' AND ')}
      UNION ALL
      SELECT 'FINDING', f.id, NULL::uuid, NULL, f.role, f.link, f.holder, f.holder, NULL, f.due_at, false, (f.due_at < $3::timestamptz), f.kind, f.item_id, f.title_zh, f.title_en,
             i.name, i.area, NULL
      FROM finding_tasks f LEFT JOIN finding_items i ON i.id = f.item_id
      WHERE ${findings.join(' AND ')}
      UNION ALL
      SELECT 'APPROVAL', a.id, a.case_id, c.stage, (SELECT u.role FROM users u WHERE u.town = $1 AND u.username = $2), 'APPROVAL', $2, $2, NULL,
             ${approvalDue}, false, (${approvalDue} < $3::timestamptz), NULL, NULL, NULL, NULL, ch.name, c.area, a.decision
      FROM case_approvals a JOIN cases c ON c.id = a.case_id JOIN children ch ON ch.id = c.child_id
      WHERE ${approvals.join(' AND ')}`;
    const [items, count] = await Promise.all([
      this.dataSource.query(`SELECT * FROM (${both}) mine ORDER BY overdue DESC, "dueAt", id LIMIT $${n + 1} OFFSET $${n + 2}`, [...params, q.pageSize, (q.page - 1) * q.pageSize]),
      this.dataSource.query(`SELECT count(*)::int AS n FROM (${both}) mine`, params),
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
