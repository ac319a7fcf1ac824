import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Transfers of a case to another town of the deployment (src/transfers, docs/casework.md):
 * - case_transfers: one row per request (id `<caseId>:<seq of REQUEST_TRANSFER>`), written by the
 *   projection from the case's events: PENDING, then ACCEPTED or DECLINED. It keeps where the case
 *   was (town, area, school, child record) so the sending town still reads what it did, up to
 *   `decided_seq`, and the ledgers and dashboards count the case out of one town and into the other;
 * - cases.transfer_pending_to: the town asked to take the case over, while it has not answered;
 * - tasks: a transfer to answer is a task of the receiving town (stage TRANSFER_PENDING, deadline
 *   transferAnswerBy); notifications: TRANSFER_REQUESTED, TRANSFER_ACCEPTED, TRANSFER_DECLINED.
 */
export class CaseTransfers1768030000000 implements MigrationInterface {
  name = 'CaseTransfers1768030000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_transfers (
        id             text        PRIMARY KEY,
        case_id        uuid        NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        from_town      text        NOT NULL,
        to_town        text        NOT NULL,
        from_area      text        NOT NULL,
        from_school    text        NOT NULL,
        from_child_id  uuid        NOT NULL,
        reason         text        NOT NULL,
        requested_by   text        NOT NULL,
        requested_at   timestamptz NOT NULL,
        request_seq    integer     NOT NULL,
        status         text        NOT NULL CHECK (status IN ('PENDING', 'ACCEPTED', 'DECLINED')),
        decided_by     text,
        decided_at     timestamptz,
        decided_seq    integer,
        decline_reason text,
        CONSTRAINT case_transfers_decided CHECK ((status = 'PENDING') = (decided_at IS NULL))
      )`);
    await q.query(`CREATE INDEX case_transfers_case_idx ON case_transfers (case_id)`);
    await q.query(`CREATE INDEX case_transfers_from_idx ON case_transfers (from_town, status, decided_at)`);
    await q.query(`CREATE INDEX case_transfers_to_idx ON case_transfers (to_town, status, decided_at)`);
    await q.query(`ALTER TABLE cases ADD COLUMN transfer_pending_to text`);
    await q.query(`ALTER TABLE tasks DROP CONSTRAINT tasks_deadline_check`);
    await q.query(`ALTER TABLE tasks ADD CONSTRAINT tasks_deadline_check CHECK (deadline IN ('actionDueAt', 'windowEndsAt', 'transferAnswerBy'))`);
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check`);
    await q.query(`ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (${list([...KINDS, ...TRANSFER_KINDS])}))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM notifications WHERE kind IN (${list(TRANSFER_KINDS)})`);
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check`);
    await q.query(`ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (${list(KINDS)}))`);
    await q.query(`DELETE FROM tasks WHERE deadline = 'transferAnswerBy'`);
    await q.query(`ALTER TABLE tasks DROP CONSTRAINT tasks_deadline_check`);
    await q.query(`ALTER TABLE tasks ADD CONSTRAINT tasks_deadline_check CHECK (deadline IN ('actionDueAt', 'windowEndsAt'))`);
    await q.query(`ALTER TABLE cases DROP COLUMN transfer_pending_to`);
    await q.query(`DROP TABLE case_transfers`);
  }
}

// Frozen copy of NOTIFICATION_KINDS before this migration (the approvals' migration 1768020000000 added the last four).
const KINDS = [
  'TASK_ASSIGNED',
  'TASK_REASSIGNED',
  'REMINDER',
  'DEADLINE_MISSED',
  'ESCALATED_TO_SUPERVISOR',
  'ESCALATED_TO_LEADER',
  'APPROVAL_REQUESTED',
  'APPROVAL_REMINDER',
  'APPROVAL_DECIDED',
  'CASE_ACTED_BY_OTHER',
];
const TRANSFER_KINDS = ['TRANSFER_REQUESTED', 'TRANSFER_ACCEPTED', 'TRANSFER_DECLINED'];

function list(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}
