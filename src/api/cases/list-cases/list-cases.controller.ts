import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CaseQueries } from '../../../read-model/case-queries';
import { Towns } from '../../../read-model/town';
import { Audit } from '../../audit/audit.decorator';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { caseScope } from '../../../access/permissions';
import { ApiErrorResponses } from '../../swagger';
import { TOWNS } from '../../tokens';
import { resolveArea, resolveSchool } from '../../town-codes';
import { CaseListDto, CasePresenter } from '../case.views';
import { ListCasesQueryDto } from './list-cases.query.dto';

@ApiTags('cases 案件')
@ApiBearerAuth()
@Controller('cases')
export class ListCasesController {
  constructor(
    private readonly queries: CaseQueries,
    private readonly presenter: CasePresenter,
    @Inject(TOWNS) private readonly towns: Towns,
  ) {}

  @Get()
  @Audit('LIST_CASES')
  @ApiOperation({
    summary: '案件台账 / The case ledger',
    description:
      '只列出本镇您的岗位可查看的案件（按权限范围在数据库中筛选，总数和分页只计这些）。按最近期限排序（无期限的在后），可按责任区、学校、阶段、逾期、儿童筛选。身份证号码一律掩码。' +
      ' / Only the cases of your town your role may read (filtered in the database: totals and pages count only those), sorted by next deadline;' +
      ' filter by area, school, stage, overdue, child. ID numbers are masked for every role.',
  })
  @ApiOkResponse({ type: CaseListDto })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'AREA.UNKNOWN', 'SCHOOL.UNKNOWN', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUDIT.UNAVAILABLE')
  async list(@Query() query: ListCasesQueryDto, @CurrentUser() user: AuthUser): Promise<CaseListDto> {
    const now = new Date();
    const town = this.towns.get(user.town);
    const page = await this.queries.list({
      town: town.code,
      area: query.area === undefined ? undefined : resolveArea(town, query.area, 'area').code,
      school: query.school === undefined ? undefined : resolveSchool(town, query.school, 'school').code,
      stage: query.stage,
      overdue: query.overdue,
      open: query.open,
      childId: query.childId?.toLowerCase(),
      page: query.page,
      pageSize: query.pageSize,
      now,
      scope: caseScope(user),
    });
    return { ...page, items: page.items.map((row) => this.presenter.summary(row, user, now)) };
  }
}
