import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delivery channels beside the inbox (SMS, 企业微信; src/notifications):
 * - users.phone (mainland mobile, 1[3-9] + 9 digits) and users.wecom_user_id (the 企业微信 userid),
 *   both optional, kept by the town administrator: where an SMS or a WeCom message goes;
 * - notification_outbox gets the states after SENT: DELIVERED / UNDELIVERED from the provider's
 *   receipt, and SKIPPED when the person turned the channel off or has no number on file (nothing
 *   to retry); `sent_to` (the number or userid used, for the receipt query), `provider_message_id`
 *   (Aliyun BizId, WeCom msgid), `receipt_at`, `receipt_checked_at`, `receipt_error`;
 * - notification_opt_outs: a person's channels turned off (a row = off);
 * - notification_daily_counts: sends per person, channel and China day, for the daily cap (a
 *   conditional upsert, so two dispatchers never pass the cap together).
 */
export class NotificationChannels1768000000000 implements MigrationInterface {
  name = 'NotificationChannels1768000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN phone text NULL CONSTRAINT users_phone_check CHECK (phone ~ '^1[3-9][0-9]{9}$')`);
    await q.query(`ALTER TABLE users ADD COLUMN wecom_user_id text NULL CONSTRAINT users_wecom_user_id_check CHECK (wecom_user_id ~ '^[A-Za-z0-9._@-]{1,64}$')`);

    await q.query(`ALTER TABLE notification_outbox DROP CONSTRAINT notification_outbox_status_check`);
    await q.query(
      `ALTER TABLE notification_outbox ADD CONSTRAINT notification_outbox_status_check CHECK (status IN ('PENDING', 'SENT', 'DELIVERED', 'UNDELIVERED', 'SKIPPED', 'FAILED'))`,
    );
    await q.query(`
      ALTER TABLE notification_outbox
        ADD COLUMN sent_to text NULL,
        ADD COLUMN provider_message_id text NULL,
        ADD COLUMN receipt_at timestamptz NULL,
        ADD COLUMN receipt_checked_at timestamptz NULL,
        ADD COLUMN receipt_error text NULL`);
    // The receipt poller's rows: sent, with a provider id, no receipt yet.
    await q.query(`CREATE INDEX notification_outbox_awaiting_receipt_idx ON notification_outbox (channel, sent_at) WHERE status = 'SENT' AND provider_message_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE notification_opt_outs (
        town        text        NOT NULL,
        username    text        NOT NULL,
        channel     text        NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (town, username, channel)
      )`);
    await q.query(`
      CREATE TABLE notification_daily_counts (
        town      text    NOT NULL,
        username  text    NOT NULL,
        channel   text    NOT NULL,
        day       date    NOT NULL,
        sent      integer NOT NULL CHECK (sent >= 0),
        PRIMARY KEY (town, username, channel, day)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification_daily_counts`);
    await q.query(`DROP TABLE notification_opt_outs`);
    await q.query(`DROP INDEX notification_outbox_awaiting_receipt_idx`);
    await q.query(`ALTER TABLE notification_outbox DROP COLUMN sent_to, DROP COLUMN provider_message_id, DROP COLUMN receipt_at, DROP COLUMN receipt_checked_at, DROP COLUMN receipt_error`);
    await q.query(`UPDATE notification_outbox SET status = 'SENT' WHERE status IN ('DELIVERED', 'UNDELIVERED', 'SKIPPED')`);
    await q.query(`ALTER TABLE notification_outbox DROP CONSTRAINT notification_outbox_status_check`);
    await q.query(`ALTER TABLE notification_outbox ADD CONSTRAINT notification_outbox_status_check CHECK (status IN ('PENDING', 'SENT', 'FAILED'))`);
    await q.query(`ALTER TABLE users DROP COLUMN wecom_user_id`);
    await q.query(`ALTER TABLE users DROP COLUMN phone`);
  }
}
