/**
 * The four sources' imports as jobs, on the queue the ledger uses (src/api/jobs/upload-job-queue.ts):
 * POST /api/sources/import stores the upload as a source_imports row (QUEUED) and answers 202;
 * the worker role's SourceImportRunner reads and checks it in a worker thread and writes it
 * (./import-sources.ts); GET /api/sources/imports/:id shows the status, progress and row report.
 */
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { errorBody } from '../../api/api-exception.filter';
import { ApiError, ErrorBody } from '../../api/errors';
import { CUT_OFF_ERROR, ReportProgress, UploadJobQueue } from '../../api/jobs/upload-job-queue';
import { toImportApiError, JobImporter, MAX_PROBLEMS_ANSWERED } from '../../api/ledger/import-jobs';
import { readInThread } from '../../ledger/read-in-thread';
import { LedgerLayoutError } from '../../ledger/parse-ledger';
import type { ReadLimits } from '../../ledger/read-sheet';
import type { SourceImportStatus, SourceKind } from '../../read-model/entities';
import type { Towns } from '../../read-model/town';
import type { Label } from '../../workflows/vocabulary';
import { importSource, SourceReport } from './import-sources';
import { ParsedSource, SOURCE_READER, SourceParseOptions } from './parse-sources';
import { SOURCE_KIND_LABELS } from './source-scope';

export const SOURCE_IMPORT_PATH = '/api/sources/import';

/** The importer as the request saw them, and what the scope rule decided. */
export interface SourceImporter extends JobImporter {
  classOnly: { grade: number; className: string } | null;
}

export interface SourceImportView {
  id: string;
  kind: SourceKind;
  kindLabel: Label;
  /** The school code, or '' for a town-wide file. */
  scope: string;
  scopeLabel: Label;
  /** 1, 2, 3 … once imported; null for a dry run, a failure, or the same file again. */
  version: number | null;
  status: SourceImportStatus;
  dryRun: boolean;
  fileName: string;
  fileSha256: string;
  fileSize: number;
  uploadedBy: string;
  uploadedAt: string;
  attempts: number;
  progress: { phase: 'reading' | 'writing' | null; done: number; total: number };
  rowCount: number | null;
  /** The same file imported before, which this one answers. */
  sameAs: string | null;
  report: (SourceReport & { problemCount: number }) | null;
  error: ErrorBody | null;
  startedAt: string | null;
  finishedAt: string | null;
}

