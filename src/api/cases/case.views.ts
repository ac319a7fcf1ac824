/**
 * What the API answers about cases: codes with their Chinese and English labels, dates as ISO
 * strings. One presenter, from the read model's rows or from the engine's snapshot, always for a
 * viewer: `allowedActions` are what the case allows now AND the viewer's role may do, and ID
 * numbers and phones are masked in lists for everybody and in the detail for roles that do not
 * need them (src/access/permissions.ts).
 */
import { readableReason } from './readable-reason';
import { Inject, Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CaseEvent, CaseSnapshot, SupportHold, SupportMeasureView } from '../../workflows/messages';
import { APPROVAL_DECISIONS, APPROVAL_DECISION_LABELS, APPROVAL_STATUSES, APPROVAL_STATUS_LABELS, ApprovalDecision, ApprovalStatus, ApprovalView } from '../../workflows/approvals';
import {
  ACTION_TYPES,
  AUTOMATIC_EVENT_TYPES,
  CASE_OPENED,
  DOCUMENT_ISSUED,
  ActionType,
  CAUSE_LABELS,
  CAUSES,
  Cause,
  CaseEventType,
  ChainStage,
  EVENT_LABELS,
  Label,
  STAGES,
  STAGE_LABELS,
  SUPPORT_MEASURES,
  SUPPORT_MEASURE_LABELS,
  SUPPORT_OUTCOMES,
  SUPPORT_OUTCOME_LABELS,
  Stage,
  SupportMeasure,
  SupportOutcome,
} from '../../workflows/vocabulary';
import type { CaseEntity, CaseEventEntity, ChildEntity, GuardianEntity, SupportMeasureEntity } from '../../read-model/entities';
import type { CaseDetail } from '../../read-model/case-queries';
import { Towns } from '../../read-model/town';
import { maskIdNumber, maskPhone } from '../../access/masking';
import { seesFullIdentity, visibleActions } from '../../access/permissions';
import type { Role } from '../../access/roles';
import { TOWNS } from '../tokens';

/** Whom the answer is for. */
export interface Viewer {
  role: Role;
  /** Names of areas and schools are the viewer's town's. */
  town: string;
}

export class LabelDto implements Label {
  @ApiProperty({ example: '家访' })
  zh!: string;

  @ApiProperty({ example: 'Home visit' })
  en!: string;
}

export class ChildSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: '王小明' })
  name!: string;

  @ApiProperty({ enum: ['M', 'F'], example: 'M', description: 'M 男, F 女' })
  sex!: 'M' | 'F';

  @ApiProperty({ example: 5, minimum: 1, maximum: 9 })
  grade!: number;

  @ApiProperty({ example: '五年级二班' })
  className!: string;

  @ApiProperty({
    example: '500235********0034',
    description: '身份证号码；列表中一律掩码，详情中按岗位掩码 / ID number: masked in lists, and in the detail for roles that do not need it',
  })
  idNumber!: string;

  @ApiProperty({ description: 'true：身份证号码和电话已掩码 / the ID number and phones are masked' })
  masked!: boolean;
}

export class GuardianDto {
  @ApiProperty({ example: '王大山' })
  name!: string;

  @ApiProperty({ example: '13800000000', description: '按岗位掩码，如 138****0000 / masked for roles that do not need it' })
  phone!: string;

  @ApiProperty({ example: '父亲' })
  relation!: string;
}

export class ChildDetailDto extends ChildSummaryDto {
  @ApiProperty({ example: '2012-03-15', format: 'date' })
  birthDate!: string;

  @ApiProperty({ example: 'GULING_PRIMARY' })
  school!: string;

  @ApiProperty({ type: LabelDto })
  schoolLabel!: Label;

  @ApiProperty({ example: 'GAOPING' })
  area!: string;

  @ApiProperty({ type: LabelDto })
  areaLabel!: Label;

  @ApiProperty({ type: [GuardianDto] })
  guardians!: GuardianDto[];
}

