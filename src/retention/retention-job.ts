/**
 * Retention: what is worth keeping only for a while goes after a configured age; the audit log
 * stays (it is evidence; its page indexes, migration 1767400000000, keep its reads fast).
 * - finished notifications' outbox rows (SENT, DELIVERED, UNDELIVERED, SKIPPED; the notification itself, the in-app inbox,
 *   stays): after BAOXUE_OUTBOX_RETENTION (default 30d). PENDING and FAILED rows stay: they are work;
 * - idempotency keys: after BAOXUE_IDEMPOTENCY_RETENTION (default 7d, never less than the keys'
 *   lifetime of 24 h, so no key that still answers a retry goes);
 * - the API rate limit's windows that ended an hour ago;
 * - the notification channels' daily counts of days before yesterday (China time): the cap reads today's only.
 * Runs in every worker process, hourly and once at start; deleting twice is harmless, so several
 * workers need no lock. Each round deletes in batches, so a first run on years of rows never holds
 * a long lock.
 */
import type { DataSource } from 'typeorm';
import { pruneRateLimitWindows } from '../api/hardening/rate-limit-store';

export interface RetentionSettings {
  outboxMs: number;
  idempotencyMs: number;
}

export interface RetentionResult {
  outboxRows: number;
  idempotencyKeys: number;
  rateLimitWindows: number;
  dailyCounts: number;
}

/** Rows one DELETE removes at most (exported for the test that shows the batches). */
export const BATCH = 5_000;

async function deleteInBatches(dataSource: DataSource, sql: string, params: unknown[]): Promise<number> {
  let total = 0;
  for (;;) {
    const [, deleted] = (await dataSource.query(sql, params)) as [unknown, number];
    total += deleted;
    if (deleted < BATCH) return total;
  }
}

/** One round; tests call it directly. */
export async function pruneOnce(dataSource: DataSource, settings: RetentionSettings): Promise<RetentionResult> {
  const outboxRows = await deleteInBatches(
    dataSource,
    `DELETE FROM notification_outbox WHERE id IN (
       SELECT id FROM notification_outbox WHERE status IN ('SENT', 'DELIVERED', 'UNDELIVERED', 'SKIPPED') AND COALESCE(sent_at, created_at) < now() - $1::float8 * interval '1 millisecond' LIMIT ${BATCH})`,
    [settings.outboxMs],
  );
  const idempotencyKeys = await deleteInBatches(
    dataSource,
    `DELETE FROM idempotency_keys WHERE ctid IN (
       SELECT ctid FROM idempotency_keys WHERE created_at < now() - $1::float8 * interval '1 millisecond' LIMIT ${BATCH})`,
    [settings.idempotencyMs],
  );
  const rateLimitWindows = await pruneRateLimitWindows(dataSource);
  const [, dailyCounts] = (await dataSource.query(`DELETE FROM notification_daily_counts WHERE day < (now() AT TIME ZONE 'Asia/Shanghai')::date - 1`)) as [unknown, number];
  return { outboxRows, idempotencyKeys, rateLimitWindows, dailyCounts };
}

export class RetentionJob {
  private timer?: NodeJS.Timeout;
  private round?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: RetentionSettings,
    private readonly options: { everyMs?: number; log?: (line: string) => void } = {},
  ) {}

  start(): void {
    const run = () => {
      this.round = pruneOnce(this.dataSource, this.settings).then(
        (r) => {
          if (r.outboxRows + r.idempotencyKeys > 0) this.options.log?.(`保留期清理 / retention: ${r.outboxRows} delivered outbox rows, ${r.idempotencyKeys} idempotency keys pruned`);
        },
        (err: Error) => this.options.log?.(`保留期清理失败 / retention round failed (next round retries): ${err.message}`),
      );
    };
    run();
    this.timer = setInterval(run, this.options.everyMs ?? 3_600_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.round;
  }
}
