/**
 * The ledger over HTTP: import a file uploaded by a user (every row decided by the write rule:
 * the row's values and the record on file inside the user's scope and town; the refused rows that
 * name a child on file go to the audit log) and export the user's ledger. The work is src/ledger's, the same as the
 * command line's; here are permissions and the answers.
 */
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Towns } from '../../read-model/town';
import { exportLedger } from '../../ledger/export-ledger';
import { importLedger, ImportReport, NoCaseEngineError, RefusedRow } from '../../ledger/import-ledger';
import { LedgerLayoutError } from '../../ledger/parse-ledger';
import { LedgerTooLargeError, ReadLimits, UnsupportedLedgerFileError } from '../../ledger/read-sheet';
import { actorName, AuthUser } from '../auth/auth-user';
import { caseScope, childScope, registryAccess, seesFullIdentity } from '../../access/permissions';
import type { RefusedWrite } from '../audit/refused-writes';
import { ROLE_LABELS } from '../../access/roles';
import { CASE_ENGINE, CaseEngine } from '../case-engine.port';
import { ApiError } from '../errors';
import { LEDGER_LIMITS, TOWNS } from '../tokens';

/** Problems an answer lists (a whole file of bad rows would be tens of MB of JSON); `problemCount` has them all. */
export const MAX_PROBLEMS_ANSWERED = 5_000;

export interface UploadedLedger {
  originalname: string;
  buffer: Buffer;
  size: number;
}

@Injectable()
export class LedgerService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CASE_ENGINE) private readonly engine: CaseEngine,
    @Inject(TOWNS) private readonly towns: Towns,
    @Inject(LEDGER_LIMITS) private readonly limits: ReadLimits,
  ) {}

  async import(file: UploadedLedger | undefined, flags: { goodRowsOnly: boolean; dryRun: boolean }, user: AuthUser, refused: RefusedWrite[]): Promise<ImportReport> {
    if (registryAccess(user.role) !== 'WRITE') throw forbidden(user);
    if (!file || file.size === 0) {
      throw new ApiError('LEDGER.FILE_REQUIRED', { zh: '请以 multipart/form-data 上传文件，字段名 file', en: 'Upload the file as multipart/form-data, field "file"' });
    }
    const town = this.towns.get(user.town);
    // Multer reads the name as Latin-1; browsers send UTF-8 (台账.xlsx).
    const fileName = Buffer.from(file.originalname, 'latin1').toString('utf8');
    let report: ImportReport & { problemCount?: number };
    try {
      report = await importLedger(
        { dataSource: this.dataSource, engine: this.engine },
        {
          town,
          fileName,
          bytes: file.buffer,
          goodRowsOnly: flags.goodRowsOnly,
          dryRun: flags.dryRun,
          importer: { userId: user.id, username: user.username, actor: actorName(user), via: 'API' },
          writer: user,
          limits: this.limits,
          onRefused: (rows) => refused.push(...refusedWrites(rows, flags.dryRun)),
        },
      );
    } catch (err) {
      if (err instanceof LedgerTooLargeError) throw tooLarge(err);
      if (err instanceof UnsupportedLedgerFileError) throw new ApiError('LEDGER.UNSUPPORTED_FILE', { zh: err.zh, en: err.message, details: { fileName } });
      if (err instanceof LedgerLayoutError) throw new ApiError('LEDGER.LAYOUT_INVALID', { zh: err.zh, en: err.message, details: err.details });
      if (err instanceof NoCaseEngineError) throw new ApiError('ENGINE.UNAVAILABLE');
      throw err;
    }
    report = { ...report, problems: report.problems.slice(0, MAX_PROBLEMS_ANSWERED), problemCount: report.problems.length };
    if (report.status === 'REJECTED') {
      const rows = report.counts.badRows;
      throw new ApiError('LEDGER.ROWS_INVALID', {
        zh: `有 ${rows} 行不符合要求，未导入任何数据；请按逐行报告修改后重新导入，或选择只导入合格的行（goodRowsOnly=true）`,
        en: `${rows} rows are not valid; nothing was imported. Correct them as the report says and import again, or import the good rows only (goodRowsOnly=true)`,
        details: report as unknown as Record<string, unknown>,
      });
    }
    return report;
  }

  async export(user: AuthUser): Promise<{ fileName: string; bytes: Buffer }> {
    if (registryAccess(user.role) === 'NONE') throw forbidden(user);
    const town = this.towns.get(user.town);
    const bytes = await exportLedger(this.dataSource, {
      town,
      caseScope: caseScope(user),
      childScope: childScope(user),
      masked: !seesFullIdentity(user.role),
    });
    const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    return { fileName: `台账-${town.code}-${day}.xlsx`, bytes };
  }
}

/** The refused rows that concern a child on file, for the audit log (one WRITE_REFUSED row each). */
function refusedWrites(rows: RefusedRow[], dryRun: boolean): RefusedWrite[] {
  return rows.flatMap((r) =>
    r.childId === null
      ? []
      : [{ childId: r.childId, reason: r.refusal, code: r.refusal === 'RECORD_OUTSIDE_SCOPE' ? ('CHILD.HANDLED_ELSEWHERE' as const) : ('AUTH.FORBIDDEN' as const), detail: { sheet: r.sheet, row: r.row, dryRun } }],
  );
}

/** 413 for a file over the bounds: the unpacked size (a decompression bomb) or the rows. */
export function tooLarge(err: LedgerTooLargeError): ApiError {
  return new ApiError(err.reason === 'UNPACKED' ? 'LEDGER.UNPACKED_TOO_LARGE' : 'LEDGER.TOO_MANY_ROWS', { zh: err.zh, en: err.message, details: err.details });
}

function forbidden(user: AuthUser): ApiError {
  const label = ROLE_LABELS[user.role];
  return new ApiError('AUTH.FORBIDDEN', {
    zh: `您的岗位（${label.zh}）不能${registryAccess(user.role) === 'READ' ? '导入' : '导入或导出'}台账`,
    en: `Your role (${label.en}) may not ${registryAccess(user.role) === 'READ' ? 'import' : 'import or export'} the ledger`,
    details: { role: user.role, registry: registryAccess(user.role) },
  });
}
