/**
 * /api/finding: the cross-check (四查三比对) for people. The lists to work through, an item's
 * confirmation into a case or its clearance, the three ledgers with a child's movements, the
 * figures, one's own cross-check tasks, and a run on demand (the job itself is a Temporal
 * workflow: src/workflows/cross-check-workflow.ts).
 */
import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit } from '../../api/audit/audit.decorator';
import { RefusedWrite, RefusedWrites } from '../../api/audit/refused-writes';
import type { AuthUser } from '../../api/auth/auth-user';
import { CurrentUser } from '../../api/auth/current-user.decorator';
import { ApiError } from '../../api/errors';
import { ApiErrorResponses } from '../../api/swagger';
import { CLOCK, Clock } from '../../api/tokens';
import { monthBounds, monthOf } from '../../dashboard/china-time';
import { CHILD_FLAG_LABELS, WATCH_GROUP_FLAGS } from '../../registry/child-rules';
import { ClearItemDto, ConfirmItemDto, FiguresQueryDto, ItemQueryDto, LedgerQueryDto } from './finding.dtos';
import { FindingService } from './finding.service';
import {
  CLEAR_REASON_LABELS,
  FINDING_KIND_LABELS,
  ITEM_STATUS_LABELS,
  Ledger,
  LEDGER_LABELS,
  LEDGERS,
  MOVEMENT_SOURCE_LABELS,
} from './vocabulary';

