/**
 * The body of POST /api/cases/:id/actions: one DTO class per member of the CaseAction union
 * (src/workflows/messages.ts), chosen by `type`. The actor is not part of the body: the API adds
 * the logged-in user. Field rules here are the API's; the workflow checks the stage rules.
 */
import { applyDecorators, Type as ClassType } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { Equals, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { ActionOf, CaseAction } from '../../../workflows/messages';
import {
  ACTION_TYPES,
  ActionType,
  FinalSupportOutcome,
  SUPPORT_MEASURES,
  SUPPORT_OUTCOMES,
  SupportMeasure,
  VISIT_OUTCOMES,
  VisitOutcome,
} from '../../../workflows/vocabulary';
import { IsCalendarDate, IsDuration, IsInstant } from '../../validation/decorators';
import { APPROVAL_DECISIONS, ApprovalDecision } from '../../../workflows/approvals';

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

function ActionTypeProperty(type: ActionType) {
  return applyDecorators(ApiProperty({ enum: [type], example: type }), Equals(type));
}

/** A required text field (trimmed, not empty, bounded). */
function Text(example: string, description: string, max = 500) {
  return applyDecorators(ApiProperty({ example, description, maxLength: max }), trim(), IsString(), IsNotEmpty(), MaxLength(max));
}

function OptionalText(example: string, description: string, max = 500) {
  return applyDecorators(ApiPropertyOptional({ example, description, maxLength: max }), IsOptional(), trim(), IsString(), MaxLength(max));
}

function OptionalDate(description: string) {
  return applyDecorators(ApiPropertyOptional({ example: '2024-03-01', format: 'date', description }), IsOptional(), IsCalendarDate());
}

export abstract class ActionRequestBase {
  abstract type: ActionType;
}

/** Every action may carry a note, except ADD_NOTE, where the note is the action and required. */
abstract class ActionWithNote extends ActionRequestBase {
  @OptionalText('监护人态度有所松动', '备注 / note', 2000)
  note?: string;
}

export class RecordHomeVisitDto extends ActionWithNote {
  @ActionTypeProperty('RECORD_HOME_VISIT')
  type!: 'RECORD_HOME_VISIT';

  @ApiProperty({ enum: VISIT_OUTCOMES, example: 'NOT_RETURNED', description: 'RETURNED 已返校 / NOT_RETURNED 未返校' })
  @IsIn(VISIT_OUTCOMES)
  outcome!: VisitOutcome;

  @OptionalDate('家访日期 / day of the visit')
  visitedOn?: string;
}

export class RecordPersuasionDto extends ActionWithNote {
  @ActionTypeProperty('RECORD_PERSUASION')
  type!: 'RECORD_PERSUASION';

  @ApiProperty({ enum: VISIT_OUTCOMES, example: 'NOT_RETURNED' })
  @IsIn(VISIT_OUTCOMES)
  outcome!: VisitOutcome;
}

export class PersuasionRefusedDto extends ActionWithNote {
  @ActionTypeProperty('PERSUASION_REFUSED')
  type!: 'PERSUASION_REFUSED';

  @Text('监护人明确拒绝送孩子返校', '拒绝情况 / what was refused')
  reason!: string;
}

export class IssueCorrectionOrderDto extends ActionWithNote {
  @ActionTypeProperty('ISSUE_CORRECTION_ORDER')
  type!: 'ISSUE_CORRECTION_ORDER';

  @OptionalText('故府责改〔2024〕3号', '责令改正通知书文号 / number of the order', 100)
  orderNumber?: string;

  @ApiPropertyOptional({ example: '15d', description: '改正期限（默认按政策）/ time allowed to correct, e.g. 15d (default: policy)' })
  @IsOptional()
  @IsDuration()
  correctWithin?: string;
}

export class IssueJudicialDocumentDto extends ActionWithNote {
  @ActionTypeProperty('ISSUE_JUDICIAL_DOCUMENT')
  type!: 'ISSUE_JUDICIAL_DOCUMENT';

  @Text('故司督〔2024〕1号', '司法文书编号 / document number', 100)
  documentNumber!: string;

  @OptionalDate('发放日期 / day issued')
  issuedOn?: string;
}

export class ReferLegalLiabilityDto extends ActionWithNote {
  @ActionTypeProperty('REFER_LEGAL_LIABILITY')
  type!: 'REFER_LEGAL_LIABILITY';

  @Text('司法文书送达后仍拒不送子女入学，情节严重', '移送理由 / why the case is serious')
  reason!: string;
}

export class RecordLegalOutcomeDto extends ActionWithNote {
  @ActionTypeProperty('RECORD_LEGAL_OUTCOME')
  type!: 'RECORD_LEGAL_OUTCOME';

  @Text('法院判决监护人限期送子女复学', '处理结果 / outcome of the referral', 2000)
  outcome!: string;
}

export class RecordReturnDto extends ActionWithNote {
  @ActionTypeProperty('RECORD_RETURN')
  type!: 'RECORD_RETURN';

  @OptionalDate('返校日期 / day back at school')
  returnedOn?: string;
}

export class RecordRelapseDto extends ActionWithNote {
  @ActionTypeProperty('RECORD_RELAPSE')
  type!: 'RECORD_RELAPSE';

  @Text('复学三周后再次不到校', '情况 / what happened')
  reason!: string;
}

export class ApproveClosureDto extends ActionWithNote {
  @ActionTypeProperty('APPROVE_CLOSURE')
  type!: 'APPROVE_CLOSURE';
}

export class PauseDto extends ActionWithNote {
  @ActionTypeProperty('PAUSE')
  type!: 'PAUSE';

  @Text('住院治疗', '暂停原因 / why the clocks stop')
  reason!: string;
}

export class ResumeDto extends ActionWithNote {
  @ActionTypeProperty('RESUME')
  type!: 'RESUME';
}

export class ExtendDeadlineDto extends ActionWithNote {
  @ActionTypeProperty('EXTEND_DEADLINE')
  type!: 'EXTEND_DEADLINE';

  @ApiProperty({ example: '2024-03-20T17:00:00+08:00', format: 'date-time', description: '新的期限 / the new due date' })
  @IsInstant()
  newDueAt!: string;

  @Text('监护人外出务工，春节后返乡', '延期理由 / why')
  reason!: string;

  @Text('leader', '批准人的用户名：本镇组长、副组长或统筹负责人 / username of the approver: a leader, deputy leader or coordinator of the town', 100)
  approver!: string;
}

export class ReassignDto extends ActionWithNote {
  @ActionTypeProperty('REASSIGN')
  type!: 'REASSIGN';

  @Text('cadre-lancao', '新的负责人：本镇用户的用户名；案件的待办任务转给此人 / the new person in charge: a user name of the same town; the case’s open tasks move to them', 100)
  assignee!: string;

  @Text('驻村干部调整', '原因 / why')
  reason!: string;
}

export class AddNoteDto extends ActionRequestBase {
  @ActionTypeProperty('ADD_NOTE')
  type!: 'ADD_NOTE';

  @Text('已联系村委会协助', '备注 / the note', 2000)
  note!: string;
}

export class AddSupportDto extends ActionWithNote {
  @ActionTypeProperty('ADD_SUPPORT')
  type!: 'ADD_SUPPORT';

  @ApiProperty({
    enum: SUPPORT_MEASURES,
    example: 'EDUCATION_AID',
    description: 'TUTORING 帮扶辅导 / EDUCATION_AID 教育资助 / HOME_DELIVERED_EDUCATION 送教上门 / OTHER 其他',
  })
  @IsIn(SUPPORT_MEASURES)
  measure!: SupportMeasure;

  @Text('principal', '负责人的用户名 / username of the person in charge of the measure', 100)
  owner!: string;

  @ApiProperty({ example: '2026-10-20T17:00:00+08:00', format: 'date-time', description: '期限：到期仍无结果时提醒负责人 / due date; the owner is reminded when it passes without an outcome' })
  @IsInstant()
  dueAt!: string;
}

const FINAL_SUPPORT_OUTCOMES = SUPPORT_OUTCOMES.filter((o): o is FinalSupportOutcome => o !== 'PENDING');

export class RecordSupportOutcomeDto extends ActionWithNote {
  @ActionTypeProperty('RECORD_SUPPORT_OUTCOME')
  type!: 'RECORD_SUPPORT_OUTCOME';

  @Text('0b6f7c1e-2a51-4c1e-9d43-3f7a2c9e8b10:4', '帮扶措施编号（见案件详情 supportMeasures）/ id of the measure (see supportMeasures in the case)', 100)
  measureId!: string;

  @ApiProperty({
    enum: FINAL_SUPPORT_OUTCOMES,
    example: 'GRANTED',
    description:
      'TUTORING: DONE/REFUSED; EDUCATION_AID: GRANTED/REFUSED/NOT_ELIGIBLE; HOME_DELIVERED_EDUCATION: DELIVERED（视同在籍，转入已复学跟踪 / counts as enrolled: the case moves to RETURNED）/REFUSED/NOT_ELIGIBLE; OTHER: DONE/REFUSED',
  })
  @IsIn(FINAL_SUPPORT_OUTCOMES)
  outcome!: FinalSupportOutcome;
}

export class ExemptDto extends ActionWithNote {
  @ActionTypeProperty('EXEMPT')
  type!: 'EXEMPT';

  @Text('经县教委批准缓学一年', '缓学/免学依据 / the approval')
  reason!: string;
}

export class TransferDto extends ActionWithNote {
  @ActionTypeProperty('TRANSFER')
  type!: 'TRANSFER';

  @Text('随父母迁居，已核实在新学校注册', '转学核实情况 / how the enrolment was verified')
  reason!: string;

  @Text('重庆市万州区某小学', '新学校 / the new school', 100)
  newSchool!: string;
}

export class CompleteDto extends ActionWithNote {
  @ActionTypeProperty('COMPLETE')
  type!: 'COMPLETE';

  @Text('已满十六周岁', '原因 / why')
  reason!: string;
}

export class CancelDto extends ActionWithNote {
  @ActionTypeProperty('CANCEL')
  type!: 'CANCEL';

  @Text('误报：该生已办理转学', '撤销原因 / why the case was opened in error')
  reason!: string;
}

export class RequestApprovalDto extends ActionWithNote {
  @ActionTypeProperty('REQUEST_APPROVAL')
  type!: 'REQUEST_APPROVAL';

  @ApiProperty({
    enum: APPROVAL_DECISIONS,
    example: 'CLOSURE',
    description: 'CLOSURE 销号 / JUDICIAL 进入司法文书环节 / EXTENSION 超限延期 / EXEMPTION 缓学/休学',
  })
  @IsIn(APPROVAL_DECISIONS)
  decision!: ApprovalDecision;

  @Text('跟踪期满，学生稳定在校', '申请理由 / why')
  reason!: string;

  @ApiPropertyOptional({ example: '2024-03-20T17:00:00+08:00', format: 'date-time', description: '超限延期的新期限（仅 EXTENSION）/ the new due date (EXTENSION only)' })
  @IsOptional()
  @IsInstant()
  newDueAt?: string;
}

export class ApproveRequestDto extends ActionWithNote {
  @ActionTypeProperty('APPROVE_REQUEST')
  type!: 'APPROVE_REQUEST';

  @Text('<caseId>:12', '申请编号（REQUEST_APPROVAL 事件的编号）/ the request id (its REQUEST_APPROVAL event id)', 100)
  approvalId!: string;

  @Text('同意销号', '审批意见 / the approver\'s comment', 2000)
  comment!: string;
}

export class RejectRequestDto extends ActionWithNote {
  @ActionTypeProperty('REJECT_REQUEST')
  type!: 'REJECT_REQUEST';

  @Text('<caseId>:12', '申请编号（REQUEST_APPROVAL 事件的编号）/ the request id (its REQUEST_APPROVAL event id)', 100)
  approvalId!: string;

  @Text('请补充复学后的出勤记录', '驳回意见 / why it is rejected', 2000)
  comment!: string;
}

export class RequestTransferDto extends ActionWithNote {
  @ActionTypeProperty('REQUEST_TRANSFER')
  type!: 'REQUEST_TRANSFER';

  @Text('WUYANG', '接收乡镇代码（本部署的乡镇之一）/ the receiving town’s code (a town of this deployment)', 40)
  toTown!: string;

  @Text('该生随父母在外镇务工地被发现，由当地继续劝返', '移交原因 / why the case moves', 500)
  reason!: string;
}

export class AcceptTransferDto extends ActionWithNote {
  @ActionTypeProperty('ACCEPT_TRANSFER')
  type!: 'ACCEPT_TRANSFER';

  @Text('HONGQIAO', '本镇责任区（代码或名称）/ the responsibility area in your town (code or name)', 60)
  area!: string;

  @Text('WUYANG_PRIMARY', '本镇学校（代码或名称）/ the school in your town (code or name)', 100)
  school!: string;

  @ApiProperty({ example: 8, minimum: 1, maximum: 9, description: '年级 / grade' })
  @IsInt()
  @Min(1)
  @Max(9)
  grade!: number;

  @Text('八年级一班', '班级 / class', 40)
  className!: string;
}

export class DeclineTransferDto extends ActionWithNote {
  @ActionTypeProperty('DECLINE_TRANSFER')
  type!: 'DECLINE_TRANSFER';

  @Text('经核实该生户籍与居住地均不在本镇', '拒绝原因 / why your town declines', 500)
  reason!: string;
}

/** One class per action type; the pipe picks the class by `type`. */
export const ACTION_DTOS = {
  RECORD_HOME_VISIT: RecordHomeVisitDto,
  RECORD_PERSUASION: RecordPersuasionDto,
  PERSUASION_REFUSED: PersuasionRefusedDto,
  ISSUE_CORRECTION_ORDER: IssueCorrectionOrderDto,
  ISSUE_JUDICIAL_DOCUMENT: IssueJudicialDocumentDto,
  REFER_LEGAL_LIABILITY: ReferLegalLiabilityDto,
  RECORD_LEGAL_OUTCOME: RecordLegalOutcomeDto,
  RECORD_RETURN: RecordReturnDto,
  RECORD_RELAPSE: RecordRelapseDto,
  APPROVE_CLOSURE: ApproveClosureDto,
  PAUSE: PauseDto,
  RESUME: ResumeDto,
  EXTEND_DEADLINE: ExtendDeadlineDto,
  REASSIGN: ReassignDto,
  ADD_NOTE: AddNoteDto,
  ADD_SUPPORT: AddSupportDto,
  EXEMPT: ExemptDto,
  TRANSFER: TransferDto,
  COMPLETE: CompleteDto,
  CANCEL: CancelDto,
  RECORD_SUPPORT_OUTCOME: RecordSupportOutcomeDto,
  REQUEST_APPROVAL: RequestApprovalDto,
  APPROVE_REQUEST: ApproveRequestDto,
  REJECT_REQUEST: RejectRequestDto,
  REQUEST_TRANSFER: RequestTransferDto,
  ACCEPT_TRANSFER: AcceptTransferDto,
  DECLINE_TRANSFER: DeclineTransferDto,
} satisfies Record<ActionType, ClassType<ActionRequestBase>>;

/** Every action type has its DTO (checked at compile time by `satisfies` above and here at load). */
for (const type of ACTION_TYPES) if (!ACTION_DTOS[type]) throw new Error(`no request DTO for action ${type}`);

/** A validated action body: the CaseAction without its actor. */
export type ActionRequest = InstanceType<(typeof ACTION_DTOS)[ActionType]>;

/** The action the engine receives: the body's fields (undefined ones left out) plus the actor. */
export function toCaseAction(body: ActionRequest, actor: string): CaseAction {
  const fields = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
  return { ...fields, actor } as CaseAction;
}

// Compile-time guard: each DTO has exactly the fields of its CaseAction member (without the actor,
// and without `receiving`, which the API fills in for an accepted transfer).
// When messages.ts changes an action, this stops compiling until the DTO follows.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Fields<T> = { [K in keyof T]: T[K] };
type Matches<D, A> = Same<keyof D, keyof A> extends true ? Same<Fields<D>, A> : false;
type DtoMatches = { [T in ActionType]: Matches<InstanceType<(typeof ACTION_DTOS)[T]>, Omit<ActionOf<T>, 'actor' | 'receiving'>> }[ActionType];
const dtosMatchActions: false extends DtoMatches ? false : true = true;
void dtosMatchActions;
