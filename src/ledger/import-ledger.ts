/**
 * Importing a ledger (台账导入), the same for the API and the command line:
 * 1. read the file (.xlsx or .csv) and check every row (src/ledger/parse-ledger.ts);
 * 2. if any row is bad and the caller did not ask for the good rows only: write nothing, answer the
 *    row-by-row report;
 * 3. register or update the children in one transaction, in batches (all or nothing); with a
 *    writer (over the API), each row is decided by the one write rule on its record, locked
 *    (src/access/child-writes.ts): a refused row is a bad row, and a row whose ID number belongs to
 *    a child the writer does not handle says only that (never created or updated, its fields, its case);
 * 4. after they are committed, open the cases the rows ask for through the case engine (the same
 *    path as a report), a few at a time; a child whose case is open already is counted, not reopened;
 * 5. record the import (imports table).
 * Importing the same file again changes nothing: equal children are not written, open cases are not reopened.
 */
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { CaseEngine } from '../api/case-engine.port';
import { ChildWriteRefusal, handledElsewhere } from '../access/child-writes';
import { maskIdNumber } from '../access/masking';
import type { ScopedUser } from '../access/permissions';
import { ChildWriteRefusedError, OpenCaseExistsError } from '../read-model/case-intake';
import type { Town } from '../read-model/town';
import { admitChildren, ChildWriteRefused, findChildrenByIdNumber, openCaseIds, saveChildren } from '../registry/children-store';
import { CaseStartFailedError, openAndStartCase } from '../registry/open-case';
import { DEFAULT_LEDGER_MAX_ROWS, DEFAULT_LEDGER_MAX_UNPACKED_BYTES } from '../config';
import { LedgerProblem, LedgerRow, ParsedLedger, parseLedger, UnknownColumn } from './parse-ledger';
import { readLedgerFile, ReadLimits } from './read-sheet';

export const DEFAULT_READ_LIMITS: ReadLimits = { maxUnpackedBytes: DEFAULT_LEDGER_MAX_UNPACKED_BYTES, maxRows: DEFAULT_LEDGER_MAX_ROWS };

/** Step 1: the file read (bounded, src/ledger/zip-bounds.ts) and every row checked; nothing written. CPU work: the job runs it in a worker thread. */
export async function readAndParseLedger(town: Town, fileName: string, bytes: Buffer, limits: ReadLimits = DEFAULT_READ_LIMITS): Promise<ParsedLedger> {
  return parseLedger(town, await readLedgerFile(fileName, bytes, limits), limits);
}

export interface ImportCounts {
  /** Data rows in the file. */
  rows: number;
  badRows: number;
  created: number;
  updated: number;
  unchanged: number;
  casesOpened: number;
  casesAlreadyOpen: number;
  casesFailed: number;
}

export type ImportStatus = 'IMPORTED' | 'REJECTED' | 'DRY_RUN';

export interface ImportReport {
  status: ImportStatus;
  /** The imports row; null when nothing was written. */
  importId: string | null;
  town: string;
  fileName: string;
  fileHash: string;
  goodRowsOnly: boolean;
  counts: ImportCounts;
  /** Every problem of every bad row, in file order. */
  problems: LedgerProblem[];
  unknownColumns: UnknownColumn[];
  sheets: string[];
  /** Cases the engine could not start (the children are imported; import the file again to retry). */
  caseFailures: Array<{ sheet: string; row: number; message: string }>;
}

export interface ImportOptions {
  town: Town;
  fileName: string;
  bytes: Buffer;
  /** Import the good rows even if some are bad (the bad ones are reported and skipped). */
  goodRowsOnly?: boolean;
  /** Check and count, write nothing. */
  dryRun?: boolean;
  /** Who imports: written into the cases' opening and the imports row. */
  importer: { userId: string | null; username: string; actor: string; via: 'API' | 'CLI' };
  /**
   * The user who imports, whose scope every row must be in (the write rule, src/access/child-writes.ts);
   * the refused rows are reported as problems. Absent: the command line, which writes any row of the town.
   */
  writer?: ScopedUser;
  /** Told of every refused row, written or not (the API records them in the audit log; they never go into the report). */
  onRefused?: (refused: RefusedRow[]) => void;
  /** Cases started at once (default 8). */
  caseConcurrency?: number;
  onProgress?: (phase: 'children' | 'cases', done: number, total: number) => void;
  /** Bounds of the file (default DEFAULT_READ_LIMITS). */
  limits?: ReadLimits;
  /** Reads and checks the file (default readAndParseLedger, here); the import job passes one that runs in a worker thread. */
  readAndParse?: (town: Town, fileName: string, bytes: Buffer, limits: ReadLimits) => Promise<ParsedLedger>;
}

