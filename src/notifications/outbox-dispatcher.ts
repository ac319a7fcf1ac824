/**
 * Delivers the outbox (notification_outbox): runs in the worker process. Each round claims due
 * PENDING rows of its channels with FOR UPDATE SKIP LOCKED (several workers never take the same
 * row), delivers each through its channel and marks it SENT; a failure is retried with
 * exponential backoff (1 s, 2 s, 4 s ... at most 10 min) and after `maxAttempts` the row is
 * FAILED with its last error (a person must look). Delivery is at least once: a crash between
 * delivering and the commit delivers again, so channels are idempotent per outboxId.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { NotificationChannel, OutgoingNotification } from './channel';
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
  log?: (line: string) => void;
}

const MAX_BACKOFF_MS = 10 * 60_000;

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
}

export interface RoundResult {
  sent: number;
  retried: number;
  failed: number;
}

export class OutboxDispatcher {
  private readonly channels: Map<string, NotificationChannel>;
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
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
        worked = r.sent + r.retried + r.failed > 0;
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
    const result: RoundResult = { sent: 0, retried: 0, failed: 0 };
    if (this.channels.size === 0) return result;
    await this.dataSource.transaction(async (m) => {
      const rows: ClaimedRow[] = await m.query(CLAIM, [[...this.channels.keys()], this.batchSize]);
      for (const row of rows) {
        const outcome = await this.deliver(m, row);
        result[outcome]++;
      }
    });
    return result;
  }

  /** Runs rounds until nothing is due (tests). */
  async drain(): Promise<RoundResult> {
    const total: RoundResult = { sent: 0, retried: 0, failed: 0 };
    for (;;) {
      const r = await this.runOnce();
      total.sent += r.sent;
      total.retried += r.retried;
      total.failed += r.failed;
      if (r.sent + r.retried + r.failed === 0) return total;
    }
  }

  private async deliver(m: EntityManager, row: ClaimedRow): Promise<keyof RoundResult> {
    const attempt = row.attempts + 1;
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
    };
    try {
      await this.channels.get(row.channel)!.deliver(message);
      await m.query(`UPDATE notification_outbox SET status = 'SENT', attempts = $2, sent_at = now(), last_error = NULL WHERE id = $1`, [row.outbox_id, attempt]);
      return 'sent';
    } catch (err) {
      const error = String((err as Error)?.message ?? err).slice(0, 1000);
      if (attempt >= this.maxAttempts) {
        await m.query(`UPDATE notification_outbox SET status = 'FAILED', attempts = $2, last_error = $3 WHERE id = $1`, [row.outbox_id, attempt, error]);
        this.log(`通知发送失败 / notification ${row.outbox_id} failed after ${attempt} attempts: ${error}`);
        return 'failed';
      }
      const delay = Math.min(this.backoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
      await m.query(
        `UPDATE notification_outbox SET attempts = $2, last_error = $3, next_attempt_at = now() + make_interval(secs => $4::double precision / 1000) WHERE id = $1`,
        [row.outbox_id, attempt, error, delay],
      );
      return 'retried';
    }
  }
}

const CLAIM = `
  SELECT o.id AS outbox_id, o.notification_id, o.channel, o.attempts,
         n.recipient, n.town, n.kind, n.case_id, n.title_zh, n.title_en, n.body_zh, n.body_en, n.occurred_at
  FROM notification_outbox o
  JOIN notifications n ON n.id = o.notification_id
  WHERE o.status = 'PENDING' AND o.next_attempt_at <= now() AND o.channel = ANY($1::text[])
  ORDER BY o.next_attempt_at, o.id
  LIMIT $2
  FOR UPDATE OF o SKIP LOCKED`;
