/**
 * How a task reads in the API, in a person's list (/api/me/tasks) and in a case's
 * (/api/responsibility/cases/:id): one shape and one presenter for both. A person's list also
 * holds the cross-check's tasks (presentMyTask), in the same shape with the case's parts null.
 */
import { ApiProperty } from '@nestjs/swagger';
import type { MyTaskRow, TaskRow } from '../../read-model/task-queries';
import type { MyTaskDto } from './me.dtos';
import { CHAIN_LINK_LABELS, ChainLink, TASK_WORK } from '../../responsibility/routing';
import { APPROVAL_DECISION_LABELS } from '../../workflows/approvals';
import { CHAIN_STAGES, ChainStage, Label, STAGE_LABELS, TRANSFER_PENDING, TRANSFER_PENDING_LABEL } from '../../workflows/vocabulary';

/** What the receiving town's task asks (a transfer to answer, src/transfers). */
const TRANSFER_WORK: Label = { zh: '接收或拒绝外镇移交的案件（拒绝须说明理由）', en: 'Accept or decline the case another town transfers to yours (a decline needs a reason)' };
import { LabelDto } from '../cases/case.views';

export class TaskDto {
  @ApiProperty({ example: '0b6f7c1e-2a51-4c1e-9d43-3f7a2c9e8b10:HOME_VISIT:1709251200000:teacher' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({ enum: [...CHAIN_STAGES, TRANSFER_PENDING], example: 'HOME_VISIT', description: '案件阶段；TRANSFER_PENDING：外镇移交待本镇接收 / the stage; TRANSFER_PENDING: a transfer for your town to answer' })
  stage!: ChainStage | typeof TRANSFER_PENDING;

  @ApiProperty({ type: LabelDto })
  stageLabel!: LabelDto;

  @ApiProperty({ type: LabelDto, description: '要做什么 / what to do' })
  work!: LabelDto;

  @ApiProperty({ example: 'CLASS_TEACHER', description: '政策中的责任角色 / the policy’s responsible role' })
  role!: string;

  @ApiProperty({ type: LabelDto, description: '按责任链的哪一环分派 / the link of the chain that named the person' })
  link!: LabelDto;

  @ApiProperty({ example: 'teacher', description: '任务的负责人（用户名）/ who holds the task (user name)' })
  holder!: string;

  @ApiProperty({ example: 'teacher', description: '责任链最初指定的人 / whom the chains named' })
  routedTo!: string;

  @ApiProperty({ nullable: true, type: String, example: null, description: '转交人（REASSIGN）/ who reassigned it' })
  reassignedBy!: string | null;

  @ApiProperty({ format: 'date-time' })
  dueAt!: string;

  @ApiProperty({ example: false, description: '已暂停（案件暂停，期限停止计算）/ the case is paused' })
  paused!: boolean;

  @ApiProperty({ example: true, description: '已逾期（暂停的不算）/ past due and not paused' })
  overdue!: boolean;

  @ApiProperty({ nullable: true, type: Number, example: 93_600_000, description: '逾期毫秒数 / overdue by, in ms' })
  overdueByMs!: number | null;

  @ApiProperty({ nullable: true, type: LabelDto, description: '逾期时长 / overdue by, in words' })
  overdueBy!: LabelDto | null;
}

/** The stage column of a transfer's answer task holds TRANSFER_PENDING, not a chain stage. */
function isTransferTask(t: TaskRow): boolean {
  return (t.stage as string) === TRANSFER_PENDING;
}

export function presentTask(t: TaskRow, now: Date): TaskDto {
  return {
    id: t.id,
    caseId: t.caseId,
    stage: t.stage,
    stageLabel: isTransferTask(t) ? TRANSFER_PENDING_LABEL : STAGE_LABELS[t.stage],
    work: isTransferTask(t) ? TRANSFER_WORK : TASK_WORK[t.stage],
    role: t.role,
    link: linkLabel(t.link),
    holder: t.holder,
    routedTo: t.routedTo,
    reassignedBy: t.reassignedBy,
    dueAt: new Date(t.dueAt).toISOString(),
    paused: t.paused,
    ...overdueOf(t, now),
  };
}

/** The cross-check's tasks in 我的待办, beside the case tasks: where they come from. */
export const TASK_SOURCE_LABELS: Record<MyTaskRow['source'], Label> = {
  CASE: { zh: '案件', en: 'Case' },
  FINDING: { zh: '四查比对', en: 'Cross-check' },
  APPROVAL: { zh: '审批', en: 'Approval' },
};

/**
 * A task of a person's list (/api/me/tasks): a case's task as presentTask shows it, or a
 * cross-check task in the same shape (no case, no stage; its own words; never paused).
 */
export function presentMyTask(t: MyTaskRow, now: Date): Omit<MyTaskDto, 'child'> {
  const place = { source: t.source, sourceLabel: TASK_SOURCE_LABELS[t.source], findingKind: t.findingKind, itemId: t.itemId, area: t.area, approvalDecision: t.approvalDecision };
  if (t.source === 'CASE') return { ...presentTask(t as TaskRow, now), ...place };
  if (t.source === 'APPROVAL') {
    // A request for approval: due at its reminder (else when asked), never paused; the case's stage may be RETURNED.
    const decision = APPROVAL_DECISION_LABELS[t.approvalDecision!];
    return {
      id: t.id,
      caseId: t.caseId,
      stage: t.stage,
      stageLabel: t.stage ? STAGE_LABELS[t.stage] : null,
      work: { zh: `审批：${decision.zh}`, en: `Decide: ${decision.en}` },
      role: t.role,
      link: { zh: '审批人', en: 'Approver' },
      holder: t.holder,
      routedTo: t.routedTo,
      reassignedBy: null,
      dueAt: new Date(t.dueAt).toISOString(),
      paused: false,
      ...overdueOf(t, now),
      ...place,
    };
  }
  return {
    id: t.id,
    caseId: null,
    stage: null,
    stageLabel: null,
    work: { zh: t.titleZh ?? '', en: t.titleEn ?? '' },
    role: t.role,
    link: linkLabel(t.link),
    holder: t.holder,
    routedTo: t.routedTo,
    reassignedBy: null,
    dueAt: new Date(t.dueAt).toISOString(),
    paused: false,
    ...overdueOf(t, now),
    ...place,
  };
}

function linkLabel(link: string): Label {
  return CHAIN_LINK_LABELS[link as ChainLink] ?? { zh: link, en: link };
}

function overdueOf(t: { overdue: boolean; dueAt: Date }, now: Date): Pick<TaskDto, 'overdue' | 'overdueByMs' | 'overdueBy'> {
  const overdueByMs = t.overdue ? now.getTime() - new Date(t.dueAt).getTime() : null;
  return { overdue: t.overdue, overdueByMs, overdueBy: overdueByMs === null ? null : spanLabel(overdueByMs) };
}

/** 2天3小时 / 2 d 3 h; under an hour: minutes. */
export function spanLabel(ms: number): Label {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days === 0 && hours === 0) return { zh: `${minutes % 60}分钟`, en: `${minutes % 60} min` };
  return { zh: `${days ? `${days}天` : ''}${hours ? `${hours}小时` : ''}`, en: [days ? `${days} d` : '', hours ? `${hours} h` : ''].filter(Boolean).join(' ') };
}