/** A row the write rule refused; `childId` when its ID number is on file. */
export interface RefusedRow {
  sheet: string;
  row: number;
  childId: string | null;
  refusal: ChildWriteRefusal;
}

export interface ImportDeps {
  dataSource: DataSource;
  /** Needed only when rows ask for cases. */
  engine?: CaseEngine;
}

export const DEFAULT_CASE_CONCURRENCY = 8;

class DryRunRollback extends Error {}
class RejectedRollback extends Error {}

/** The file asks for cases, and there is no case engine to open them: refused before anything is written. */
export class NoCaseEngineError extends Error {
  constructor(readonly caseRows: number) {
    super(`the file asks for ${caseRows} cases, and no case engine is available to open them`);
    this.name = 'NoCaseEngineError';
  }
}

export async function importLedger(deps: ImportDeps, options: ImportOptions): Promise<ImportReport> {
  const { town, goodRowsOnly = false, dryRun = false, writer } = options;
  const parsed = await (options.readAndParse ?? readAndParseLedger)(town, options.fileName, options.bytes, options.limits ?? DEFAULT_READ_LIMITS);
  const counts: ImportCounts = { rows: parsed.totalRows, badRows: parsed.badRows, created: 0, updated: 0, unchanged: 0, casesOpened: 0, casesAlreadyOpen: 0, casesFailed: 0 };
  const report: ImportReport = {
    status: 'IMPORTED',
    importId: null,
    town: town.code,
    fileName: options.fileName,
    fileHash: createHash('sha256').update(options.bytes).digest('hex'),
    goodRowsOnly,
    counts,
    problems: parsed.problems,
    unknownColumns: parsed.unknownColumns,
    sheets: parsed.sheets,
    caseFailures: [],
  };
  let rows = parsed.rows;
  const refusedRows: RefusedRow[] = [];
  const refuse = (refused: ChildWriteRefused[]) => {
    if (refused.length === 0) return;
    const byIdNumber = new Map(refused.map((r) => [r.idNumber, r]));
    for (const row of rows.filter((r) => byIdNumber.has(r.child.idNumber))) {
      const { childId, refusal } = byIdNumber.get(row.child.idNumber)!;
      report.problems.push(refusalProblem(town, row, refusal));
      refusedRows.push({ sheet: row.sheet, row: row.row, childId, refusal });
      counts.badRows++;
    }
    rows = rows.filter((r) => !byIdNumber.has(r.child.idNumber));
    report.problems.sort((a, b) => (a.sheet === b.sheet ? a.row - b.row : parsed.sheets.indexOf(a.sheet) - parsed.sheets.indexOf(b.sheet)));
  };
  try {
    return await importRows();
  } finally {
    if (refusedRows.length > 0) options.onRefused?.(refusedRows);
  }

  async function importRows(): Promise<ImportReport> {
    if (report.problems.length > 0 && !goodRowsOnly) {
      // Refused as it stands; the rows the writer may not write are listed too, so that one round of corrections is enough.
      if (writer) {
        const onFile = await findChildrenByIdNumber(deps.dataSource, town.code, rows.map((r) => r.child.idNumber));
        refuse(admitChildren(writer, town.code, rows.map((r) => r.child), onFile).refused);
      }
      return { ...report, status: 'REJECTED' };
    }
    const caseRows = () => rows.filter((r) => r.cause !== undefined);
    if (caseRows().length > 0 && !deps.engine && !dryRun) throw new NoCaseEngineError(caseRows().length);
    let ids = new Map<string, string>();
    try {
      await deps.dataSource.transaction(async (manager) => {
        const all = rows.length;
        const written = await saveChildren(manager, town.code, rows.map((r) => r.child), { writer, onProgress: (done) => options.onProgress?.('children', done, all) });
        refuse(written.refused);
        // All or nothing: a refused row rolls back what was written.
        if (report.problems.length > 0 && !goodRowsOnly) throw new RejectedRollback();
        Object.assign(counts, { created: written.created, updated: written.updated, unchanged: written.unchanged });
        ids = written.ids;
        if (dryRun) {
          const open = await openCaseIds(manager, caseRows().map((r) => ids.get(r.child.idNumber)!));
          counts.casesAlreadyOpen = caseRows().filter((r) => open.has(ids.get(r.child.idNumber)!)).length;
          counts.casesOpened = caseRows().length - counts.casesAlreadyOpen;
          throw new DryRunRollback();
        }
      });
    } catch (err) {
      if (err instanceof DryRunRollback) return { ...report, status: 'DRY_RUN' };
      if (err instanceof RejectedRollback) return { ...report, status: 'REJECTED' };
      throw err;
    }

    await openCases(deps, options, caseRows(), ids, report, refusedRows);
    report.importId = await recordImport(deps.dataSource, options, report);
    return report;
  }
}

