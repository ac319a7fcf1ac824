/**
 * Ledger imports as jobs (issue 16): POST /api/ledger/import stores the upload in
 * ledger_import_jobs and answers 202; the worker role's runner takes the jobs one at a time
 * (FOR UPDATE SKIP LOCKED, so several workers share them), reads and checks the file in a worker
 * thread (src/ledger/read-in-thread.ts; the queue itself is ../jobs/upload-job-queue.ts) and writes it as src/ledger/import-ledger.ts does (one
 * transaction, all or nothing). GET /api/ledger/imports/:id shows the status, the progress and the
 * row report. A job whose worker died (no heartbeat for STALE_AFTER_MS) is taken again: its
 * transaction was rolled back and the import is idempotent, so the re-run writes the rest, and a
 * job that keeps dying fails after MAX_ATTEMPTS. The rows the write rule refused are audited here
 * (WRITE_REFUSED, as the request's interceptor does for other writes).
 */
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { ScopedUser } from '../../access/permissions';
import { importLedger, ImportReport, NoCaseEngineError, RefusedRow } from '../../ledger/import-ledger';
import { LedgerLayoutError } from '../../ledger/parse-ledger';
import { readAndParseInThread } from '../../ledger/read-in-thread';
import { LedgerTooLargeError, ReadLimits, UnsupportedLedgerFileError } from '../../ledger/read-sheet';
import type { Towns } from '../../read-model/town';
import { errorBody, toApiError } from '../api-exception.filter';
import { AuditLog, AuditRecord } from '../audit/audit-log';
import type { CaseEngine } from '../case-engine.port';
import { ApiError, ErrorBody } from '../errors';
import { CUT_OFF_ERROR, ReportProgress, UploadJobQueue } from '../jobs/upload-job-queue';

export type ImportJobStatus = 'queued' | 'running' | 'done' | 'failed';
export type ImportJobPhase = 'reading' | 'children' | 'cases';

/** Problems a job's report keeps (a whole file of bad rows would be tens of MB of JSON); `problemCount` has them all. */
export const MAX_PROBLEMS_ANSWERED = 5_000;
export const IMPORT_PATH = '/api/ledger/import';
export { MAX_ATTEMPTS, STALE_AFTER_MS } from '../jobs/upload-job-queue';

/** The user as the request saw them: the write rule decides every row by this scope. */
export interface JobImporter extends ScopedUser {
  id: string;
  username: string;
  actor: string;
}

