/**
 * /api/me: the logged-in person's own work. Every role has tasks and an inbox; nobody sees
 * another person's (the queries select by the user's name and town only).
 */
import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { TaskQueries, MyTaskRow, NotificationRowView } from '../../read-model/task-queries';
import { NOTIFICATION_KIND_LABELS } from '../../notifications/notification-kinds';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { maskName } from '../../access/masking';
import { seesFullIdentity } from '../../access/permissions';
import { ApiError } from '../errors';
import { ApiErrorResponses } from '../swagger';
import { MyTaskDto, MyTaskListDto, MyTasksQueryDto, NotificationDto, NotificationListDto, NotificationsQueryDto } from './me.dtos';
import { TOWNS } from '../tokens';
import type { Towns } from '../../read-model/town';
import { resolveArea } from '../town-codes';
import { presentMyTask } from './task.views';

const DEFAULT_PAGE_SIZE = 20;

@ApiTags('me 我的任务与通知')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(
    private readonly queries: TaskQueries,
    @Inject(TOWNS) private readonly towns: Towns,
  ) {}

  @Get('tasks')
  @ApiOperation({
    summary: '我的待办任务 / My open tasks',
    description:
      '案件进入某一阶段时，按责任链指派给您的任务：逾期的在前（暂停的不算逾期），其余按期限。阶段结束、应办事项完成或案件结束时任务关闭；延期会移动期限；转交（REASSIGN）会把任务交给别人。' +
      ' / The tasks the responsibility chains gave you when a case entered a stage: overdue first (paused ones are not overdue), then by due date.' +
      ' A task closes when the stage is left, its action is done or the case ends; EXTEND_DEADLINE moves it; REASSIGN hands it to someone else.' +
      ' 四查比对的任务（核实疑似辍学、季度复核、开学走访）也在其中，与案件任务一起按期限排序：source 为 FINDING，没有案件和阶段（caseId、stage 为空），itemId 指向要核实的比对结果；比对结果确认立案、排除或数据已更正时关闭。' +
      ' / The cross-check’s tasks (verify a suspected dropout, the quarterly re-check, the term-start visits) are listed too, sorted with the case tasks:' +
      ' source FINDING, no case and no stage (caseId and stage null), itemId the finding item to verify; they close when the item is confirmed, cleared or gone.' +
      ' 可按阶段、责任区、是否逾期、期限（不晚于某日）筛选；按阶段筛选时只列案件任务，按责任区筛选时比对任务按比对结果的责任区（季度复核、开学走访不列出）。' +
      ' / Filter by stage, area, overdue, due by a day; a stage filter lists case tasks only, an area filter takes a cross-check task by its item’s area (the re-check and the visits, of no item, are left out).',
  })
  @ApiOkResponse({ type: MyTaskListDto })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'AREA.UNKNOWN', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUDIT.UNAVAILABLE')
  async tasks(@Query() query: MyTasksQueryDto, @CurrentUser() user: AuthUser): Promise<MyTaskListDto> {
    const now = new Date();
    const page = await this.queries.openTasks({
      town: user.town,
      username: user.username,
      now,
      page: query.page ?? 1,
      pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
      stage: query.stage,
      area: query.area === undefined ? undefined : resolveArea(this.towns.get(user.town), query.area, 'area').code,
      overdue: query.overdue,
      // Due by the end of that day in China: before 00:00 China time of the next day.
      dueBefore: query.dueBy === undefined ? undefined : new Date(Date.parse(`${query.dueBy}T00:00:00+08:00`) + 86_400_000),
    });
    return { ...page, items: page.items.map((t) => this.task(t, user, now)) };
  }

  @Get('notifications')
  @ApiOperation({
    summary: '我的通知 / My notifications',
    description:
      '新任务、转交、到期提醒、逾期和督办（责任区督办人、组长）的通知：未读的在前，新的在前，分页。通知不含儿童的个人信息。' +
      ' / New tasks, reassignments, reminders, overdue work and escalations (to the area supervisor, to the leader): unread first, newest first, paged. Notifications hold no personal data of the child.',
  })
  @ApiOkResponse({ type: NotificationListDto })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUDIT.UNAVAILABLE')
  async notifications(@Query() query: NotificationsQueryDto, @CurrentUser() user: AuthUser): Promise<NotificationListDto> {
    const page = await this.queries.inbox({
      town: user.town,
      username: user.username,
      unreadOnly: query.unread === true,
      page: query.page ?? 1,
      pageSize: query.pageSize ?? DEFAULT_PAGE_SIZE,
    });
    return { ...page, items: page.items.map((n) => notification(n)) };
  }

  @Post('notifications/:notificationId/read')
  @HttpCode(200)
  @ApiOperation({ summary: '标为已读 / Mark a notification read', description: '只能标记自己的通知；别人的通知回答 404。 / Only your own; another person’s answers 404.' })
  @ApiParam({ name: 'notificationId', description: '通知编号 / notification id' })
  @ApiOkResponse({ type: NotificationDto })
  @ApiErrorResponses('NOTIFICATION.NOT_FOUND', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUDIT.UNAVAILABLE')
  async read(@Param('notificationId') id: string, @CurrentUser() user: AuthUser): Promise<NotificationDto> {
    const marked = id.length <= 300 ? await this.queries.markRead({ town: user.town, username: user.username, id }) : undefined;
    if (!marked) throw new ApiError('NOTIFICATION.NOT_FOUND', { details: { id: id.slice(0, 300) } });
    return notification(marked);
  }

  private task(t: MyTaskRow, user: AuthUser, now: Date): MyTaskDto {
    const full = seesFullIdentity(user.role);
    return { ...presentMyTask(t, now), child: t.childName === null ? null : { name: full ? t.childName : maskName(t.childName), masked: !full } };
  }
}

function notification(n: NotificationRowView): NotificationDto {
  return {
    id: n.id,
    kind: n.kind,
    kindLabel: NOTIFICATION_KIND_LABELS[n.kind],
    caseId: n.caseId,
    title: { zh: n.titleZh, en: n.titleEn },
    body: { zh: n.bodyZh, en: n.bodyEn },
    occurredAt: new Date(n.occurredAt).toISOString(),
    deliveredAt: new Date(n.deliveredAt).toISOString(),
    readAt: n.readAt ? new Date(n.readAt).toISOString() : null,
  };
}
