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
  childId?: string;
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
    await this.recordAll([entry]);
  }

  /** Several rows in one statement: all of them are written, or none (a request and the refused writes it attempted). */
  async recordAll(entries: AuditRecord[]): Promise<void> {
    if (entries.length === 0) return;
    const rows = entries.map((entry) => ({
      user_id: entry.userId,
      username: storableOrNull(entry.username),
      role: entry.role,
      ip: storableOrNull(entry.ip),
      method: storable(entry.method.slice(0, 20)),
      path: storable(entry.path.slice(0, 500)),
      what: entry.what,
      case_id: isUuid(entry.caseId) ? entry.caseId.toLowerCase() : null,
      child_id: isUuid(entry.childId) ? entry.childId.toLowerCase() : null,
      status: entry.status,
      error_code: entry.errorCode,
      detail: entry.detail,
      town: entry.town,
    }));
    // In the given order: the identity column is the log's order of writing.
    await this.dataSource.query(
      `INSERT INTO audit_log (user_id, username, role, ip, method, path, what, case_id, child_id, status, error_code, detail, town)
       SELECT r.user_id, r.username, r.role, r.ip, r.method, r.path, r.what, r.case_id,
              COALESCE(r.child_id, (SELECT child_id FROM cases WHERE id = r.case_id)),
              r.status, r.error_code, COALESCE(r.detail, '{}'::jsonb),
              -- A failed log-in names an account, or a name tried: the account's town, so its leading group reads it.
              COALESCE(r.town, CASE WHEN r.what IN ('LOGIN_FAILED', 'LOGIN_LOCKED') THEN (SELECT town FROM users u WHERE u.username = r.username) END)
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(entry, n)
        CROSS JOIN LATERAL jsonb_populate_record(NULL::audit_log, e.entry) AS r
        ORDER BY e.n`,
      [JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'string' ? storable(value) : value))],
    );
  }

  /** Newest first. */
  async list(query: AuditQuery): Promise<AuditPage> {
    const { q, count, page, pageSize } = this.pageQuery(query);
    const [items, [{ total }]] = await Promise.all([q.getMany(), count.getRawMany<{ total: string }>()]);
    return { items, total: Number(total), page, pageSize };
  }

  /** The page's query, newest first; test/database/audit-log-at-scale.test.ts checks its plan at years of rows. */
  pageQuery(query: AuditQuery) {
    const page = Math.max(1, Math.trunc(query.page ?? 1));
    const pageSize = Math.min(AUDIT_MAX_PAGE_SIZE, Math.max(1, Math.trunc(query.pageSize ?? AUDIT_DEFAULT_PAGE_SIZE)));
    const q = this.dataSource.getRepository(AuditEntryEntity).createQueryBuilder('a').where('a.town = :town', { town: query.town });
    if (query.caseId !== undefined) q.andWhere('a.case_id = :caseId', { caseId: query.caseId });
    if (query.childId !== undefined) q.andWhere('a.child_id = :childId', { childId: query.childId });
    if (query.username !== undefined) q.andWhere('a.username = :username', { username: query.username });
    if (query.what !== undefined) q.andWhere('a.what = :what', { what: query.what });
    q.orderBy('a.at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(pageSize)
      .offset((page - 1) * pageSize);
    // count(*), not getManyAndCount's COUNT(DISTINCT id) (id is the key): an index-only scan, no sort of the town's ids.
    const count = q.clone().orderBy().offset(undefined).limit(undefined).select('count(*)', 'total');
    return { q, count, page, pageSize };
  }
}
