/**
 * The ledger over HTTP: import a file uploaded by a user, as a job the worker runs (./import-jobs.ts:
 * every row decided by the write rule, the row's values and the record on file inside the user's
 * scope and town; the refused rows that name a child on file go to the audit log), and export the
 * user's ledger. The work is src/ledger's, the same as the command line's; here are permissions and the answers.
 */
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Towns } from '../../read-model/town';
import { exportLedger } from '../../ledger/export-ledger';
import { ledgerFileKind, ReadLimits } from '../../ledger/read-sheet';
import { checkZipDirectory } from '../../ledger/zip-bounds';
import { isUuid } from '../../read-model/uuid';
import { actorName, AuthUser } from '../auth/auth-user';
import { caseScope, childScope, registryAccess, seesFullIdentity } from '../../access/permissions';
import { ROLE_LABELS } from '../../access/roles';
import { ApiError } from '../errors';
import { clientIp } from '../audit/client-ip';
import { AUTH_OPTIONS, AuthOptions } from '../auth/auth.options';
import { LEDGER_LIMITS, TOWNS } from '../tokens';
import { findImportJob, ImportJobView, submitImportJob, toImportApiError } from './import-jobs';

export interface ClientRequest {
  socket?: { remoteAddress?: string };
  headers: Record<string, string | string[] | undefined>;
}

export interface UploadedLedger {
  originalname: string;
  buffer: Buffer;
  size: number;
}

@Injectable()
export class LedgerService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(TOWNS) private readonly towns: Towns,
    @Inject(LEDGER_LIMITS) private readonly limits: ReadLimits,
    @Inject(AUTH_OPTIONS) private readonly auth: AuthOptions,
  ) {}

  /**
   * Stores the upload as a job for the worker (./import-jobs.ts) after the checks that cost
   * nothing: the role, the file, its kind, and an .xlsx's zip directory (a bomb that says what it
   * is, refused at once). Everything else is the job's.
   */
  async import(file: UploadedLedger | undefined, flags: { goodRowsOnly: boolean; dryRun: boolean; reopenClosedCases?: boolean }, user: AuthUser, request: ClientRequest): Promise<ImportJobView> {
    if (registryAccess(user.role) !== 'WRITE') throw forbidden(user);
    if (!file || file.size === 0) {
      throw new ApiError('LEDGER.FILE_REQUIRED', { zh: '请以 multipart/form-data 上传文件，字段名 file', en: 'Upload the file as multipart/form-data, field "file"' });
    }
    this.towns.get(user.town);
    const fileName = checkUploadedFile(file, this.limits);
    return submitImportJob(this.dataSource, {
      importer: { id: user.id, username: user.username, actor: actorName(user), role: user.role, town: user.town, area: user.area, school: user.school, grade: user.grade, className: user.className },
      // The address the audit log records for the request, for the rows the job refuses.
      ip: clientIp(request.socket?.remoteAddress, request.headers['x-forwarded-for'], this.auth.trustProxyHops ?? 0),
      fileName,
      bytes: file.buffer,
      goodRowsOnly: flags.goodRowsOnly,
      dryRun: flags.dryRun,
      reopenClosedCases: flags.reopenClosedCases === true,
    });
  }

  async job(id: string, user: AuthUser): Promise<ImportJobView> {
    const job = isUuid(id) ? await findImportJob(this.dataSource, id, user) : undefined;
    if (!job) throw new ApiError('LEDGER.IMPORT_NOT_FOUND');
    return job;
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

/**
 * The checks of an upload that cost nothing, for every import of a spreadsheet (the ledger, the
 * four sources): its kind, and an .xlsx's zip directory (a bomb that says what it is, refused at
 * once). Answers the file's name as the browser sent it.
 */
export function checkUploadedFile(file: UploadedLedger, limits: ReadLimits): string {
  // Multer reads the name as Latin-1; browsers send UTF-8 (台账.xlsx).
  const fileName = Buffer.from(file.originalname, 'latin1').toString('utf8');
  try {
    if (ledgerFileKind(fileName, file.buffer) === 'xlsx') checkZipDirectory(file.buffer, limits);
  } catch (err) {
    const error = toImportApiError(err);
    if (error.code === 'LEDGER.UNSUPPORTED_FILE') throw new ApiError(error.code, { zh: error.messageZh, en: error.messageEn, details: { fileName } });
    throw error;
  }
  return fileName;
}

function forbidden(user: AuthUser): ApiError {
  const label = ROLE_LABELS[user.role];
  return new ApiError('AUTH.FORBIDDEN', {
    zh: `您的岗位（${label.zh}）不能${registryAccess(user.role) === 'READ' ? '导入' : '导入或导出'}台账`,
    en: `Your role (${label.en}) may not ${registryAccess(user.role) === 'READ' ? 'import' : 'import or export'} the ledger`,
    details: { role: user.role, registry: registryAccess(user.role) },
  });
}
