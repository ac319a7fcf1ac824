/** Requests and answers of /api/me: the logged-in person's tasks and notifications. */
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString } from 'class-validator';
import { CHAIN_STAGES, ChainStage, OPEN_STAGES, OpenStage, TRANSFER_PENDING } from '../../workflows/vocabulary';
import { APPROVAL_DECISIONS, ApprovalDecision } from '../../workflows/approvals';
import { IsCalendarDate } from '../validation/decorators';
import { NOTIFICATION_KINDS, NotificationKind } from '../../notifications/notification-kinds';
import { LabelDto } from '../cases/case.views';
import { TaskDto } from './task.views';
import { FINDING_TASK_KINDS, FindingTaskKind } from '../../finding/check/vocabulary';
import { PageQueryDto, toBoolean } from '../validation/query-params';

/** Where a task of 我的待办 comes from: a case, or the cross-check (finding_tasks). */
export const TASK_SOURCES = ['CASE', 'FINDING', 'APPROVAL'] as const;
export type TaskSource = (typeof TASK_SOURCES)[number];

export class NotificationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: Boolean, description: 'true：只看未读 / unread only' })
  @IsOptional()
  @toBoolean()
  @IsBoolean()
  unread?: boolean;
}

export class TaskChildDto {
  @ApiProperty({ example: '王*明', description: '儿童姓名；不需要完整身份信息的岗位看到掩码 / the child’s name, masked for roles that do not need it' })
  name!: string;

  @ApiProperty({ example: false })
  masked!: boolean;
}

/**
 * A task of 我的待办: a case's task (source CASE), or a cross-check task (source FINDING: verifying
 * a suspected dropout, the quarterly re-check, the term-start visits), in one shape; a finding
 * task has no case and no stage.
 */
export class MyTaskDto extends OmitType(TaskDto, ['caseId', 'stage', 'stageLabel'] as const) {
  @ApiProperty({ enum: TASK_SOURCES, example: 'CASE', description: '来源：CASE 案件任务，FINDING 四查比对任务，APPROVAL 待审批的申请 / a case’s task, the cross-check’s, or a request to decide' })
  source!: TaskSource;

  @ApiProperty({ type: LabelDto, description: '来源名称：案件 / 四查比对 / the source, in words' })
  sourceLabel!: LabelDto;

  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: '案件编号；四查比对任务为空 / the case; null for a cross-check task' })
  caseId!: string | null;

  @ApiProperty({
    nullable: true,
    enum: [...OPEN_STAGES, TRANSFER_PENDING],
    example: 'HOME_VISIT',
    description:
      '案件阶段（审批的案件可在 RETURNED 跟踪期；TRANSFER_PENDING：外镇移交待本镇接收）；四查比对任务为空 / the case’s stage (an approval’s case may be in RETURNED; TRANSFER_PENDING: a transfer for your town to answer); null for a cross-check task',
  })
  stage!: OpenStage | typeof TRANSFER_PENDING | null;

  @ApiProperty({ nullable: true, enum: APPROVAL_DECISIONS, example: null, description: '待审批的事项（source APPROVAL，id 为申请编号）/ what is to be decided (source APPROVAL; the id is the request’s)' })
  approvalDecision!: ApprovalDecision | null;

  @ApiProperty({ nullable: true, type: LabelDto })
  stageLabel!: LabelDto | null;

  @ApiProperty({ nullable: true, enum: FINDING_TASK_KINDS, example: null, description: '四查比对任务的种类 / the kind of cross-check task; null for a case task' })
  findingKind!: FindingTaskKind | null;

  @ApiProperty({ nullable: true, type: String, format: 'uuid', example: null, description: '要核实的比对结果（疑似辍学）/ the finding item to verify (a suspected dropout)' })
  itemId!: string | null;

  @ApiProperty({ nullable: true, type: TaskChildDto, description: '儿童；季度复核、开学走访等不涉及某个儿童的任务为空 / the child; null for a task about no one child' })
  child!: TaskChildDto | null;

  @ApiProperty({ nullable: true, type: String, example: 'GAOPING', description: '责任区代码（案件的，或比对结果的）；无责任区时为空 / the area code (the case’s, or the item’s); null when there is none' })
  area!: string | null;
}

/**
 * `?stage=&area=&overdue=&dueBy=` of a person's task list (the page's filters), with the page. A
 * cross-check task has no stage (a stage filter leaves it out); its area is its item's.
 */
export class MyTasksQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CHAIN_STAGES, description: '阶段（只列案件任务）/ stage (case tasks only)' })
  @IsOptional()
  @IsIn(CHAIN_STAGES)
  stage?: ChainStage;

  @ApiPropertyOptional({ example: '高坪村', description: '责任区代码或中文名（比对任务按比对结果的责任区）/ area code or Chinese name (a cross-check task: its item’s area)' })
  @IsOptional()
  @IsString()
  area?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'true：只看逾期；false：只看未逾期 / only overdue tasks, or only the others' })
  @IsOptional()
  @toBoolean()
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ example: '2026-12-31', format: 'date', description: '期限不晚于该日（北京时间当天结束前）/ due by the end of that day, China time' })
  @IsOptional()
  @IsCalendarDate()
  dueBy?: string;
}

export class MyTaskListDto {
  @ApiProperty({ type: [MyTaskDto] })
  items!: MyTaskDto[];

  @ApiProperty({ example: 3 })
  total!: number;

  @ApiProperty({ example: 1 })
  page!: number;

  @ApiProperty({ example: 20 })
  pageSize!: number;
}

export class NotificationDto {
  @ApiProperty({ example: '0b6f7c1e-2a51-4c1e-9d43-3f7a2c9e8b10:7:REMINDER:teacher' })
  id!: string;

  @ApiProperty({ enum: NOTIFICATION_KINDS, example: 'REMINDER' })
  kind!: NotificationKind;

  @ApiProperty({ type: LabelDto })
  kindLabel!: LabelDto;

  @ApiProperty({ nullable: true, type: String, format: 'uuid' })
  caseId!: string | null;

  @ApiProperty({ type: LabelDto })
  title!: LabelDto;

  @ApiProperty({ type: LabelDto })
  body!: LabelDto;

  @ApiProperty({ format: 'date-time', description: '发生时间（案件时钟）/ when it happened (the case’s clock)' })
  occurredAt!: string;

  @ApiProperty({ format: 'date-time' })
  deliveredAt!: string;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  readAt!: string | null;
}

export class NotificationListDto {
  @ApiProperty({ type: [NotificationDto] })
  items!: NotificationDto[];

  @ApiProperty({ example: 5 })
  total!: number;

  @ApiProperty({ example: 2, description: '未读总数 / unread in all' })
  unread!: number;

  @ApiProperty({ example: 1 })
  page!: number;

  @ApiProperty({ example: 20 })
  pageSize!: number;
}
