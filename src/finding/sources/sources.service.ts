/**
 * The four sources over HTTP: the scope rule (./source-scope.ts) decides who uploads which file
 * for which school, the cheap checks (the file, its kind, an .xlsx's zip directory) run at once,
 * and the rest is the worker's job (./source-jobs.ts). The same file again answers the earlier import.
 */
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { actorName, AuthUser } from '../../api/auth/auth-user';
import { AUTH_OPTIONS, AuthOptions } from '../../api/auth/auth.options';
import { clientIp } from '../../api/audit/client-ip';
import { ApiError } from '../../api/errors';
import { checkUploadedFile, ClientRequest, UploadedLedger } from '../../api/ledger/ledger.service';
import { LEDGER_LIMITS, TOWNS } from '../../api/tokens';
import { caseScope, registryAccess } from '../../access/permissions';
import type { ReadLimits } from '../../ledger/read-sheet';
import { SOURCE_KINDS, SourceKind } from '../../read-model/entities';
import type { Towns } from '../../read-model/town';
import { isUuid } from '../../read-model/uuid';
import { findSameFile, findSourceImport, listSourceVersions, sha256, SourceImportView, SourceVersionView, submitSourceImport } from './source-jobs';
import { decideSourceImport, isSchoolSource } from './source-scope';

@Injectable()
export class SourcesService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(TOWNS) private readonly towns: Towns,
    @Inject(LEDGER_LIMITS) private readonly limits: ReadLimits,
    @Inject(AUTH_OPTIONS) private readonly auth: AuthOptions,
  ) {}

  /** Queues the upload, or answers the earlier import of the same file (`existing`: nothing written). */
  async import(file: UploadedLedger | undefined, query: { kind?: string; school?: string; dryRun: boolean }, user: AuthUser, request: ClientRequest): Promise<{ job: SourceImportView; existing: boolean }> {
    const kind = this.kind(query.kind);
    const town = this.towns.get(user.town);
    const named = query.school ? town.school(query.school) : undefined;
    if (query.school && !named) {
      throw new ApiError('REQUEST.VALIDATION_FAILED', { zh: `没有这所学校："${query.school}"。可选：${town.describeSchools().join('、')}`, en: `Unknown school "${query.school}"`, details: { school: query.school } });
    }
    const decision = decideSourceImport(user, kind, isSchoolSource(kind) ? (named?.code ?? null) : null, town.schools.map((s) => s.code));
    if (!decision.allowed) {
      if (decision.reason === 'SCHOOL_REQUIRED') throw new ApiError('SOURCE.SCHOOL_REQUIRED', { zh: decision.message.zh, en: decision.message.en, details: { schools: town.describeSchools() } });
      throw new ApiError('AUTH.FORBIDDEN', { zh: decision.message.zh, en: decision.message.en, details: { role: user.role, kind } });
    }
    if (!file || file.size === 0) throw new ApiError('SOURCE.FILE_REQUIRED', { zh: '请以 multipart/form-data 上传文件，字段名 file', en: 'Upload the file as multipart/form-data, field "file"' });
    const fileName = checkUploadedFile(file, this.limits);
    if (!query.dryRun) {
      const earlier = await findSameFile(this.dataSource, this.towns, user.town, kind, decision.scope, sha256(file.buffer));
      if (earlier) return { job: earlier, existing: true };
    }
    const job = await submitSourceImport(this.dataSource, this.towns, {
      importer: {
        id: user.id,
        username: user.username,
        actor: actorName(user),
        role: user.role,
        town: user.town,
        area: user.area,
        school: user.school,
        grade: user.grade,
        className: user.className,
        classOnly: decision.classOnly,
      },
      ip: clientIp(request.socket?.remoteAddress, request.headers['x-forwarded-for'], this.auth.trustProxyHops ?? 0),
      kind,
      scope: decision.scope,
      fileName,
      bytes: file.buffer,
      dryRun: query.dryRun,
    });
    return { job, existing: false };
  }

  async job(id: string, user: AuthUser): Promise<SourceImportView> {
    const job = isUuid(id) ? await findSourceImport(this.dataSource, this.towns, id, user) : undefined;
    if (!job) throw new ApiError('SOURCE.IMPORT_NOT_FOUND');
    return job;
  }

  /** The versions the user could have imported themselves: the ledger keepers all, a school its own. */
  async versions(user: AuthUser, query: { kind?: string }): Promise<SourceVersionView[]> {
    const kind = query.kind ? this.kind(query.kind) : undefined;
    const scope = caseScope(user);
    const school = scope.kind === 'SCHOOL' || scope.kind === 'CLASS' ? scope.school : null;
    if (registryAccess(user.role) !== 'WRITE' || (scope.kind !== 'ALL' && !school)) {
      throw new ApiError('AUTH.FORBIDDEN', { zh: '您的岗位不导入名单', en: 'Your role imports no sources', details: { role: user.role } });
    }
    const scopes = scope.kind === 'ALL' ? ('ALL' as const) : [school!];
    return listSourceVersions(this.dataSource, this.towns, user.town, { kind, scopes });
  }

  private kind(value: string | undefined): SourceKind {
    if (!value || !(SOURCE_KINDS as readonly string[]).includes(value)) throw new ApiError('SOURCE.KIND_INVALID', { details: { kind: value ?? null, valid: SOURCE_KINDS } });
    return value as SourceKind;
  }
}