/**
 * The problem of a refused row. Values outside the scope: what the importer typed is theirs. A
 * child the importer does not handle: the neutral answer, the row's ID number masked (the report is
 * stored with the import), nothing from the record.
 */
function refusalProblem(town: Town, row: LedgerRow, refusal: ChildWriteRefusal): LedgerProblem {
  const at = { sheet: row.sheet, row: row.row, column: '', header: '' };
  if (refusal === 'RECORD_OUTSIDE_SCOPE') {
    const message = handledElsewhere(town.leadingGroup.coordinator?.name);
    return { ...at, value: maskIdNumber(row.child.idNumber), message: message.zh, messageEn: message.en };
  }
  if (refusal === 'NOT_PERMITTED') {
    return { ...at, value: row.child.name, message: '您的岗位不能登记或更正儿童名册', messageEn: 'Your role does not register or correct children' };
  }
  return {
    ...at,
    value: row.child.name,
    message: '该儿童不在您的范围内（学校、班级或责任区），不能由您导入',
    messageEn: 'The child is outside your scope (school, class or area); you cannot import it',
  };
}

async function openCases(deps: ImportDeps, options: ImportOptions, caseRows: LedgerRow[], ids: Map<string, string>, report: ImportReport, refusedRows: RefusedRow[]): Promise<void> {
  const { counts } = report;
  const open = await openCaseIds(deps.dataSource, caseRows.map((r) => ids.get(r.child.idNumber)!));
  const toOpen = caseRows.filter((r) => !open.has(ids.get(r.child.idNumber)!));
  counts.casesAlreadyOpen = caseRows.length - toOpen.length;
  if (toOpen.length === 0) return;
  const engine = deps.engine!;
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < toOpen.length) {
      const row = toOpen[next++];
      try {
        await openAndStartCase(
          { dataSource: deps.dataSource, engine },
          { town: options.town.code, child: { childId: ids.get(row.child.idNumber)! }, cause: row.cause!, note: row.note, openedBy: options.importer.actor, reporter: options.writer },
        );
        counts.casesOpened++;
      } catch (err) {
        if (err instanceof OpenCaseExistsError) counts.casesAlreadyOpen++;
        else if (err instanceof ChildWriteRefusedError) {
          // Moved out of the importer's reach (or given a case by another unit) since its row was written.
          counts.casesFailed++;
          report.caseFailures.push({ sheet: row.sheet, row: row.row, message: `${refusalProblem(options.town, row, err.refusal).message} / ${refusalProblem(options.town, row, err.refusal).messageEn}` });
          refusedRows.push({ sheet: row.sheet, row: row.row, childId: err.childId, refusal: err.refusal });
        } else {
          counts.casesFailed++;
          const message =
            err instanceof CaseStartFailedError
              ? `案件流程引擎暂时不可用，未立案 / the case engine is unavailable; not opened (${(err.cause as Error)?.cause ?? (err.cause as Error)?.message ?? ''})`
              : (err as Error).message;
          report.caseFailures.push({ sheet: row.sheet, row: row.row, message });
        }
      }
      options.onProgress?.('cases', ++done, toOpen.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.caseConcurrency ?? DEFAULT_CASE_CONCURRENCY, toOpen.length) }, worker));
}

async function recordImport(dataSource: DataSource, options: ImportOptions, report: ImportReport): Promise<string> {
  const c = report.counts;
  const rows: Array<{ id: string }> = await dataSource.query(
    `INSERT INTO imports (town, user_id, username, via, file_name, file_hash, good_rows_only, total_rows, bad_rows,
                          children_created, children_updated, children_unchanged, cases_opened, cases_already_open, cases_failed, problems)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::jsonb)
     RETURNING id`,
    [
      report.town,
      options.importer.userId,
      options.importer.username,
      options.importer.via,
      report.fileName.slice(0, 255),
      report.fileHash,
      report.goodRowsOnly,
      c.rows,
      c.badRows,
      c.created,
      c.updated,
      c.unchanged,
      c.casesOpened,
      c.casesAlreadyOpen,
      c.casesFailed,
      JSON.stringify(report.problems.slice(0, 1000)),
    ],
  );
  return rows[0].id;
}
