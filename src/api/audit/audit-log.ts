/**
 * Writes and reads the audit log (table audit_log: append-only, the database refuses UPDATE,
 * DELETE and TRUNCATE). The child of a case is found by the insert itself, so a row names the
 * child even when the request only named the case; so is the town of the account a failed log-in
 * named.
 */
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditEntryEntity, AuditKind } from '../../read-model/entities';
import { isUuid } from '../../read-model/uuid';

export interface AuditRecord {
  userId: string | null;
  username: string | null;
  role: string | null;
  /** The user's town; null without a log-in. */
  town: string | null;
  ip: string | null;
  method: string;
  path: string;
  what: AuditKind;
  caseId: string | null;
  childId: string | null;
  status: number;
  errorCode: string | null;
  detail: Record<string, unknown>;
}

export interface AuditQuery {
  /** Town code: a listing is always one town's. */
  town: string;
  caseId?: string;
  username?: string;
  what?: AuditKind;
  page?: number;
  pageSize?: number;
}

export interface AuditPage {
  items: AuditEntryEntity[];
  total: number;
  page: number;
  pageSize: number;
}

export const AUDIT_DEFAULT_PAGE_SIZE = 50;
export const AUDIT_MAX_PAGE_SIZE = 200;

/** NUL and unpaired surrogates, which PostgreSQL's text and jsonb refuse: a hostile request must still be recorded. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function storable(text: string): string {
  return text.replace(UNSTORABLE, '\ufffd');
}

const storableOrNull = (text: string | null) => (text === null ? null : storable(text));

@Injectable()
export class AuditLog {
  constructor(private readonly dataSource: DataSource) {}

  async record(entry: AuditRecord): Promise<void> {
    const caseId = isUuid(entry.caseId) ? entry.caseId.toLowerCase() : null;
    const childId = isUuid(entry.childId) ? entry.childId.toLowerCase() : null;
    await this.dataSource.query(
      `INSERT INTO audit_log (user_id, username, role, ip, method, path, what, case_id, child_id, status, error_code, detail, town)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid,
               COALESCE($9::uuid, (SELECT child_id FROM cases WHERE id = $8::uuid)),
               $10, $11, $12::jsonb,
               -- A failed log-in names an account, or a name tried: the account's town, so its leading group reads it.
               COALESCE($13, CASE WHEN $7 IN ('LOGIN_FAILED', 'LOGIN_LOCKED') THEN (SELECT town FROM users WHERE username = $2) END))`,
      [
        entry.userId,
        storableOrNull(entry.username),
        entry.role,
        storableOrNull(entry.ip),
        storable(entry.method.slice(0, 20)),
        storable(entry.path.slice(0, 500)),
        entry.what,
        caseId,
        childId,
        entry.status,
        entry.errorCode,
        JSON.stringify(entry.detail, (_key, value: unknown) => (typeof value === 'string' ? storable(value) : value)),
        entry.town,
      ],
    );
  }

  /** Newest first. */
  async list(query: AuditQuery): Promise<AuditPage> {
    const page = Math.max(1, Math.trunc(query.page ?? 1));
    const pageSize = Math.min(AUDIT_MAX_PAGE_SIZE, Math.max(1, Math.trunc(query.pageSize ?? AUDIT_DEFAULT_PAGE_SIZE)));
    const q = this.dataSource.getRepository(AuditEntryEntity).createQueryBuilder('a').where('a.town = :town', { town: query.town });
    if (query.caseId !== undefined) q.andWhere('a.case_id = :caseId', { caseId: query.caseId });
    if (query.username !== undefined) q.andWhere('a.username = :username', { username: query.username });
    if (query.what !== undefined) q.andWhere('a.what = :what', { what: query.what });
    q.orderBy('a.at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(pageSize)
      .offset((page - 1) * pageSize);
    const [items, total] = await q.getManyAndCount();
    return { items, total, page, pageSize };
  }
}