export interface ImportJobView {
  id: string;
  status: ImportJobStatus;
  fileName: string;
  fileHash: string;
  fileSize: number;
  goodRowsOnly: boolean;
  dryRun: boolean;
  reopenClosedCases: boolean;
  attempts: number;
  progress: { phase: ImportJobPhase | null; done: number; total: number };
  /** Once done (or refused for bad rows): counts and the row-by-row report. */
  report: (ImportReport & { problemCount: number }) | null;
  /** Why it failed, in the API's error shape; null unless failed. */
  error: ErrorBody | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface SubmitJob {
  importer: JobImporter;
  ip: string | null;
  fileName: string;
  bytes: Buffer;
  goodRowsOnly: boolean;
  dryRun: boolean;
  reopenClosedCases?: boolean;
}

export async function submitImportJob(dataSource: DataSource, job: SubmitJob): Promise<ImportJobView> {
  const rows: JobRow[] = await dataSource.query(
    `INSERT INTO ledger_import_jobs (town, user_id, username, importer, ip, file_name, file_hash, file_size, file, good_rows_only, dry_run, reopen_closed_cases)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *`,
    [
      job.importer.town,
      job.importer.id,
      job.importer.username,
      JSON.stringify(job.importer),
      job.ip,
      job.fileName.slice(0, 255),
      createHash('sha256').update(job.bytes).digest('hex'),
      job.bytes.length,
      job.bytes,
      job.goodRowsOnly,
      job.dryRun,
      job.reopenClosedCases === true,
    ],
  );
  return view(rows[0]);
}

/** The job, if it is the user's own (anyone else's is not found: a job's report holds children's data). */
export async function findImportJob(dataSource: DataSource, id: string, user: { id: string; town: string }): Promise<ImportJobView | undefined> {
  const rows: JobRow[] = await dataSource.query(`SELECT * FROM ledger_import_jobs WHERE id = $1 AND user_id = $2 AND town = $3`, [id, user.id, user.town]);
  return rows[0] && view(rows[0]);
}

interface JobRow {
  id: string;
  town: string;
  user_id: string | null;
  username: string;
  importer: JobImporter;
  ip: string | null;
  file_name: string;
  file_hash: string;
  file_size: number;
  file: Buffer | null;
  good_rows_only: boolean;
  dry_run: boolean;
  reopen_closed_cases: boolean;
  status: ImportJobStatus;
  attempts: number;
  progress_phase: ImportJobPhase | null;
  progress_done: number;
  progress_total: number;
  report: (ImportReport & { problemCount: number }) | null;
  error: ErrorBody | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

function view(row: JobRow): ImportJobView {
  return {
    id: row.id,
    status: row.status,
    fileName: row.file_name,
    fileHash: row.file_hash,
    fileSize: row.file_size,
    goodRowsOnly: row.good_rows_only,
    dryRun: row.dry_run,
    reopenClosedCases: row.reopen_closed_cases,
    attempts: row.attempts,
    progress: { phase: row.progress_phase, done: row.progress_done, total: row.progress_total },
    report: row.report,
    error: row.error,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/** The error a job failed with, in the API's documented shape (path: the import's). */
export function importError(err: unknown): ErrorBody {
  return errorBody(toImportApiError(err), IMPORT_PATH);
}

export function toImportApiError(err: unknown): ApiError {
  if (err instanceof LedgerTooLargeError) return new ApiError(err.reason === 'UNPACKED' ? 'LEDGER.UNPACKED_TOO_LARGE' : 'LEDGER.TOO_MANY_ROWS', { zh: err.zh, en: err.message, details: err.details });
  if (err instanceof UnsupportedLedgerFileError) return new ApiError('LEDGER.UNSUPPORTED_FILE', { zh: err.zh, en: err.message });
  if (err instanceof LedgerLayoutError) return new ApiError('LEDGER.LAYOUT_INVALID', { zh: err.zh, en: err.message, details: err.details });
  if (err instanceof NoCaseEngineError) return new ApiError('ENGINE.UNAVAILABLE');
  return toApiError(err);
}

export interface ImportJobRunnerOptions {
  dataSource: DataSource;
  /** Opens the cases rows ask for; absent: such files fail with ENGINE.UNAVAILABLE. */
  engine?: CaseEngine;
  towns: Towns;
  limits: ReadLimits;
  /** How often the queue is looked at (default 500 ms). */
  pollMs?: number;
  log?: (line: string) => void;
}

/** Runs the queued jobs, one at a time, in the process that owns it (the worker role), on the shared queue (../jobs/upload-job-queue.ts). */
export class ImportJobRunner extends UploadJobQueue<JobRow> {
  private readonly audit: AuditLog;

  constructor(private readonly options: ImportJobRunnerOptions) {
    super({
      dataSource: options.dataSource,
      table: 'ledger_import_jobs',
      createdColumn: 'created_at',
      status: { queued: 'queued', running: 'running' },
      firstPhase: 'reading',
      pollMs: options.pollMs,
      label: '台账导入任务 / ledger import job',
      log: options.log,
    });
    this.audit = new AuditLog(options.dataSource);
  }

  protected giveUp(job: JobRow): Promise<void> {
    return this.finish(job.id, 'failed', null, errorBody(CUT_OFF_ERROR(), IMPORT_PATH));
  }

  protected async runJob(job: JobRow, progress: ReportProgress): Promise<void> {
    const { dataSource } = this.options;
    const refused: RefusedRow[] = [];
    try {
      const importer = job.importer;
      const report = await importLedger(
        { dataSource, engine: this.options.engine },
        {
          town: this.options.towns.get(job.town),
          fileName: job.file_name,
          bytes: job.file!,
          goodRowsOnly: job.good_rows_only,
          dryRun: job.dry_run,
          reopenClosedCases: job.reopen_closed_cases,
          importer: { userId: importer.id, username: importer.username, actor: importer.actor, via: 'API' },
          writer: importer,
          limits: this.options.limits,
          readAndParse: readAndParseInThread,
          onRefused: (rows) => refused.push(...rows),
          onProgress: progress,
        },
      );
      await progress.settled();
      const stored = { ...report, problems: report.problems.slice(0, MAX_PROBLEMS_ANSWERED), problemCount: report.problems.length };
      if (report.status === 'REJECTED') {
        const rows = report.counts.badRows;
        const error = new ApiError('LEDGER.ROWS_INVALID', {
          zh: `有 ${rows} 行不符合要求，未导入任何数据；请按逐行报告修改后重新导入，或选择只导入合格的行`,
          en: `${rows} rows are not valid; nothing was imported. Correct them as the report says and import again, or choose to import the good rows only`,
          // The words are for people (the ledger page shows them); API clients find the parameter here.
          details: { badRows: rows, goodRowsOnly: 'import the good rows only with goodRowsOnly=true / 只导入合格的行：goodRowsOnly=true' },
        });
        await this.auditRefused(job, refused, 422);
        await this.finish(job.id, 'failed', stored, errorBody(error, IMPORT_PATH));
      } else {
        await this.auditRefused(job, refused, 200);
        await this.finish(job.id, 'done', stored, null, report.importId);
      }
    } catch (err) {
      await progress.settled();
      const error = importError(err);
      if (error.statusCode >= 500) this.options.log?.(`台账导入任务失败 / ledger import job ${job.id} failed: ${(err as Error).message}`);
      await this.auditRefused(job, refused, error.statusCode);
      await this.finish(job.id, 'failed', null, error);
    }
  }

  private async finish(id: string, status: 'done' | 'failed', report: unknown, error: ErrorBody | null, importId: string | null = null): Promise<void> {
    // The upload goes with the job's end: the registry has the children, the report has the problems.
    await this.options.dataSource.query(
      `UPDATE ledger_import_jobs SET status = $2, report = $3::jsonb, error = $4::jsonb, import_id = $5, file = NULL, finished_at = now(), heartbeat_at = now() WHERE id = $1`,
      [id, status, report === null ? null : JSON.stringify(report), error === null ? null : JSON.stringify(error), importId],
    );
  }

  /** One WRITE_REFUSED row per refused child on file, under the importer's name, as the interceptor writes them for a request. */
  private async auditRefused(job: JobRow, refused: RefusedRow[], status: number): Promise<void> {
    const entries = refused.flatMap((r): AuditRecord[] =>
      r.childId === null
        ? []
        : [
            {
              userId: job.user_id,
              username: job.username,
              role: job.importer.role,
              town: job.town,
              ip: job.ip,
              method: 'POST',
              path: IMPORT_PATH,
              what: 'WRITE_REFUSED',
              caseId: null,
              childId: r.childId,
              status,
              errorCode: r.refusal === 'RECORD_OUTSIDE_SCOPE' ? 'CHILD.HANDLED_ELSEWHERE' : 'AUTH.FORBIDDEN',
              detail: { reason: r.refusal, attempted: 'IMPORT_LEDGER', sheet: r.sheet, row: r.row, dryRun: job.dry_run, jobId: job.id },
            },
          ],
    );
    await this.audit.recordAll(entries);
  }
}
