/**
 * Delivers the outbox (notification_outbox): runs in the worker process. Each round claims due
 * PENDING rows of its channels with FOR UPDATE SKIP LOCKED (several workers never take the same
 * row), delivers each through its channel and marks it SENT; a failure is retried with
 * exponential backoff (1 s, 2 s, 4 s ... at most 10 min) and after `maxAttempts` the row is
 * FAILED with its last error (a person must look). Delivery is at least once: a crash between
 * delivering and the commit delivers again, so channels are idempotent per outboxId.
 *
 * Before sending: a person who turned an optional channel off gets nothing (SKIPPED), and a
 * channel's daily cap per person counts sends per China day in notification_daily_counts (a
 * conditional upsert: two dispatchers never pass it together); a row over the cap waits until
 * 00:00 Asia/Shanghai of the next day. After sending, channels with receipts are asked for them
 * (`pollReceipts`): SENT becomes DELIVERED or UNDELIVERED.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { AwaitingReceipt, NotificationChannel, OutgoingNotification, Receipt, UndeliverableError } from './channel';
import type { NotificationKind } from './notification-kinds';

export interface DispatcherOptions {
  /** Pause between rounds when the last one found nothing (default 1 s). */
  pollMs?: number;
  /** Rows per round (default 50). */
  batchSize?: number;
  /** Attempts before a row is FAILED (default 10). */
  maxAttempts?: number;
  /** First retry delay; doubled per attempt, at most 10 minutes (default 1 s). */
  backoffMs?: number;
  /** How long a SENT row waits before its receipt is asked again (default 30 s). */
  receiptRecheckMs?: number;
  /** How long after sending receipts are still asked for (default 3 days; Aliyun keeps them 30). */
  receiptWindowMs?: number;
  /** "Now" for due times, the daily cap's China day and receipts (tests); default the database's clock. */
  clock?: () => Date;
  log?: (line: string) => void;
}

const MAX_BACKOFF_MS = 10 * 60_000;
/** Rows asked for receipts per channel and round. */
const RECEIPT_BATCH = 50;

interface ClaimedRow {
  outbox_id: string;
  notification_id: string;
  channel: string;
  attempts: number;
  recipient: string;
  town: string;
  kind: NotificationKind;
  case_id: string | null;
  title_zh: string;
  title_en: string;
  body_zh: string;
  body_en: string;
  occurred_at: Date;
  phone: string | null;
  wecom_user_id: string | null;
  opted_out: boolean;
  /** The round's "now" (the test clock, else the database's). */
  round_now: Date;
}

export interface RoundResult {
  sent: number;
  retried: number;
  failed: number;
  /** Turned off by the person, or no address on file: nothing to retry. */
  skipped: number;
  /** Over the person's daily cap: waiting for the next China day. */
  deferred: number;
}

const emptyRound = (): RoundResult => ({ sent: 0, retried: 0, failed: 0, skipped: 0, deferred: 0 });
const anything = (r: RoundResult) => r.sent + r.retried + r.failed + r.skipped + r.deferred > 0;

