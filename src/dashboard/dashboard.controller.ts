/**
 * The leading group's dashboard as JSON, one endpoint per widget (the page at /dashboard fetches
 * them in parallel). Every figure is cut to the viewer's read scope (the permission table): the
 * leading group sees the town, a principal their school, a village secretary their area.
 */
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NoAudit } from '../api/audit/audit.decorator';
import type { AuthUser } from '../api/auth/auth-user';
import { CurrentUser } from '../api/auth/current-user.decorator';
import { caseScope } from '../access/permissions';
import { ROLES, ROLE_LABELS } from '../access/roles';
import { CasePresenter } from '../api/cases/case.views';
import { ApiErrorResponses } from '../api/swagger';
import { TOWNS } from '../api/tokens';
import { CaseQueries } from '../read-model/case-queries';
import { Towns } from '../read-model/town';
import { CAUSES, CAUSE_LABELS, EVENT_LABELS, OPEN_STAGES, STAGES, STAGE_LABELS } from '../workflows/vocabulary';
import { DashboardQueries, RANKING_RULE } from './dashboard-queries';
import {
  HeadlineDto,
  HeatmapDto,
  MatrixDto,
  OverdueDto,
  RankingDto,
  TrendDto,
  VersionDto,
  VocabularyDto,
} from './dashboard.dtos';
import { RESPONSIBLE_POST_LABELS } from './responsible-posts';
import { PRIORITY_FLAG_LABELS, PRIORITY_FLAGS } from '../registry/child-rules';
import { AUDIT_KINDS } from '../read-model/entities';
import { AUDIT_KIND_LABELS } from '../api/audit/audit-kind-labels';

const AUTH_ERRORS = ['AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUDIT.UNAVAILABLE', 'DATABASE.UNAVAILABLE'] as const;

@ApiTags('dashboard 进度看板')
@ApiBearerAuth()
@Controller('dashboard')
export class DashboardController {
  constructor(
    private readonly dashboard: DashboardQueries,
    private readonly cases: CaseQueries,
    private readonly presenter: CasePresenter,
    @Inject(TOWNS) private readonly towns: Towns,
  ) {}

  @Get('version')
  @NoAudit() // polled every few seconds by every open dashboard; shows no one's data
  @ApiOperation({
    summary: '看板数据版本 / Version of the dashboard data',
    description: '一次索引查询（案件最后更新时间）。页面每 2 秒查询一次，值变了才重新加载各图表。 / One index lookup (latest case change); the page polls it every 2 s and reloads the widgets only when it changes.',
  })
  @ApiOkResponse({ type: VersionDto })
  @ApiErrorResponses(...AUTH_ERRORS)
  async version(@CurrentUser() user: AuthUser): Promise<VersionDto> {
    return { version: await this.dashboard.version(user.town) };
  }

  @Get('vocabulary')
  @ApiOperation({ summary: '看板用到的代码与中英文名称 / Codes and their Chinese and English labels' })
  @ApiOkResponse({ type: VocabularyDto })
  @ApiErrorResponses(...AUTH_ERRORS)
  vocabulary(@CurrentUser() user: AuthUser): VocabularyDto {
    const town = this.towns.get(user.town);
    const pairs = <K extends string>(codes: readonly K[], labels: Record<K, { zh: string; en: string }>) => codes.map((code) => ({ code, label: labels[code] }));
    return {
      town: { code: town.code, label: town.name },
      areas: town.areas.map((a) => ({ code: a.code, label: a.name })),
      schools: town.schools.map((s) => ({ code: s.code, label: s.name })),
      openStages: pairs(OPEN_STAGES, STAGE_LABELS),
      stages: pairs(STAGES, STAGE_LABELS),
      events: Object.entries(EVENT_LABELS).map(([code, label]) => ({ code, label })),
      causes: pairs(CAUSES, CAUSE_LABELS),
      posts: Object.entries(RESPONSIBLE_POST_LABELS).map(([code, label]) => ({ code, label })),
      roles: pairs(ROLES, ROLE_LABELS),
      flags: pairs(PRIORITY_FLAGS, PRIORITY_FLAG_LABELS),
      auditKinds: pairs(AUDIT_KINDS, AUDIT_KIND_LABELS),
    };
  }

  @Get('headline')
  @ApiOperation({ summary: '核心数字：未结、本月复学、本年销号、逾期，各责任区是否清零 / Headline figures and which areas are at zero' })
  @ApiOkResponse({ type: HeadlineDto })
  @ApiErrorResponses(...AUTH_ERRORS)
  headline(@CurrentUser() user: AuthUser): Promise<HeadlineDto> {
    return this.dashboard.headline(user.town, caseScope(user));
  }

  @Get('matrix')
  @ApiOperation({ summary: '责任区 × 阶段的未结案件数，每格链接到案件台账 / Open cases by area and stage, each cell linking to the ledger list' })
  @ApiOkResponse({ type: MatrixDto })
  @ApiErrorResponses(...AUTH_ERRORS)
  async matrix(@CurrentUser() user: AuthUser): Promise<MatrixDto> {
    const cells = await this.dashboard.matrix(user.town, caseScope(user));
    return { cells: cells.map((c) => ({ ...c, list: `/api/cases?area=${c.area}&stage=${c.stage}&open=true` })) };
  }

  @Get('heatmap')
  @ApiOperation({ summary: '各责任区在各阶段的用时与时限之比 / Time spent in each stage against its window, per area' })
  @ApiOkResponse({ type: HeatmapDto })
  @ApiErrorResponses(...AUTH_ERRORS)
  async heatmap(@CurrentUser() user: AuthUser): Promise<HeatmapDto> {
    return { cells: await this.dashboard.heatmap(user.town, caseScope(user)) };
  }

  @Get('trend')
  @ApiOperation({ summary: '近 12 个月立案、复学、销号 / Cases opened, returned and closed by month' })
  @ApiOkResponse({ type: TrendDto })
  @ApiErrorResponses(...AUTH_ERRORS)
  async trend(@CurrentUser() user: AuthUser): Promise<TrendDto> {
    return { months: await this.dashboard.trend(user.town, caseScope(user)) };
  }

  @Get('overdue')
  @ApiOperation({ summary: '逾期清单：责任人与逾期时长 / Overdue cases with the responsible people and how long overdue' })
  @ApiOkResponse({ type: OverdueDto })
  @ApiErrorResponses(...AUTH_ERRORS)
  async overdue(@CurrentUser() user: AuthUser): Promise<OverdueDto> {
    return { items: await this.dashboard.overdue(user.town, caseScope(user)) };
  }

  @Get('ranking')
  @ApiOperation({ summary: '责任区考核排名及规则 / Area ranking for the assessment (考核), with its rule' })
  @ApiOkResponse({ type: RankingDto })
  @ApiErrorResponses(...AUTH_ERRORS)
  async ranking(@CurrentUser() user: AuthUser): Promise<RankingDto> {
    return { rule: RANKING_RULE, rows: await this.dashboard.ranking(user.town, caseScope(user)) };
  }
}
