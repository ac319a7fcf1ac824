import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CaseQueries } from '../../../read-model/case-queries';
import { Town } from '../../../read-model/town';
import { ApiErrorResponses } from '../../swagger';
import { TOWN } from '../../tokens';
import { resolveArea, resolveSchool } from '../../town-codes';
import { CaseListDto, CasePresenter } from '../case.views';
import { ListCasesQueryDto } from './list-cases.query.dto';

@ApiTags('cases 案件')
@Controller('cases')
export class ListCasesController {
  constructor(
    private readonly queries: CaseQueries,
    private readonly presenter: CasePresenter,
    @Inject(TOWN) private readonly town: Town,
  ) {}

  @Get()
  @ApiOperation({
    summary: '案件台账 / The case ledger',
    description: '按最近期限排序（无期限的在后），可按责任区、学校、阶段、逾期筛选 / sorted by next deadline; filter by area, school, stage, overdue',
  })
  @ApiOkResponse({ type: CaseListDto })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'AREA.UNKNOWN', 'SCHOOL.UNKNOWN')
  async list(@Query() query: ListCasesQueryDto): Promise<CaseListDto> {
    const now = new Date();
    const page = await this.queries.list({
      area: query.area === undefined ? undefined : resolveArea(this.town, query.area, 'area').code,
      school: query.school === undefined ? undefined : resolveSchool(this.town, query.school, 'school').code,
      stage: query.stage,
      overdue: query.overdue,
      open: query.open,
      page: query.page,
      pageSize: query.pageSize,
      now,
    });
    return { ...page, items: page.items.map((row) => this.presenter.summary(row, now)) };
  }
}
