/**
 * The cross-check's lists, ledgers and figures for people, and the two things a person does with
 * an item: confirm it into a case (立案, the one path of POST /api/cases, with the evidence as the
 * case's opening note) or clear it with a reason. Everything is cut to the user's town and to the
 * children their role reads (the registry's scope: a school its pupils, a village its area), in SQL.
 */
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { caseScope, childScope, inCaseScope, registryAccess, seesFullIdentity } from '../../access/permissions';
import { maskIdNumber, maskName } from '../../access/masking';
import { actorName, AuthUser } from '../../api/auth/auth-user';
import type { RefusedWrite } from '../../api/audit/refused-writes';
import { ReportCaseService } from '../../api/cases/report-case/report-case.service';
import type { ReportCaseRequestDto } from '../../api/cases/report-case/report-case.request.dto';
import { ApiError } from '../../api/errors';
import { validationFailed } from '../../api/validation/field-errors';
import { caseScopeSql } from '../../read-model/scope-sql';
import { WATCH_GROUP_FLAGS } from '../../registry/child-rules';
import type { Cause } from '../../workflows/vocabulary';
import { closeTasks } from './cross-check';
import { ledgerFigures } from './ledger-figures';
import { CROSS_CHECK_STARTER } from './tokens';
import type { CrossCheckStarter } from './schedule';
import { CLEAR_REASON_LABELS, ClearReason, clearReasonsFor, CONFIRMABLE_KINDS, FindingKind, ItemStatus, Ledger, LedgerStatus } from './vocabulary';

/** A watch-group flag of the registry (WATCH_GROUP_FLAGS) as the condition that the child on the registry (same town and ID number) has it. */
function watchSql(flag: string | undefined, alias: string): string | undefined {
  if (!flag || !(WATCH_GROUP_FLAGS as readonly string[]).includes(flag)) return undefined;
  const column = flag.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return `EXISTS (SELECT 1 FROM children wc WHERE wc.town = ${alias}.town AND wc.id_number = ${alias}.id_number AND wc.${column})`;
}

export interface ItemFilter {
  watch?: string;
  kind?: FindingKind;
  status?: ItemStatus | 'ALL';
  area?: string;
  school?: string;
  page: number;
  pageSize: number;
}

export interface ItemRow {
  id: string;
  kind: FindingKind;
  status: ItemStatus;
  name: string;
  idNumber: string | null;
  birthDate: string | null;
  area: string | null;
  school: string | null;
  grade: number | null;
  className: string | null;
  evidence: Record<string, unknown>;
  foundAt: Date;
  dueAt: Date | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolution: string | null;
  resolutionNote: string | null;
  caseId: string | null;
  childId: string | null;
}

export interface ConfirmInput {
  cause: Cause;
  note?: string;
  guardians?: Array<{ name: string; phone: string; relation: string }>;
  dryRun?: boolean;
}

const ITEM_COLUMNS = `i.id, i.kind, i.status, i.name, i.id_number AS "idNumber", to_char(i.birth_date, 'YYYY-MM-DD') AS "birthDate", i.area, i.school, i.grade,
  i.class_name AS "className", i.evidence, i.found_at AS "foundAt", i.due_at AS "dueAt", i.resolved_at AS "resolvedAt", i.resolved_by AS "resolvedBy",
  i.resolution, i.resolution_note AS "resolutionNote", i.case_id AS "caseId", fc.id AS "childId"`;

const LEDGER_VIEWS: Record<Ledger, string> = { SCHOOL_AGE: 'ledger_school_age', SUSPECTED: 'ledger_suspected', DROPOUT: 'ledger_dropout' };