interface JobRow {
  id: string;
  town_code: string;
  kind: SourceKind;
  scope: string;
  version: number | null;
  file_name: string;
  file_sha256: string;
  file_size: number;
  file: Buffer | null;
  dry_run: boolean;
  uploaded_by: string;
  user_id: string | null;
  importer: SourceImporter;
  uploaded_at: Date;
  status: SourceImportStatus;
  attempts: number;
  progress_phase: 'reading' | 'writing' | null;
  progress_done: number;
  progress_total: number;
  row_count: number | null;
  report: (SourceReport & { problemCount: number }) | null;
  error: ErrorBody | null;
  same_as: string | null;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface SubmitSource {
  importer: SourceImporter;
  ip: string | null;
  kind: SourceKind;
  scope: string;
  fileName: string;
  bytes: Buffer;
  dryRun: boolean;
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function submitSourceImport(dataSource: DataSource, towns: Towns, job: SubmitSource): Promise<SourceImportView> {
  const rows: JobRow[] = await dataSource.query(
    `INSERT INTO source_imports (town_code, kind, scope, file_name, file_sha256, file_size, file, dry_run, uploaded_by, user_id, importer, ip)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12) RETURNING *`,
    [job.importer.town, job.kind, job.scope, job.fileName.slice(0, 255), sha256(job.bytes), job.bytes.length, job.bytes, job.dryRun, job.importer.username, job.importer.id, JSON.stringify(job.importer), job.ip],
  );
  return view(towns, rows[0]);
}

/** The version (DONE, not a dry run) of this exact file for the town, kind and scope, if any. */
export async function findSameFile(dataSource: DataSource, towns: Towns, town: string, kind: SourceKind, scope: string, fileSha256: string): Promise<SourceImportView | undefined> {
  const rows: JobRow[] = await dataSource.query(`SELECT * FROM source_imports WHERE town_code = $1 AND kind = $2 AND scope = $3 AND file_sha256 = $4 AND version IS NOT NULL`, [town, kind, scope, fileSha256]);
  return rows[0] && view(towns, rows[0]);
}

/** The import, if it is the user's own upload (a report holds children's data). */
export async function findSourceImport(dataSource: DataSource, towns: Towns, id: string, user: { id: string; town: string }): Promise<SourceImportView | undefined> {
  const rows: JobRow[] = await dataSource.query(`SELECT * FROM source_imports WHERE id = $1 AND user_id = $2 AND town_code = $3`, [id, user.id, user.town]);
  return rows[0] && view(towns, rows[0]);
}

export interface SourceVersionView {
  id: string;
  kind: SourceKind;
  kindLabel: Label;
  scope: string;
  scopeLabel: Label;
  version: number;
  /** The latest version of its kind and scope: the one the cross-check reads. */
  current: boolean;
  fileName: string;
  fileSha256: string;
  uploadedBy: string;
  uploadedAt: string;
  rowCount: number | null;
}

/** The versions of the town's sources (who, when, which file), newest first, in the scopes given. */
export async function listSourceVersions(dataSource: DataSource, towns: Towns, town: string, filter: { kind?: SourceKind; scopes: string[] | 'ALL' }): Promise<SourceVersionView[]> {
  const rows: Array<JobRow & { current: boolean }> = await dataSource.query(
    `SELECT s.*, s.id IN (SELECT id FROM current_source_imports) AS current
       FROM source_imports s
      WHERE s.town_code = $1 AND s.version IS NOT NULL AND ($2::text IS NULL OR s.kind = $2) AND ($3::text[] IS NULL OR s.scope = ANY($3))
      ORDER BY s.uploaded_at DESC, s.version DESC LIMIT 200`,
    [town, filter.kind ?? null, filter.scopes === 'ALL' ? null : filter.scopes],
  );
  return rows.map((r) => {
    const v = view(towns, r);
    return { id: v.id, kind: v.kind, kindLabel: v.kindLabel, scope: v.scope, scopeLabel: v.scopeLabel, version: r.version!, current: r.current, fileName: v.fileName, fileSha256: v.fileSha256, uploadedBy: v.uploadedBy, uploadedAt: v.uploadedAt, rowCount: v.rowCount };
  });
}

function view(towns: Towns, row: JobRow): SourceImportView {
  const town = towns.get(row.town_code);
  return {
    id: row.id,
    kind: row.kind,
    kindLabel: SOURCE_KIND_LABELS[row.kind],
    scope: row.scope,
    scopeLabel: row.scope === '' ? { zh: '全镇', en: 'whole town' } : town.schoolLabel(row.scope),
    version: row.version,
    status: row.status,
    dryRun: row.dry_run,
    fileName: row.file_name,
    fileSha256: row.file_sha256,
    fileSize: row.file_size,
    uploadedBy: row.uploaded_by,
    uploadedAt: row.uploaded_at.toISOString(),
    attempts: row.attempts,
    progress: { phase: row.progress_phase, done: row.progress_done, total: row.progress_total },
    rowCount: row.row_count,
    sameAs: row.same_as,
    report: row.report,
    error: row.error,
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/** The error a source import failed with, in the API's shape. */
export function sourceImportError(err: unknown): ErrorBody {
  if (err instanceof LedgerLayoutError) return errorBody(new ApiError('SOURCE.LAYOUT_INVALID', { zh: err.zh, en: err.message, details: err.details }), SOURCE_IMPORT_PATH);
  return errorBody(toImportApiError(err), SOURCE_IMPORT_PATH);
}

export interface SourceImportRunnerOptions {
  dataSource: DataSource;
  towns: Towns;
  limits: ReadLimits;
  pollMs?: number;
  log?: (line: string) => void;
  /** Called after a real import wrote a new version (the cross-check runs after each import, src/finding/check). */
  onImported?: (town: string) => void;
}

/** Runs the queued source imports, one at a time, in the worker role. */
export class SourceImportRunner extends UploadJobQueue<JobRow> {
  constructor(private readonly options: SourceImportRunnerOptions) {
    super({
      dataSource: options.dataSource,
      table: 'source_imports',
      createdColumn: 'uploaded_at',
      status: { queued: 'QUEUED', running: 'RUNNING' },
      firstPhase: 'reading',
      pollMs: options.pollMs,
      label: '名单导入任务 / source import job',
      log: options.log,
    });
  }

  protected giveUp(job: JobRow): Promise<void> {
    return this.finish(job.id, null, errorBody(CUT_OFF_ERROR(), SOURCE_IMPORT_PATH));
  }

  protected async runJob(job: JobRow, progress: ReportProgress): Promise<void> {
    const { dataSource } = this.options;
    try {
      const report = await importSource(dataSource, {
        id: job.id,
        town: this.options.towns.get(job.town_code),
        kind: job.kind,
        scope: job.scope,
        fileName: job.file_name,
        fileSha256: job.file_sha256,
        bytes: job.file!,
        dryRun: job.dry_run,
        classOnly: job.importer.classOnly ?? null,
        limits: this.options.limits,
        readAndParse: (town, fileName, bytes, limits, options: SourceParseOptions) => readInThread<ParsedSource>(SOURCE_READER, options, town, fileName, bytes, limits),
        onProgress: progress,
      });
      await progress.settled();
      const stored = { ...report, problems: report.problems.slice(0, MAX_PROBLEMS_ANSWERED), problemCount: report.problems.length };
      if (report.status === 'IMPORTED') {
        // ended DONE, with its version, in the transaction that wrote
        if (!job.dry_run) this.options.onImported?.(job.town_code);
        return;
      }
      if (report.status === 'REJECTED') {
        const rows = report.counts.badRows;
        const error = new ApiError('SOURCE.ROWS_INVALID', {
          zh: `有 ${rows} 行不符合要求，未导入任何数据；请按逐行报告修改后重新导入`,
          en: `${rows} rows are not valid; nothing was imported. Correct them as the report says and import again`,
        });
        await this.finish(job.id, stored, errorBody(error, SOURCE_IMPORT_PATH));
        return;
      }
      // A dry run, or the same file again (it answers the earlier import; nothing written).
      await this.finish(job.id, stored, null, report.status === 'ALREADY_IMPORTED' ? report.sameAs!.id : null);
    } catch (err) {
      await progress.settled();
      const error = sourceImportError(err);
      if (error.statusCode >= 500) this.options.log?.(`名单导入任务失败 / source import job ${job.id} failed: ${(err as Error).message}`);
      await this.finish(job.id, null, error);
    }
  }

  /** Ends a job that wrote nothing: DONE (dry run, same file) without an error, FAILED with one. */
  private async finish(id: string, report: unknown, error: ErrorBody | null, sameAs: string | null = null): Promise<void> {
    const rowCount = (report as SourceReport | null)?.counts.records ?? null;
    await this.options.dataSource.query(
      `UPDATE source_imports SET status = $2, report = $3::jsonb, error = $4::jsonb, same_as = $5, row_count = $6, file = NULL, finished_at = now(), heartbeat_at = now() WHERE id = $1`,
      [id, error ? 'FAILED' : 'DONE', report === null ? null : JSON.stringify(report), error === null ? null : JSON.stringify(error), sameAs, error ? null : rowCount],
    );
  }
}