const AUTH_ERRORS = ['AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUDIT.UNAVAILABLE', 'DATABASE.UNAVAILABLE'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function itemId(id: string): string {
  if (!UUID.test(id)) throw new ApiError('FINDING.ITEM_NOT_FOUND', { details: { id } });
  return id;
}

@ApiTags('finding 四查三比对')
@ApiBearerAuth()
@Controller('finding')
export class FindingController {
  constructor(
    private readonly finding: FindingService,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  @Get('vocabulary')
  @ApiOperation({ summary: '名单、台账、变动来源、排除原因的中英文名称 / Labels of the lists, ledgers, movement sources and clearing reasons' })
  @ApiOkResponse({ description: '{ watchGroups, kinds, statuses, ledgers, sources, clearReasons }: each a list of { code, label: { zh, en } }' })
  @ApiErrorResponses(...AUTH_ERRORS)
  vocabulary() {
    const pairs = (labels: Record<string, { zh: string; en: string }>) => Object.entries(labels).map(([code, label]) => ({ code, label }));
    return { watchGroups: WATCH_GROUP_FLAGS.map((code) => ({ code, label: CHILD_FLAG_LABELS[code] })), kinds: pairs(FINDING_KIND_LABELS), statuses: pairs(ITEM_STATUS_LABELS), ledgers: pairs(LEDGER_LABELS), sources: pairs(MOVEMENT_SOURCE_LABELS), clearReasons: pairs(CLEAR_REASON_LABELS) };
  }

  @Post('cross-check')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: '立即开始本镇四查三比对 / Start the town’s cross-check now',
    description: '由 Temporal 工作流执行（另有每晚 02:00 定时运行和每次导入后运行）；正在运行时再次请求加入同一次运行。仅全镇范围的岗位可用。 / Run by a Temporal workflow (also nightly at 02:00 and after each import); a request while one runs joins it. Town-wide roles only.',
  })
  @ApiAcceptedResponse({ description: '{ workflowId, runId }' })
  @ApiErrorResponses(...AUTH_ERRORS, 'AUTH.FORBIDDEN', 'FINDING.CHECK_UNAVAILABLE')
  requestRun(@CurrentUser() user: AuthUser) {
    return this.finding.requestRun(user);
  }

  @Get('runs')
  @ApiOperation({ summary: '本镇最近的比对运行 / The town’s latest cross-check runs' })
  @ApiOkResponse({ description: 'The latest runs, newest first: id, trigger, requestedBy, status, policyVersion, startedAt, finishedAt, summary' })
  @ApiErrorResponses(...AUTH_ERRORS)
  runs(@CurrentUser() user: AuthUser) {
    return this.finding.runs(user);
  }

  @Get('items')
  @ApiOperation({
    summary: '待处理名单 / The lists to work through',
    description: '未入学、疑似辍学、脱贫家庭辍学及待更正的不一致（有学籍无户籍、出生日期不一致、重复学籍、疑似同一人），按本岗位可查看的儿童范围；身份证号码一律掩码。 / In the children your role reads; ID numbers masked.',
  })
  @ApiOkResponse({ description: '{ items, total, page, pageSize }' })
  @ApiErrorResponses(...AUTH_ERRORS, 'REQUEST.VALIDATION_FAILED')
  items(@CurrentUser() user: AuthUser, @Query() q: ItemQueryDto) {
    return this.finding.items(user, { kind: q.kind, status: q.status, area: q.area, school: q.school, watch: q.watch, page: q.page ?? 1, pageSize: q.pageSize ?? 20 });
  }

  @Get('items/:id')
  @ApiOperation({ summary: '一条比对结果及其证据 / One item with its evidence' })
  @ApiOkResponse({ description: 'The item with its evidence (the child masked as the role requires)' })
  @ApiErrorResponses(...AUTH_ERRORS, 'FINDING.ITEM_NOT_FOUND')
  item(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.finding.item(user, itemId(id));
  }

  @Post('items/:id/confirm')
  @HttpCode(HttpStatus.OK)
  @Audit('REPORT_CASE')
  @ApiOperation({
    summary: '核实后立案 / Confirm into a case',
    description:
      '经立案同一路径（POST /api/cases 的检查、范围规则与错误）开启真实的案件工作流，考勤证据（缺课日期）记入立案备注；儿童移入辍学台账。dryRun=true 只返回将要记录的内容，供核对页使用。 / Opens a real case workflow through the report’s own path, with the absence days as the opening note; the child moves to the dropout ledger. dryRun=true answers what would be recorded.',
  })
  @ApiOkResponse({ description: '{ dryRun, item, case }' })
  @ApiErrorResponses(...AUTH_ERRORS, 'FINDING.ITEM_NOT_FOUND', 'FINDING.ITEM_RESOLVED', 'FINDING.NOT_CONFIRMABLE', 'FINDING.CHILD_INCOMPLETE', 'REQUEST.VALIDATION_FAILED', 'CASE.ALREADY_OPEN', 'CHILD.DIFFERS_FROM_REGISTRY', 'CHILD.HANDLED_ELSEWHERE', 'AUTH.FORBIDDEN', 'ENGINE.UNAVAILABLE')
  confirm(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: ConfirmItemDto, @RefusedWrites() refused: RefusedWrite[]) {
    return this.finding.confirm(user, itemId(id), body, refused);
  }

  @Post('items/:id/clear')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: '核实后排除 / Clear with a reason',
    description: '疑似辍学：转学、病假（有证明）、送教上门、缓学/休学（已批准）、其他（须写明）；疑似同一人：是 / 不是同一人（此后比对照此匹配）。已处理的结果在数据变化前保持不变。 / A resolved item stays resolved unless its data change.',
  })
  @ApiErrorResponses(...AUTH_ERRORS, 'FINDING.ITEM_NOT_FOUND', 'FINDING.ITEM_RESOLVED', 'REQUEST.VALIDATION_FAILED', 'AUTH.FORBIDDEN')
  clear(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: ClearItemDto) {
    return this.finding.clear(user, itemId(id), body);
  }

  @Get('ledgers/:ledger')
  @ApiOperation({ summary: '三类台账：适龄儿童、疑似辍学、辍学 / The three ledgers (SCHOOL_AGE, SUSPECTED, DROPOUT)' })
  @ApiOkResponse({ description: '{ items, total, page, pageSize }: the children on the ledger (ID numbers masked)' })
  @ApiErrorResponses(...AUTH_ERRORS, 'FINDING.LEDGER_UNKNOWN', 'REQUEST.VALIDATION_FAILED')
  ledger(@CurrentUser() user: AuthUser, @Param('ledger') ledger: string, @Query() q: LedgerQueryDto) {
    if (!(LEDGERS as readonly string[]).includes(ledger)) throw new ApiError('FINDING.LEDGER_UNKNOWN', { details: { ledgers: LEDGERS } });
    return this.finding.ledger(user, ledger as Ledger, { area: q.area, school: q.school, watch: q.watch, page: q.page ?? 1, pageSize: q.pageSize ?? 20 });
  }

  @Get('children/:id/movements')
  @ApiOperation({ summary: '儿童在三类台账间的变动（日期、来源、确认人）/ A child’s movements between the ledgers' })
  @ApiOkResponse({ description: '{ child, movements }: each movement from, to, source, movedAt, confirmedBy, caseId, itemId, note' })
  @ApiErrorResponses(...AUTH_ERRORS, 'CHILD.NOT_FOUND')
  movements(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    if (!UUID.test(id)) throw new ApiError('CHILD.NOT_FOUND');
    return this.finding.movements(user, id);
  }

  @Get('figures')
  @ApiOperation({
    summary: '台账数字：适龄、疑似、辍学、复学，复学率、巩固率，待处理比对结果 / Ledger figures, return and completion rates, open items',
    description: '按责任区和学校；复学率 = 本期复学 ÷ 本期曾在辍学台账的人数；巩固率 = 在籍适龄儿童中非辍学者 ÷ 在籍适龄儿童。 / By area and school; return rate = returned in the period ÷ those on the dropout ledger in the period; completion rate = enrolled school-age children not dropped out ÷ enrolled school-age children.',
  })
  @ApiOkResponse({ description: 'The figures by area and school and in total, and the open items' })
  @ApiErrorResponses(...AUTH_ERRORS, 'REQUEST.VALIDATION_FAILED')
  figures(@CurrentUser() user: AuthUser, @Query() q: FiguresQueryDto) {
    return this.finding.figures(user, monthBounds(q.month ?? monthOf(this.now())));
  }

  @Get('tasks')
  @ApiOperation({ summary: '我的比对任务：核实疑似辍学、季度复核、开学走访 / My cross-check tasks' })
  @ApiOkResponse({ description: 'My open cross-check tasks, by due time' })
  @ApiErrorResponses(...AUTH_ERRORS)
  tasks(@CurrentUser() user: AuthUser) {
    return this.finding.myTasks(user, this.now());
  }
}
