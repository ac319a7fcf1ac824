/** Requests and answers of /api/me: the logged-in person's tasks and notifications. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString } from 'class-validator';
import { CHAIN_STAGES, ChainStage } from '../../workflows/vocabulary';
import { IsCalendarDate } from '../validation/decorators';
import { NOTIFICATION_KINDS, NotificationKind } from '../../notifications/notification-kinds';
import { LabelDto } from '../cases/case.views';
import { TaskDto } from './task.views';
import { PageQueryDto, toBoolean } from '../validation/query-params';

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

export class MyTaskDto extends TaskDto {
  @ApiProperty({ type: TaskChildDto })
  child!: TaskChildDto;

  @ApiProperty({ example: 'GAOPING', description: '案件的责任区代码 / the case’s area code' })
  area!: string;
}

/** `?stage=&area=&overdue=&dueBy=` of a person's task list (the page's filters), with the page. */
export class MyTasksQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CHAIN_STAGES, description: '阶段 / stage' })
  @IsOptional()
  @IsIn(CHAIN_STAGES)
  stage?: ChainStage;

  @ApiPropertyOptional({ example: '高坪村', description: '责任区代码或中文名 / area code or Chinese name' })
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
