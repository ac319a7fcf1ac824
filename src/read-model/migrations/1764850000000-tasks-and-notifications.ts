import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tasks, notifications and their outbox (src/responsibility, src/notifications). All three are
 * written by the projection in the same transaction as the events, so they exist exactly when the
 * events do; ids are deterministic, so a retried projection writes nothing twice.
 *
 * - tasks: one row per person named for a stage (`routed_to`, from the responsibility chains);
 *   `holder` is who has it now (a REASSIGN moves it). Open tasks are listed by holder, overdue first.
 * - notifications: the inbox, one row per recipient and happening; shown once the in-app channel
 *   has delivered it (`delivered_at`).
 * - notification_outbox: one row per notification and channel; the dispatcher (worker process)
 *   claims PENDING rows with SKIP LOCKED, delivers them, retries with backoff.
 *
 * Also `children.villager_group` (村民小组, for 包组 routing) IF NOT EXISTS: the towns migration
 * (1764800000000) adds it with the same definition; this keeps the routing's column whatever the
 * order the branches were written in.
 */
export class TasksAndNotifications1764850000000 implements MigrationInterface {
  name = 'TasksAndNotifications1764850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE children ADD COLUMN IF NOT EXISTS villager_group text NULL`);

    await q.query(`
      CREATE TABLE tasks (
        id                text        PRIMARY KEY,
        town              text        NOT NULL,
        case_id           uuid        NOT NULL REFERENCES cases (id),
        stage             text        NOT NULL,
        stage_entered_at  timestamptz NOT NULL,
        role              text        NOT NULL,
        link              text        NOT NULL,
        routed_to         text        NOT NULL,
        holder            text        NOT NULL,
        deadline          text        NOT NULL CHECK (deadline IN ('actionDueAt', 'windowEndsAt')),
        due_at            timestamptz NOT NULL,
        paused            boolean     NOT NULL DEFAULT false,
        status            text        NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'CLOSED')),
        closed_reason     text        CHECK (closed_reason IN ('CASE_ENDED', 'STAGE_LEFT', 'ACTION_DONE')),
        closed_at         timestamptz,
        reassigned_by     text,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tasks_closed_has_reason CHECK ((status = 'CLOSED') = (closed_reason IS NOT NULL AND closed_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX tasks_open_by_holder_idx ON tasks (town, holder, due_at) WHERE status = 'OPEN'`);
    await q.query(`CREATE INDEX tasks_case_idx ON tasks (case_id) WHERE status = 'OPEN'`);

    await q.query(`
      CREATE TABLE notifications (
        id            text        PRIMARY KEY,
        town          text        NOT NULL,
        recipient     text        NOT NULL,
        kind          text        NOT NULL CHECK (kind IN (${list(KINDS)})),
        case_id       uuid        REFERENCES cases (id),
        task_id       text,
        event_id      text,
        title_zh      text        NOT NULL,
        title_en      text        NOT NULL,
        body_zh       text        NOT NULL,
        body_en       text        NOT NULL,
        occurred_at   timestamptz NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        delivered_at  timestamptz,
        read_at       timestamptz
      )`);
    await q.query(`CREATE INDEX notifications_inbox_idx ON notifications (town, recipient, occurred_at DESC) WHERE delivered_at IS NOT NULL`);

    await q.query(`
      CREATE TABLE notification_outbox (
        id               text        PRIMARY KEY,
        notification_id  text        NOT NULL REFERENCES notifications (id),
        channel          text        NOT NULL,
        status           text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED')),
        attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at  timestamptz NOT NULL DEFAULT now(),
        last_error       text,
        sent_at          timestamptz,
        created_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT notification_outbox_one_per_channel UNIQUE (notification_id, channel)
      )`);
    await q.query(`CREATE INDEX notification_outbox_due_idx ON notification_outbox (channel, next_attempt_at) WHERE status = 'PENDING'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification_outbox`);
    await q.query(`DROP TABLE notifications`);
    await q.query(`DROP TABLE tasks`);
    // children.villager_group stays: it belongs to the registry (its migration may have added it).
  }
}

function list(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

// Frozen copy of NOTIFICATION_KINDS (src/notifications/notification-kinds.ts) as of this migration.
const KINDS = ['TASK_ASSIGNED', 'TASK_REASSIGNED', 'REMINDER', 'DEADLINE_MISSED', 'ESCALATED_TO_SUPERVISOR', 'ESCALATED_TO_LEADER'];
