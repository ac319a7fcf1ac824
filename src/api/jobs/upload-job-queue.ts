/**
 * The queue of uploaded files that a worker process imports (issue 16), shared by the ledger
 * import (ledger_import_jobs) and the four sources of issue 15 (source_imports): the request
 * stores the upload and answers 202; here a worker takes the oldest waiting job (FOR UPDATE SKIP
 * LOCKED, so several workers share them), beats its heart while it runs, writes its progress at
 * most twice a second, and takes again a job whose worker died (no heartbeat for STALE_AFTER_MS):
 * its transaction was rolled back and every import is idempotent. A job cut off more than
 * MAX_ATTEMPTS times is given up. What a job does and how it ends is the subclass's `runJob`.
 */
import type { DataSource } from 'typeorm';
import { ApiError } from '../errors';

export const STALE_AFTER_MS = 60_000;
export const MAX_ATTEMPTS = 3;

/** The columns every upload job table has. */
export interface UploadJobRow {
  id: string;
  attempts: number;
  file: Buffer | null;
}

/** Writes a job's progress (at most twice a second, the last one always); `settled()` waits for the writes, so a job's end is written after them. */
export interface ReportProgress {
  (phase: string, done: number, total: number): void;
  settled(): Promise<void>;
}

/** Why a job that kept being cut off ends failed. */
export const CUT_OFF_ERROR = () =>
  new ApiError('INTERNAL.ERROR', { zh: '导入多次中断，未导入任何数据；请重新上传文件', en: 'The import was cut off several times; nothing was imported. Upload the file again' });

export interface UploadJobQueueSettings {
  dataSource: DataSource;
  /** The table (a constant of ours, never user input). */
  table: string;
  /** The column of the upload's time: the oldest goes first. */
  createdColumn: string;
  /** The table's words for waiting and running. */
  status: { queued: string; running: string };
  /** The phase a job starts in. */
  firstPhase: string;
  /** How often the queue is looked at (default 500 ms). */
  pollMs?: number;
  /** Names the queue in log lines. */
  label: string;
  log?: (line: string) => void;
}

export abstract class UploadJobQueue<Row extends UploadJobRow> {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(private readonly settings: UploadJobQueueSettings) {}

  /** Runs a job it took; ends it (done or failed) itself. */
  protected abstract runJob(job: Row, progress: ReportProgress): Promise<void>;

  /** Ends a job that was cut off too often, or lost its file (CUT_OFF_ERROR). */
  protected abstract giveUp(job: Row): Promise<void>;

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Waits for the job in hand; a job cut off by a stop is taken again (the next start, or another worker). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runNext()
        .catch((err) => this.settings.log?.(`${this.settings.label}: ${(err as Error).message}`))
        .then((ran) => this.schedule(ran ? 0 : (this.settings.pollMs ?? 500)));
    }, ms);
  }

  /** Takes the oldest waiting job (or a stale one) and runs it; false when there was none. */
  async runNext(): Promise<boolean> {
    const { dataSource, table, createdColumn, status } = this.settings;
    // TypeORM answers an UPDATE ... RETURNING with [rows, count].
    const [rows]: [Row[], number] = await dataSource.query(
      `UPDATE ${table}
          SET status = $2, attempts = attempts + 1, started_at = COALESCE(started_at, now()), heartbeat_at = now(),
              progress_phase = $4, progress_done = 0, progress_total = 0
        WHERE id = (SELECT id FROM ${table}
                     WHERE status = $3 OR (status = $2 AND heartbeat_at < now() - $1::int * interval '1 second')
                     ORDER BY ${createdColumn} LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [STALE_AFTER_MS / 1000, status.running, status.queued, this.settings.firstPhase],
    );
    const job = rows[0];
    if (!job) return false;
    if (job.attempts > MAX_ATTEMPTS || !job.file) {
      await this.giveUp(job);
      return true;
    }
    const heartbeat = setInterval(() => void dataSource.query(`UPDATE ${table} SET heartbeat_at = now() WHERE id = $1`, [job.id]).catch(() => undefined), 5_000);
    let lastProgress = 0;
    // One write after the other: the last one (done = total) must not overtake an earlier one, nor the job's end.
    let writes: Promise<unknown> = Promise.resolve();
    const progress = Object.assign(
      (phase: string, done: number, total: number) => {
        // At most twice a second: progress is for the page, not a write per row.
        if (done < total && Date.now() - lastProgress < 500) return;
        lastProgress = Date.now();
        writes = writes
          .then(() => dataSource.query(`UPDATE ${table} SET progress_phase = $2, progress_done = $3, progress_total = $4, heartbeat_at = now() WHERE id = $1 AND status = $5`, [job.id, phase, done, total, status.running]))
          .catch(() => undefined);
      },
      { settled: () => writes.then(() => undefined) },
    );
    try {
      await this.runJob(job, progress);
    } finally {
      clearInterval(heartbeat);
    }
    return true;
  }
}