export class SupportMeasureDto {
  @ApiProperty({ example: '0b6f7c1e-2a51-4c1e-9d43-3f7a2c9e8b10:4', description: '措施编号（RECORD_SUPPORT_OUTCOME 的 measureId）/ id, the measureId of RECORD_SUPPORT_OUTCOME' })
  id!: string;

  @ApiProperty({ enum: SUPPORT_MEASURES, example: 'EDUCATION_AID' })
  measure!: SupportMeasure;

  @ApiProperty({ type: LabelDto })
  measureLabel!: Label;

  @ApiProperty({ type: 'string', nullable: true, example: 'officer', description: '负责人用户名 / username of the owner' })
  owner!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  dueAt!: string | null;

  @ApiProperty({ enum: SUPPORT_OUTCOMES, example: 'PENDING' })
  outcome!: SupportOutcome;

  @ApiProperty({ type: LabelDto })
  outcomeLabel!: Label;

  @ApiProperty({ description: '办理中且已过期限 / pending and past its due date' })
  overdue!: boolean;

  @ApiProperty({ format: 'date-time' })
  addedAt!: string;

  @ApiProperty({ example: '谢勇（principal）' })
  addedBy!: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  decidedAt!: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  decidedBy!: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  note!: string | null;
}

export class SupportHoldDto {
  @ApiProperty({ format: 'date-time', description: '暂缓起始 / held since' })
  since!: string;

  @ApiProperty({ enum: STAGES, example: 'JUDICIAL_DOCUMENT', description: '资助有结果后进入的阶段 / the stage the case enters once the aid is decided' })
  to!: ChainStage;

  @ApiProperty({ type: [String], description: '等待的教育资助措施 / the education aid it waits for' })
  measureIds!: string[];

  @ApiProperty({ type: LabelDto, description: '原因 / why' })
  reason!: Label;
}

/** A request for approval (审批) of the case: what was asked, by whom, and the decision with its comment. */
export class ApprovalDto {
  @ApiProperty({ example: '0b6f7c1e-2a51-4c1e-9d43-3f7a2c9e8b10:9', description: '申请编号（REQUEST_APPROVAL 事件的编号）/ the request id (its event id)' })
  id!: string;

  @ApiProperty({ enum: APPROVAL_DECISIONS, example: 'CLOSURE' })
  decision!: ApprovalDecision;

  @ApiProperty({ type: LabelDto })
  decisionLabel!: Label;

  @ApiProperty({ enum: APPROVAL_STATUSES, example: 'PENDING' })
  status!: ApprovalStatus;

  @ApiProperty({ type: LabelDto })
  statusLabel!: Label;

  @ApiProperty({ example: '跟踪期满，学生稳定在校' })
  reason!: string;

  @ApiProperty({ example: '谢勇（principal）' })
  requestedBy!: string;

  @ApiProperty({ format: 'date-time' })
  requestedAt!: string;

  @ApiProperty({ type: [String], example: ['LEADER', 'DEPUTY_LEADER'], description: '可审批的岗位 / the roles that may decide' })
  approverRoles!: string[];

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: '超限延期申请的新期限 / the due date an EXTENSION asks for' })
  newDueAt!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: '待审批提醒时间 / when the approvers are reminded' })
  remindAt!: string | null;

  @ApiProperty({ type: 'string', nullable: true, example: null })
  decidedBy!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  decidedAt!: string | null;

  @ApiProperty({ type: 'string', nullable: true, example: null, description: '审批意见 / the approver’s comment' })
  comment!: string | null;
}

