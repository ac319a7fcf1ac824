/** Requests and answers of /api/me: the logged-in person's tasks and notifications. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { CHAIN_STAGES, ChainStage } from '../../workflows/vocabulary';
import { NOTIFICATION_KINDS, NotificationKind } from '../../notifications/notification-kinds';
import { MAX_PAGE_SIZE } from '../../read-model/case-queries';
import { LabelDto } from '../cases/case.views';

const toBoolean = () => Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));
const toInteger = () => Transform(({ value }) => (typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value));

export class PageQueryDto {
  @ApiPropertyOptional({ example: 1, minimum: 1, default: 1 })
  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(1)
  page?: number;

  @ApiPropertyOptional({ example: 20, minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })
  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize?: number;
}

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

export class MyTaskDto {
  @ApiProperty({ example: '0b6f7c1e-2a51-4c1e-9d43-3f7a2c9e8b10:HOME_VISIT:1709251200000:teacher' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({ type: TaskChildDto })
  child!: TaskChildDto;

  @ApiProperty({ enum: CHAIN_STAGES, example: 'HOME_VISIT' })
  stage!: ChainStage;

  @ApiProperty({ type: LabelDto })
  stageLabel!: LabelDto;

  @ApiProperty({ type: LabelDto, description: '要做什么 / what to do' })
  work!: LabelDto;

  @ApiProperty({ example: 'CLASS_TEACHER', description: '政策中的责任角色 / the policy’s responsible role' })
  role!: string;

  @ApiProperty({ type: LabelDto, description: '按责任链的哪一环分派 / the link of the chain that named the person' })
  link!: LabelDto;

  @ApiProperty({ example: 'teacher', description: '责任链最初指定的人 / whom the chains named' })
  routedTo!: string;

  @ApiProperty({ nullable: true, type: String, example: null, description: '转交人（REASSIGN）/ who reassigned it to you' })
  reassignedBy!: string | null;

  @ApiProperty({ format: 'date-time' })
  dueAt!: string;

  @ApiProperty({ example: false, description: '已暂停（案件暂停，期限停止计算）/ the case is paused' })
  paused!: boolean;

  @ApiProperty({ example: true })
  overdue!: boolean;

  @ApiProperty({ nullable: true, type: Number, example: 93_600_000, description: '逾期毫秒数 / overdue by, in ms' })
  overdueByMs!: number | null;

  @ApiProperty({ nullable: true, type: LabelDto, description: '逾期时长 / overdue by, in words' })
  overdueBy!: LabelDto | null;
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