@Injectable()
export class FindingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reportCase: ReportCaseService,
    @Inject(CROSS_CHECK_STARTER) private readonly starter: CrossCheckStarter,
  ) {}

  /** The runs of the user's town, newest first. */
  async runs(user: AuthUser, limit = 20) {
    return this.dataSource.query(
      `SELECT id, trigger, requested_by AS "requestedBy", status, policy_version AS "policyVersion", started_at AS "startedAt", finished_at AS "finishedAt", summary
       FROM cross_check_runs WHERE town = $1 ORDER BY started_at DESC LIMIT $2`,
      [user.town, limit],
    );
  }

  /** Starts the town's cross-check now (or joins the one running): for those who read the whole town. */
  async requestRun(user: AuthUser) {
    if (caseScope(user).kind !== 'ALL' || registryAccess(user.role) === 'NONE') throw forbidden();
    try {
      return await this.starter.start({ town: user.town, trigger: 'REQUEST', requestedBy: user.username });
    } catch {
      throw new ApiError('FINDING.CHECK_UNAVAILABLE');
    }
  }

  async items(user: AuthUser, filter: ItemFilter) {
    const params: unknown[] = [user.town];
    const where = [`i.town = $1`, this.scope(user, params)];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (filter.kind) add((p) => `i.kind = ${p}`, filter.kind);
    if (filter.status !== 'ALL') add((p) => `i.status = ${p}`, filter.status ?? 'OPEN');
    if (filter.area) add((p) => `i.area = ${p}`, filter.area);
    if (filter.school) add((p) => `i.school = ${p}`, filter.school);
    const watch = watchSql(filter.watch, 'i');
    if (watch) where.push(watch);
    const n = params.length;
    const [rows, [count]] = await Promise.all([
      this.dataSource.query(
        `SELECT ${ITEM_COLUMNS} FROM finding_items i LEFT JOIN finding_children fc ON fc.town = i.town AND fc.child_key = i.child_key
         WHERE ${where.join(' AND ')} ORDER BY i.due_at NULLS LAST, i.found_at, i.id LIMIT $${n + 1} OFFSET $${n + 2}`,
        [...params, filter.pageSize, (filter.page - 1) * filter.pageSize],
      ),
      this.dataSource.query(`SELECT count(*)::int AS n FROM finding_items i WHERE ${where.join(' AND ')}`, params),
    ]);
    return { items: (rows as ItemRow[]).map((r) => this.present(user, r, true)), total: count.n, page: filter.page, pageSize: filter.pageSize };
  }

  async item(user: AuthUser, id: string) {
    return this.present(user, await this.findItem(this.dataSource.manager, user, id), false);
  }

  /**
   * 立案 from an item: the child as the sources know it (or its registry record), the evidence as
   * the opening note, through the report's own service (its checks, scope rule and errors). With
   * `dryRun` nothing is written: the answer is what would be recorded (the check-answers page).
   */
  async confirm(user: AuthUser, id: string, input: ConfirmInput, refused: RefusedWrite[]) {
    const item = await this.findItem(this.dataSource.manager, user, id);
    if (item.status !== 'OPEN') throw resolvedError(item);
    if (!CONFIRMABLE_KINDS.includes(item.kind)) throw new ApiError('FINDING.NOT_CONFIRMABLE', { details: { kind: item.kind } });
    const [onFile] = item.idNumber ? await this.dataSource.query(`SELECT id FROM children WHERE town = $1 AND id_number = $2`, [user.town, item.idNumber]) : [];
    const note = [evidenceNote(item), input.note?.trim()].filter(Boolean).join('\n');
    let request: Pick<ReportCaseRequestDto, 'cause' | 'note' | 'child' | 'childId'>;
    if (onFile) {
      request = { childId: onFile.id, cause: input.cause, note };
    } else {
      const missing = (['idNumber', 'area', 'school', 'grade', 'className'] as const).filter((f) => item[f] === null || item[f] === '');
      if (missing.length > 0) {
        throw new ApiError('FINDING.CHILD_INCOMPLETE', {
          zh: `该儿童缺少${missing.map((f) => FIELD_LABELS[f].zh).join('、')}，不能立案；请先在户籍或学籍中补齐后重新比对，或按报告页面立案`,
          en: `The child has no ${missing.map((f) => FIELD_LABELS[f].en).join(', ')}; complete the register or roll and run the cross-check again, or report the case on the report page`,
          details: { fields: missing },
        });
      }
      if (!input.guardians || input.guardians.length === 0) {
        throw validationFailed([{ field: 'guardians', constraint: 'arrayMinSize', message: '该儿童尚未登记，请填写至少一名监护人（姓名、电话、关系）', messageEn: 'The child is not on the registry yet: give at least one guardian (name, phone, relation)' }]);
      }
      request = {
        child: { name: item.name, idNumber: item.idNumber!, school: item.school!, grade: item.grade!, className: item.className!, area: item.area!, guardians: input.guardians },
        cause: input.cause,
        note,
      };
    }
    if (input.dryRun) return { dryRun: true as const, item: this.present(user, item, false), case: { cause: input.cause, note, childOnFile: Boolean(onFile) } };
    const opened = await this.reportCase.report(request as ReportCaseRequestDto, user, refused);
    await this.dataSource.transaction(async (m) => {
      const resolved = await m.query(
        `UPDATE finding_items SET status = 'CONFIRMED', case_id = $2, resolved_at = now(), resolved_by = $3, resolution = 'CONFIRMED', resolution_note = $4, updated_at = now()
         WHERE id = $1 AND status = 'OPEN' RETURNING id`,
        [item.id, opened.id, user.username, input.note ?? null],
      );
      if (resolved[0].length === 0) return; // another person resolved it meanwhile: the case is opened, the item keeps their answer
      await closeTasks(m, [item.id]);
      await this.move(m, user, item, 'DROPOUT', 'CONFIRMED', opened.id, input.note ?? null);
    });
    return { dryRun: false as const, item: await this.item(user, id), case: { id: opened.id, stage: opened.stage } };
  }

  /** Clears an item with a reason; a fuzzy pair is answered "the same child" or "not", which the matching then follows. */
  async clear(user: AuthUser, id: string, input: { reason: ClearReason; note?: string }) {
    return this.dataSource.transaction(async (m) => {
      const item = await this.findItem(m, user, id, true);
      if (registryAccess(user.role) !== 'WRITE') throw forbidden();
      if (item.status !== 'OPEN') throw resolvedError(item);
      const allowed = clearReasonsFor(item.kind);
      if (!allowed.includes(input.reason)) {
        throw validationFailed([
          {
            field: 'reason',
            constraint: 'isIn',
            message: `此类结果的排除原因只能是：${allowed.map((r) => CLEAR_REASON_LABELS[r].zh).join('、')}`,
            messageEn: `the reason for this kind must be one of ${allowed.join(', ')}`,
          },
        ]);
      }
      if (input.reason === 'OTHER' && !input.note?.trim()) {
        throw validationFailed([{ field: 'note', constraint: 'isNotEmpty', message: '原因为“其他”时请写明具体原因', messageEn: 'give the reason in the note when it is OTHER' }]);
      }
      await m.query(
        `UPDATE finding_items SET status = 'CLEARED', resolved_at = now(), resolved_by = $2, resolution = $3, resolution_note = $4, updated_at = now() WHERE id = $1`,
        [item.id, user.username, input.reason, input.note?.trim() || null],
      );
      await closeTasks(m, [item.id]);
      if (item.kind === 'FUZZY_MATCH') {
        const e = item.evidence as { registerKey: string; rollKey: string };
        await m.query(
          `INSERT INTO finding_match_links (town, register_key, roll_key, same_child, decided_by) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (town, register_key, roll_key) DO UPDATE SET same_child = EXCLUDED.same_child, decided_by = EXCLUDED.decided_by, decided_at = now()`,
          [user.town, e.registerKey, e.rollKey, input.reason === 'SAME_CHILD', user.username],
        );
      }
      if (item.kind === 'SUSPECTED_DROPOUT') {
        const [child] = await m.query(`SELECT status, case_id FROM finding_children WHERE town = $1 AND id = $2`, [user.town, item.childId]);
        // A child with a case stays on the dropout ledger until the case says returned.
        if (child && child.status !== 'NONE' && !child.case_id) await this.move(m, user, item, 'NONE', 'CLEARED', null, `${CLEAR_REASON_LABELS[input.reason].zh}${input.note ? `：${input.note}` : ''}`);
      }
      return this.present(user, await this.findItem(m, user, id), false);
    });
  }

  /** A ledger's children (适龄儿童 / 疑似辍学 / 辍学), in the user's scope, with when and why they entered. */
  async ledger(user: AuthUser, ledger: Ledger, filter: { area?: string; school?: string; watch?: string; page: number; pageSize: number }) {
    const view = LEDGER_VIEWS[ledger];
    if (!view) throw new ApiError('FINDING.LEDGER_UNKNOWN');
    const params: unknown[] = [user.town];
    const where = [`l.town = $1`, caseScopeSql(childScope(user), params, 'l', 'l')];
    if (filter.area) where.push(`l.area = $${params.push(filter.area)}`);
    if (filter.school) where.push(`l.school = $${params.push(filter.school)}`);
    const watch = watchSql(filter.watch, 'l');
    if (watch) where.push(watch);
    const n = params.length;
    const [rows, [count]] = await Promise.all([
      this.dataSource.query(
        `SELECT l.id, l.name, l.id_number AS "idNumber", to_char(l.birth_date, 'YYYY-MM-DD') AS "birthDate", l.area, l.school, l.grade, l.class_name AS "className",
                l.on_register AS "onRegister", l.on_roll AS "onRoll", l.on_poverty AS "onPoverty", l.status, l.status_since AS "statusSince", l.case_id AS "caseId"
         FROM ${view} l WHERE ${where.join(' AND ')} ORDER BY l.area NULLS LAST, l.school NULLS LAST, l.grade NULLS LAST, l.name, l.id LIMIT $${n + 1} OFFSET $${n + 2}`,
        [...params, filter.pageSize, (filter.page - 1) * filter.pageSize],
      ),
      this.dataSource.query(`SELECT count(*)::int AS n FROM ${view} l WHERE ${where.join(' AND ')}`, params),
    ]);
    const full = seesFullIdentity(user.role);
    return {
      ledger,
      items: rows.map((r: { idNumber: string | null; name: string }) => ({ ...r, idNumber: r.idNumber && maskIdNumber(r.idNumber), name: full || registryAccess(user.role) !== 'NONE' ? r.name : maskName(r.name) })),
      total: count.n,
      page: filter.page,
      pageSize: filter.pageSize,
    };
  }

  /** One child's moves between the ledgers, oldest first (date, source, who confirmed). */
  async movements(user: AuthUser, childId: string) {
    const params: unknown[] = [user.town, childId];
    const [child] = await this.dataSource.query(
      `SELECT l.id, l.name, l.status, l.area, l.school, l.grade, l.class_name AS "className", l.school_age AS "schoolAge", l.case_id AS "caseId", l.child_key AS key
       FROM finding_children l WHERE l.town = $1 AND l.id = $2 AND ${caseScopeSql(childScope(user), params, 'l', 'l')}`,
      params,
    );
    if (!child) throw new ApiError('CHILD.NOT_FOUND');
    const moves = await this.dataSource.query(
      `SELECT m.from_status AS "from", m.to_status AS "to", m.source, m.moved_at AS "movedAt", m.confirmed_by AS "confirmedBy", u.display_name AS "confirmedByName",
              m.case_id AS "caseId", m.item_id AS "itemId", m.note
       FROM ledger_movements m LEFT JOIN users u ON u.username = m.confirmed_by AND u.town = m.town
       WHERE m.town = $1 AND m.child_key = $2 ORDER BY m.moved_at, m.id`,
      [user.town, child.key],
    );
    const { key: _key, ...shown } = child;
    return { child: shown, movements: moves };
  }

  /** A person's open cross-check tasks (verification, quarterly re-check, term-start visits), overdue first. */
  async myTasks(user: AuthUser, now: Date) {
    const rows = await this.dataSource.query(
      `SELECT t.id, t.kind, t.item_id AS "itemId", t.role, t.link, t.title_zh AS "titleZh", t.title_en AS "titleEn", t.due_at AS "dueAt", (t.due_at < $3) AS overdue,
              i.name AS "childName", i.area, i.school
       FROM finding_tasks t LEFT JOIN finding_items i ON i.id = t.item_id
       WHERE t.town = $1 AND t.holder = $2 AND t.status = 'OPEN' ORDER BY (t.due_at < $3) DESC, t.due_at, t.id`,
      [user.town, user.username, now],
    );
    const full = seesFullIdentity(user.role) || registryAccess(user.role) !== 'NONE';
    return rows.map((r: { childName: string | null }) => ({ ...r, childName: r.childName && (full ? r.childName : maskName(r.childName)) }));
  }

  /** The ledgers' figures in the user's scope (ledger-figures.ts). */
  async figures(user: AuthUser, period: { start: Date; end: Date }) {
    return ledgerFigures(this.dataSource, { town: user.town, scope: childScope(user), period });
  }

  private scope(user: AuthUser, params: unknown[]): string {
    return caseScopeSql(childScope(user), params, 'i', 'i');
  }

  private async findItem(m: EntityManager, user: AuthUser, id: string, lock = false): Promise<ItemRow> {
    const params: unknown[] = [user.town, id];
    const [row] = await m.query(
      `SELECT ${ITEM_COLUMNS} FROM finding_items i LEFT JOIN finding_children fc ON fc.town = i.town AND fc.child_key = i.child_key
       WHERE i.town = $1 AND i.id = $2 AND ${this.scope(user, params)}${lock ? ' FOR UPDATE OF i' : ''}`,
      params,
    );
    if (!row) throw new ApiError('FINDING.ITEM_NOT_FOUND', { details: { id } });
    return row;
  }

  private async move(m: EntityManager, user: AuthUser, item: ItemRow, to: LedgerStatus, source: 'CONFIRMED' | 'CLEARED', caseId: string | null, note: string | null) {
    const [child] = await m.query(`SELECT child_key, status FROM finding_children WHERE town = $1 AND id = $2 FOR UPDATE`, [user.town, item.childId]);
    if (!child) return;
    await m.query(`UPDATE finding_children SET status = $3, status_since = CASE WHEN status <> $3 THEN now() ELSE status_since END, case_id = $4, updated_at = now() WHERE town = $1 AND id = $2`, [
      user.town,
      item.childId,
      to,
      caseId,
    ]);
    if (child.status === to) return;
    await m.query(
      `INSERT INTO ledger_movements (id, town, child_key, from_status, to_status, source, moved_at, confirmed_by, item_id, case_id, note)
       VALUES ('item:' || $8 || ':' || $6, $1, $2, $3, $4, $6, now(), $5, $8::uuid, $7, $9)`,
      [user.town, child.child_key, child.status, to, user.username, source, caseId, item.id, note],
    );
  }

  private present(user: AuthUser, row: ItemRow, list: boolean) {
    const full = !list && seesFullIdentity(user.role);
    const mayName = registryAccess(user.role) !== 'NONE' || seesFullIdentity(user.role);
    return {
      ...row,
      idNumber: row.idNumber && (full ? row.idNumber : maskIdNumber(row.idNumber)),
      name: mayName ? row.name : maskName(row.name),
      clearReasons: clearReasonsFor(row.kind),
      confirmable: CONFIRMABLE_KINDS.includes(row.kind) && row.status === 'OPEN',
      inScope: inCaseScope(childScope(user), { town: user.town, area: row.area ?? '', school: row.school ?? '', grade: row.grade ?? 0, className: row.className ?? '', stage: 'HOME_VISIT' }),
    };
  }
}