/** The case's state: what the engine's snapshot and the read model's row have in common. */
export class CaseStateDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: STAGES, example: 'HOME_VISIT' })
  stage!: Stage;

  @ApiProperty({ type: LabelDto })
  stageLabel!: Label;

  @ApiProperty({ enum: CAUSES, example: 'POVERTY' })
  cause!: Cause;

  @ApiProperty({ type: LabelDto })
  causeLabel!: Label;

  @ApiProperty({ example: 'GAOPING' })
  area!: string;

  @ApiProperty({ type: LabelDto })
  areaLabel!: Label;

  @ApiProperty({ example: 'GULING_PRIMARY' })
  school!: string;

  @ApiProperty({ type: LabelDto })
  schoolLabel!: Label;

  @ApiProperty({ description: '未结案 / the case is open' })
  open!: boolean;

  @ApiProperty({ description: '已暂停（计时停止）/ clocks stopped' })
  paused!: boolean;

  @ApiProperty({ description: '已逾期：下一期限已过、未结案、未暂停 / next deadline passed while open and not paused' })
  overdue!: boolean;

  @ApiProperty({ format: 'date-time' })
  openedAt!: string;

  @ApiProperty({ example: '张老师' })
  openedBy!: string;

  @ApiProperty({ format: 'date-time' })
  stageEnteredAt!: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: '本阶段规定动作的期限 / due date of the required action' })
  actionDueAt!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: '阶段期限（跟踪期结束）/ end of the stage window' })
  windowEndsAt!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: '最近的期限 / the earliest of the above' })
  nextDeadlineAt!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  pausedAt!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  endedAt!: string | null;

  @ApiProperty({ enum: STAGES, nullable: true, description: '复学前所处阶段 / stage left when the child returned' })
  returnedFrom!: ChainStage | null;

  @ApiProperty()
  followUpCompleted!: boolean;

  @ApiProperty({ type: 'string', nullable: true, example: '李书记' })
  assignee!: string | null;

  @ApiProperty({
    enum: ACTION_TYPES,
    isArray: true,
    example: ['RECORD_HOME_VISIT', 'RECORD_RETURN', 'ADD_NOTE'],
    description: '现在可办理、且您的岗位可做的操作 / what the case allows now AND your role may do',
  })
  allowedActions!: ActionType[];

  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/LabelDto' },
    example: { RECORD_HOME_VISIT: { zh: '记录家访', en: 'Home visit recorded' } },
  })
  allowedActionLabels!: Partial<Record<ActionType, Label>>;

  @ApiProperty({ type: 'string', nullable: true, example: 'guling-2023.1' })
  policyVersion!: string | null;

  @ApiProperty({ description: '最后一个事件的序号 / seq of the last event' })
  lastSeq!: number;

  @ApiProperty({ type: 'string', nullable: true, example: '开学两周未到校' })
  note!: string | null;

  @ApiProperty({ type: 'string', nullable: true, example: 'GULING', description: '案件所属乡镇（移交后为接收乡镇）/ the town the case belongs to (the receiving town after a transfer)' })
  town!: string | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    example: null,
    description: '待接收（TRANSFER_PENDING）：申请移交的接收乡镇，尚未答复 / TRANSFER_PENDING: the town asked to take the case over, not yet answered',
  })
  transferPendingTo!: string | null;

  @ApiPropertyOptional({ type: [SupportMeasureDto], description: '帮扶措施（案件详情与办理结果中）/ support measures (in the detail and action results)' })
  supportMeasures?: SupportMeasureDto[];

  @ApiPropertyOptional({
    type: SupportHoldDto,
    nullable: true,
    description: '先帮扶后惩戒：因教育资助尚在办理而暂缓进入司法文书 / support before sanction: held before the judicial step while education aid is pending',
  })
  heldForSupport?: SupportHoldDto | null;

  @ApiPropertyOptional({ type: [ApprovalDto], description: '审批申请（案件详情与办理结果中）/ requests for approval (in the detail and action results)' })
  approvals?: ApprovalDto[];
}