export class OutboxDispatcher {
  private readonly channels: Map<string, NotificationChannel>;
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly receiptRecheckMs: number;
  private readonly receiptWindowMs: number;
  private readonly clock?: () => Date;
  private readonly log: (line: string) => void;
  private running?: Promise<void>;
  private stopping = false;
  private wake?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    channels: readonly NotificationChannel[],
    options: DispatcherOptions = {},
  ) {
    this.channels = new Map(channels.map((c) => [c.name, c]));
    this.pollMs = options.pollMs ?? 1_000;
    this.batchSize = options.batchSize ?? 50;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.backoffMs = options.backoffMs ?? 1_000;
    this.receiptRecheckMs = options.receiptRecheckMs ?? 30_000;
    this.receiptWindowMs = options.receiptWindowMs ?? 3 * 86_400_000;
    this.clock = options.clock;
    this.log = options.log ?? (() => undefined);
  }

  /** Starts polling in the background; `stop()` ends it after the current round. */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let worked = false;
      try {
        const r = await this.runOnce();
        worked = anything(r);
        await this.pollReceipts();
      } catch (err) {
        // The database may be down for a while: keep polling, say why.
        this.log(`通知发送 / outbox dispatcher: ${(err as Error).message}`);
      }
      if (!worked && !this.stopping) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.pollMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  /** One round: claims, delivers and marks up to batchSize due rows. Tests call it directly. */
  async runOnce(): Promise<RoundResult> {
    const result = emptyRound();
    if (this.channels.size === 0) return result;
    await this.dataSource.transaction(async (m) => {
      const rows: ClaimedRow[] = await m.query(CLAIM, [[...this.channels.keys()], this.batchSize, this.now()]);
      for (const row of rows) {
        const outcome = await this.deliver(m, row);
        result[outcome]++;
      }
    });
    return result;
  }

  /** Runs rounds until nothing is due (tests). */
  async drain(): Promise<RoundResult> {
    const total = emptyRound();
    for (;;) {
      const r = await this.runOnce();
      for (const key of Object.keys(total) as Array<keyof RoundResult>) total[key] += r[key];
      if (!anything(r)) return total;
    }
  }

  /**
   * Asks the channels with receipts about their SENT rows (each at most every receiptRecheckMs,
   * within receiptWindowMs of sending); answers how many rows got their final state. A provider
   * that fails is asked again next time.
   */
  async pollReceipts(): Promise<number> {
    let settled = 0;
    for (const channel of this.channels.values()) {
      if (!channel.receipts) continue;
      settled += await this.dataSource.transaction(async (m) => {
        const [{ now }]: Array<{ now: Date }> = await m.query(`SELECT COALESCE($1::timestamptz, now()) AS now`, [this.now()]);
        const rows: Array<{ id: string; sent_to: string; provider_message_id: string; sent_at: Date }> = await m.query(
          `SELECT id, sent_to, provider_message_id, sent_at FROM notification_outbox
           WHERE channel = $1 AND status = 'SENT' AND provider_message_id IS NOT NULL AND sent_to IS NOT NULL
             AND sent_at > $2::timestamptz - make_interval(secs => $3::double precision / 1000)
             AND (receipt_checked_at IS NULL OR receipt_checked_at <= $2::timestamptz - make_interval(secs => $4::double precision / 1000))
           ORDER BY sent_at LIMIT ${RECEIPT_BATCH}
           FOR UPDATE SKIP LOCKED`,
          [channel.name, now, this.receiptWindowMs, this.receiptRecheckMs],
        );
        if (rows.length === 0) return 0;
        const asked: AwaitingReceipt[] = rows.map((r) => ({ outboxId: r.id, sentTo: r.sent_to, providerMessageId: r.provider_message_id, sentAt: new Date(r.sent_at) }));
        let receipts: Receipt[];
        try {
          receipts = await channel.receipts!(asked);
        } catch (err) {
          this.log(`回执查询失败 / receipts of ${channel.name}: ${(err as Error).message}`);
          receipts = [];
        }
        const known = new Set(asked.map((r) => r.outboxId));
        let n = 0;
        for (const r of receipts) {
          if (!known.has(r.outboxId)) continue;
          await m.query(`UPDATE notification_outbox SET status = $2, receipt_at = $3, receipt_error = $4, receipt_checked_at = $5 WHERE id = $1 AND status = 'SENT'`, [
            r.outboxId,
            r.state,
            r.at ?? now,
            r.error?.slice(0, 1000) ?? null,
            now,
          ]);
          known.delete(r.outboxId);
          this.log(`回执 / receipt: ${r.outboxId} ${r.state}${r.error ? ` (${r.error})` : ''}`);
          n++;
        }
        if (known.size > 0) await m.query(`UPDATE notification_outbox SET receipt_checked_at = $2 WHERE id = ANY($1::text[])`, [[...known], now]);
        return n;
      });
    }
    return settled;
  }

  /** The test clock, else null: the SQL then takes the database's now() (one clock for every process). */
  private now(): Date | null {
    return this.clock ? this.clock() : null;
  }

  private async deliver(m: EntityManager, row: ClaimedRow): Promise<keyof RoundResult> {
    const attempt = row.attempts + 1;
    const channel = this.channels.get(row.channel)!;
    const now = row.round_now;
    if (channel.optional && row.opted_out) {
      await m.query(`UPDATE notification_outbox SET status = 'SKIPPED', last_error = $2 WHERE id = $1`, [row.outbox_id, '本人已关闭此渠道 / the person turned this channel off']);
      return 'skipped';
    }
    const counted = channel.dailyCap !== undefined;
    if (counted) {
      const [{ day }]: Array<{ day: string }> = await m.query(`SELECT (($1::timestamptz) AT TIME ZONE 'Asia/Shanghai')::date::text AS day`, [now]);
      const taken: unknown[] = await m.query(
        `INSERT INTO notification_daily_counts AS c (town, username, channel, day, sent) VALUES ($1, $2, $3, $4::date, 1)
         ON CONFLICT (town, username, channel, day) DO UPDATE SET sent = c.sent + 1 WHERE c.sent < $5
         RETURNING sent`,
        [row.town, row.recipient, row.channel, day, channel.dailyCap],
      );
      if (taken.length === 0) {
        // Over the cap: the row waits for the next China day (00:00 Asia/Shanghai), its attempts untouched.
        await m.query(
          `UPDATE notification_outbox SET next_attempt_at = (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'), last_error = $3 WHERE id = $1`,
          [row.outbox_id, day, `已达每日上限 ${channel.dailyCap} 条，次日发送 / daily cap of ${channel.dailyCap} reached, sent the next day`],
        );
        return 'deferred';
      }
    }
    const uncount = async () => {
      if (counted) {
        await m.query(
          `UPDATE notification_daily_counts SET sent = sent - 1 WHERE town = $1 AND username = $2 AND channel = $3 AND day = (($4::timestamptz) AT TIME ZONE 'Asia/Shanghai')::date AND sent > 0`,
          [row.town, row.recipient, row.channel, now],
        );
      }
    };
    const message: OutgoingNotification = {
      outboxId: row.outbox_id,
      notificationId: row.notification_id,
      recipient: row.recipient,
      town: row.town,
      kind: row.kind,
      caseId: row.case_id,
      title: { zh: row.title_zh, en: row.title_en },
      body: { zh: row.body_zh, en: row.body_en },
      occurredAt: new Date(row.occurred_at).toISOString(),
      attempt,
      contact: { phone: row.phone, wecomUserId: row.wecom_user_id },
    };
    try {
      const result = (await channel.deliver(message)) ?? {};
      await m.query(
        `UPDATE notification_outbox SET status = $3, attempts = $2, sent_at = $4, last_error = NULL,
                sent_to = $5, provider_message_id = $6, receipt_at = CASE WHEN $3 = 'SENT' THEN NULL ELSE $4::timestamptz END, receipt_error = $7
         WHERE id = $1`,
        [row.outbox_id, attempt, result.state ?? 'SENT', now, result.sentTo ?? null, result.providerMessageId ?? null, result.error?.slice(0, 1000) ?? null],
      );
      return 'sent';
    } catch (err) {
      await uncount();
      const error = String((err as Error)?.message ?? err).slice(0, 1000);
      if (err instanceof UndeliverableError) {
        await m.query(`UPDATE notification_outbox SET status = 'SKIPPED', attempts = $2, last_error = $3 WHERE id = $1`, [row.outbox_id, attempt, error]);
        return 'skipped';
      }
      if (attempt >= this.maxAttempts) {
        await m.query(`UPDATE notification_outbox SET status = 'FAILED', attempts = $2, last_error = $3 WHERE id = $1`, [row.outbox_id, attempt, error]);
        this.log(`通知发送失败 / notification ${row.outbox_id} failed after ${attempt} attempts: ${error}`);
        return 'failed';
      }
      const delay = Math.min(this.backoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
      await m.query(
        `UPDATE notification_outbox SET attempts = $2, last_error = $3, next_attempt_at = $5::timestamptz + make_interval(secs => $4::double precision / 1000) WHERE id = $1`,
        [row.outbox_id, attempt, error, delay, now],
      );
      return 'retried';
    }
  }
}

const CLAIM = `
  SELECT o.id AS outbox_id, o.notification_id, o.channel, o.attempts,
         n.recipient, n.town, n.kind, n.case_id, n.title_zh, n.title_en, n.body_zh, n.body_en, n.occurred_at,
         u.phone, u.wecom_user_id,
         COALESCE($3::timestamptz, now()) AS round_now,
         EXISTS (SELECT 1 FROM notification_opt_outs x WHERE x.town = n.town AND x.username = n.recipient AND x.channel = o.channel) AS opted_out
  FROM notification_outbox o
  JOIN notifications n ON n.id = o.notification_id
  LEFT JOIN users u ON u.town = n.town AND u.username = n.recipient
  WHERE o.status = 'PENDING' AND o.next_attempt_at <= COALESCE($3::timestamptz, now()) AND o.channel = ANY($1::text[])
  ORDER BY o.next_attempt_at, o.id
  LIMIT $2
  FOR UPDATE OF o SKIP LOCKED`;