const FIELD_LABELS = {
  idNumber: { zh: '身份证号码', en: 'ID number' },
  area: { zh: '户籍所在责任区', en: 'area (register)' },
  school: { zh: '学校', en: 'school' },
  grade: { zh: '年级', en: 'grade' },
  className: { zh: '班级', en: 'class' },
};

/** The evidence, in words, for the case's opening note: the absence days for a suspected dropout. */
export function evidenceNote(item: Pick<ItemRow, 'kind' | 'evidence'>): string {
  const e = item.evidence as { runStart?: string; runEnd?: string; unexplainedDays?: number; absentDays?: string[] };
  if (item.kind === 'SUSPECTED_DROPOUT' || item.kind === 'POVERTY_DROPOUT') {
    if (e.runStart) return `四查三比对·考勤预警：${e.runStart} 至 ${e.runEnd} 连续无故缺课 ${e.unexplainedDays} 个上学日（${(e.absentDays ?? []).join('、')}）`;
    return '四查三比对：脱贫家庭学生，列入疑似辍学或辍学台账';
  }
  return '四查三比对：在户籍中、适龄、未在任何学籍中（未入学）';
}

function resolvedError(item: ItemRow): ApiError {
  return new ApiError('FINDING.ITEM_RESOLVED', { details: { status: item.status, resolvedBy: item.resolvedBy, resolvedAt: item.resolvedAt, caseId: item.caseId } });
}

function forbidden(): ApiError {
  return new ApiError('AUTH.FORBIDDEN');
}