export class CaseSummaryDto extends CaseStateDto {
  @ApiProperty({ type: ChildSummaryDto })
  child!: ChildSummaryDto;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class CaseEventDto {
  @ApiProperty({ example: '0b6f7c1e-2a51-4c1e-9d43-3f7a2c9e8b10:1' })
  id!: string;

  @ApiProperty({ example: 1 })
  seq!: number;

  @ApiProperty({ enum: [CASE_OPENED, ...ACTION_TYPES, ...AUTOMATIC_EVENT_TYPES, DOCUMENT_ISSUED], example: 'RECORD_HOME_VISIT' })
  type!: CaseEventType;

  @ApiProperty({ type: LabelDto })
  label!: Label;

  @ApiProperty({ description: '系统自动 / written by the engine' })
  automatic!: boolean;

  @ApiProperty({ example: '张老师' })
  actor!: string;

  @ApiProperty({ example: '监护人同意下周一送孩子返校' })
  reason!: string;

  @ApiProperty({ type: LabelDto, description: '事由，中文与英文分开，时间为北京时间（readable-reason.ts）/ the reason in each language, times in China time' })
  reasonLabel!: Label;

  @ApiProperty({ enum: STAGES })
  stageBefore!: Stage;

  @ApiProperty({ type: LabelDto })
  stageBeforeLabel!: Label;

  @ApiProperty({ enum: STAGES })
  stageAfter!: Stage;

  @ApiProperty({ type: LabelDto })
  stageAfterLabel!: Label;

  @ApiProperty({ format: 'date-time' })
  occurredAt!: string;

  @ApiPropertyOptional({ format: 'date-time', description: '写入台账的时间 / when the read model recorded it' })
  recordedAt?: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { outcome: 'NOT_RETURNED' } })
  data!: Record<string, unknown>;
}

export class CaseDetailDto extends CaseStateDto {
  @ApiProperty({ type: ChildDetailDto })
  child!: ChildDetailDto;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  @ApiProperty({ type: [CaseEventDto], description: '办理经过（按顺序）/ the timeline, in order' })
  timeline!: CaseEventDto[];
}

export class CaseListDto {
  @ApiProperty({ type: [CaseSummaryDto] })
  items!: CaseSummaryDto[];

  @ApiProperty({ example: 42 })
  total!: number;

  @ApiProperty({ example: 1 })
  page!: number;

  @ApiProperty({ example: 20 })
  pageSize!: number;
}

export class ActionResultDto {
  @ApiProperty({ type: CaseStateDto, description: '操作后的案件状态 / the case after the action' })
  case!: CaseStateDto;

  @ApiProperty({ type: [CaseEventDto], description: '本次产生的事件 / the events the action wrote' })
  events!: CaseEventDto[];
}

@Injectable()
export class CasePresenter {
  constructor(@Inject(TOWNS) private readonly towns: Towns) {}

  state(row: CaseEntity, viewer: Viewer, now = new Date()): CaseStateDto {
    return this.stateFrom(
      viewer,
      {
        id: row.id,
        stage: row.stage,
        cause: row.cause,
        area: row.area,
        school: row.school,
        open: row.open,
        paused: row.paused,
        openedAt: iso(row.openedAt)!,
        openedBy: row.openedBy,
        stageEnteredAt: iso(row.stageEnteredAt)!,
        actionDueAt: iso(row.actionDueAt),
        windowEndsAt: iso(row.windowEndsAt),
        nextDeadlineAt: iso(row.nextDeadlineAt),
        pausedAt: iso(row.pausedAt),
        endedAt: iso(row.endedAt),
        returnedFrom: row.returnedFrom,
        followUpCompleted: row.followUpCompleted,
        assignee: row.assignee,
        allowedActions: row.allowedActions ?? [],
        policyVersion: row.policyVersion,
        lastSeq: row.lastSeq,
        note: row.note,
        town: row.town,
        transferPendingTo: row.transferPendingTo ?? null,
      },
      now,
    );
  }

