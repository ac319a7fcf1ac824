import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Approvals (审批, src/workflows/approvals.ts) in the read model:
 * - case_approvals: one row per request, as the case's snapshot shows it; a row takes only a newer
 *   version (updated_seq). A pending row is a task of every active user of the town whose role is
 *   one of approver_roles (我的待办 reads them: task-queries.ts), so a decided one leaves their lists
 *   with nothing else to close.
 * - notifications.kind: the kinds of approvals (requested, reminder, decided) and the alert to a
 *   case's responsible person when someone else acts on it.
 */
export class CaseApprovals1768020000000 implements MigrationInterface {
  name = 'CaseApprovals1768020000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_approvals (
        id              text        PRIMARY KEY,
        case_id         uuid        NOT NULL REFERENCES cases (id),
        town            text        NOT NULL,
        decision        text        NOT NULL CHECK (decision IN ('CLOSURE', 'JUDICIAL', 'EXTENSION', 'EXEMPTION')),
        status          text        NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED')),
        reason          text        NOT NULL,
        requested_by    text        NOT NULL,
        requested_at    timestamptz NOT NULL,
        approver_roles  text[]      NOT NULL,
        new_due_at      timestamptz,
        remind_at       timestamptz,
        decided_by      text,
        decided_at      timestamptz,
        comment         text,
        updated_seq     integer     NOT NULL,
        CONSTRAINT case_approvals_decided CHECK ((status = 'PENDING') = (decided_at IS NULL))
      )`);
    await q.query(`CREATE INDEX case_approvals_pending_idx ON case_approvals (town, requested_at) WHERE status = 'PENDING'`);
    await q.query(`CREATE INDEX case_approvals_case_idx ON case_approvals (case_id)`);
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check`);
    await q.query(`ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (${list(KINDS)}))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM notifications WHERE kind IN (${list(NEW_KINDS)})`);
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check`);
    await q.query(`ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (${list(KINDS.filter((k) => !NEW_KINDS.includes(k)))}))`);
    await q.query(`DROP TABLE case_approvals`);
  }
}

function list(values: string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

// Frozen copy of NOTIFICATION_KINDS (src/notifications/notification-kinds.ts) as of this migration.
const NEW_KINDS = ['APPROVAL_REQUESTED', 'APPROVAL_REMINDER', 'APPROVAL_DECIDED', 'CASE_ACTED_BY_OTHER'];
const KINDS = ['TASK_ASSIGNED', 'TASK_REASSIGNED', 'REMINDER', 'DEADLINE_MISSED', 'ESCALATED_TO_SUPERVISOR', 'ESCALATED_TO_LEADER', ...NEW_KINDS];