  snapshot(s: CaseSnapshot, viewer: Viewer, now = new Date()): CaseStateDto {
    return this.stateFrom(
      viewer,
      {
        id: s.caseId,
        stage: s.stage,
        cause: s.cause,
        area: s.area,
        school: s.school,
        open: s.open,
        paused: s.paused,
        openedAt: s.openedAt,
        openedBy: s.openedBy,
        stageEnteredAt: s.stageEnteredAt,
        actionDueAt: s.actionDueAt ?? null,
        windowEndsAt: s.windowEndsAt ?? null,
        nextDeadlineAt: s.nextDeadlineAt ?? null,
        pausedAt: s.pausedAt ?? null,
        endedAt: s.endedAt ?? null,
        returnedFrom: s.returnedFrom ?? null,
        followUpCompleted: s.followUpCompleted,
        assignee: s.assignee ?? null,
        allowedActions: s.allowedActions,
        policyVersion: s.policyVersion,
        lastSeq: s.lastSeq,
        note: s.note ?? null,
        town: s.town ?? null,
        transferPendingTo: s.transferPending?.toTown ?? null,
      },
      now,
    );
  }

  /** The snapshot's support measures and hold (action results); the detail reads them from the read model. */
  snapshotWithSupport(s: CaseSnapshot, viewer: Viewer, now = new Date()): CaseStateDto {
    return {
      ...this.snapshot(s, viewer, now),
      supportMeasures: (s.supportMeasures ?? []).map((m) => this.supportMeasure(m, now)),
      heldForSupport: s.heldForSupport ? this.hold(s.heldForSupport) : null,
      approvals: (s.approvals ?? []).map((a) => this.approval(a)),
    };
  }

  approval(a: ApprovalView): ApprovalDto {
    return {
      id: a.id,
      decision: a.decision,
      decisionLabel: APPROVAL_DECISION_LABELS[a.decision],
      status: a.status,
      statusLabel: APPROVAL_STATUS_LABELS[a.status],
      reason: a.reason,
      requestedBy: a.requestedBy,
      requestedAt: a.requestedAt,
      approverRoles: a.approverRoles,
      newDueAt: a.newDueAt ?? null,
      remindAt: a.remindAt ?? null,
      decidedBy: a.decidedBy ?? null,
      decidedAt: a.decidedAt ?? null,
      comment: a.comment ?? null,
    };
  }

  supportMeasure(m: SupportMeasureView | SupportMeasureEntity, now = new Date()): SupportMeasureDto {
    const dueAt = iso(m.dueAt ?? null);
    return {
      id: m.id,
      measure: m.measure,
      measureLabel: SUPPORT_MEASURE_LABELS[m.measure] ?? { zh: m.measure, en: m.measure },
      owner: m.owner ?? null,
      dueAt,
      outcome: m.outcome,
      outcomeLabel: SUPPORT_OUTCOME_LABELS[m.outcome] ?? { zh: m.outcome, en: m.outcome },
      overdue: m.outcome === 'PENDING' && dueAt !== null && Date.parse(dueAt) < now.getTime(),
      addedAt: iso(m.addedAt)!,
      addedBy: m.addedBy,
      decidedAt: iso(m.decidedAt ?? null),
      decidedBy: m.decidedBy ?? null,
      note: m.note ?? null,
    };
  }

  hold(h: SupportHold): SupportHoldDto {
    return { since: h.since, to: h.to, measureIds: h.measureIds, reason: h.reason };
  }

  /** A line of the ledger: the ID number is masked for every role. */
  summary(row: CaseEntity & { child?: ChildEntity }, viewer: Viewer, now = new Date()): CaseSummaryDto {
    const child = row.child!;
    return {
      ...this.state(row, viewer, now),
      child: { id: child.id, name: child.name, sex: child.sex, grade: child.grade, className: child.className, idNumber: maskIdNumber(child.idNumber), masked: true },
      updatedAt: iso(row.updatedAt)!,
    };
  }

  /** The whole case: ID number and phones in full only for roles that need them. */
  detail(d: CaseDetail, viewer: Viewer, now = new Date()): CaseDetailDto {
    return {
      ...this.summary({ ...d.case, child: d.child } as CaseEntity, viewer, now),
      child: this.child(d.child, d.guardians, !seesFullIdentity(viewer.role)),
      supportMeasures: d.supportMeasures.map((m) => this.supportMeasure(m, now)),
      heldForSupport: d.case.heldForSupport ? this.hold(d.case.heldForSupport) : null,
      approvals: d.approvals.map((a) => this.approval(a)),
      timeline: d.events.map((e) => this.event(e)),
    };
  }

  child(c: ChildEntity, guardians: GuardianEntity[], masked: boolean): ChildDetailDto {
    return {
      id: c.id,
      name: c.name,
      sex: c.sex,
      grade: c.grade,
      className: c.className,
      idNumber: masked ? maskIdNumber(c.idNumber) : c.idNumber,
      masked,
      birthDate: c.birthDate,
      school: c.school,
      schoolLabel: this.towns.get(c.town).schoolLabel(c.school),
      area: c.area,
      areaLabel: this.towns.get(c.town).areaLabel(c.area),
      guardians: guardians.map((g) => ({ name: g.name, phone: masked ? maskPhone(g.phone) : g.phone, relation: g.relation })),
    };
  }

  event(e: CaseEventEntity | CaseEvent): CaseEventDto {
    const recordedAt = 'recordedAt' in e ? iso(e.recordedAt) : null;
    return {
      id: e.id,
      seq: e.seq,
      type: e.type,
      label: EVENT_LABELS[e.type] ?? { zh: e.type, en: e.type },
      automatic: e.automatic,
      actor: e.actor,
      reason: e.reason ?? '',
      reasonLabel: readableReason(e.reason ?? '', e.automatic),
      stageBefore: e.stageBefore,
      stageBeforeLabel: stageLabel(e.stageBefore),
      stageAfter: e.stageAfter,
      stageAfterLabel: stageLabel(e.stageAfter),
      occurredAt: iso(e.occurredAt)!,
      ...(recordedAt ? { recordedAt } : {}),
      data: e.data ?? {},
    };
  }

  private stateFrom(
    viewer: Viewer,
    s: Omit<CaseStateDto, 'stageLabel' | 'causeLabel' | 'areaLabel' | 'schoolLabel' | 'overdue' | 'allowedActionLabels'>,
    now: Date,
  ): CaseStateDto {
    const allowedActions = visibleActions(viewer.role, s.allowedActions);
    // Codes are the case's town's (after a transfer, the sending town reads the receiving town's codes).
    const town = this.towns.get(s.town && this.towns.has(s.town) ? s.town : viewer.town);
    return {
      id: s.id,
      stage: s.stage,
      stageLabel: stageLabel(s.stage),
      cause: s.cause,
      causeLabel: CAUSE_LABELS[s.cause] ?? { zh: s.cause, en: s.cause },
      area: s.area,
      areaLabel: town.areaLabel(s.area),
      school: s.school,
      schoolLabel: town.schoolLabel(s.school),
      open: s.open,
      paused: s.paused,
      overdue: s.open && !s.paused && s.nextDeadlineAt !== null && Date.parse(s.nextDeadlineAt) < now.getTime(),
      openedAt: s.openedAt,
      openedBy: s.openedBy,
      stageEnteredAt: s.stageEnteredAt,
      actionDueAt: s.actionDueAt,
      windowEndsAt: s.windowEndsAt,
      nextDeadlineAt: s.nextDeadlineAt,
      pausedAt: s.pausedAt,
      endedAt: s.endedAt,
      returnedFrom: s.returnedFrom,
      followUpCompleted: s.followUpCompleted,
      assignee: s.assignee,
      allowedActions,
      allowedActionLabels: Object.fromEntries(allowedActions.map((a) => [a, EVENT_LABELS[a] ?? { zh: a, en: a }])),
      policyVersion: s.policyVersion,
      lastSeq: s.lastSeq,
      note: s.note,
      town: s.town,
      transferPendingTo: s.transferPendingTo,
    };
  }
}

function stageLabel(stage: Stage): Label {
  return STAGE_LABELS[stage] ?? { zh: stage, en: stage };
}

function iso(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}
