import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CaseQueries } from '../../../read-model/case-queries';
import { ApiError } from '../../errors';
import { ApiErrorResponses } from '../../swagger';
import { CaseIdPipe } from '../case-id.pipe';
import { CaseDetailDto, CasePresenter } from '../case.views';

@ApiTags('cases 案件')
@Controller('cases')
export class GetCaseController {
  constructor(
    private readonly queries: CaseQueries,
    private readonly presenter: CasePresenter,
  ) {}

  @Get(':id')
  @ApiOperation({
    summary: '案件详情与办理经过 / A case with its child and timeline',
    description: '含阶段、期限、可办理的操作、儿童与监护人、按顺序的事件 / stage, due dates, allowed actions, child and guardians, events in order',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: '案件编号 / case id' })
  @ApiOkResponse({ type: CaseDetailDto })
  @ApiErrorResponses('CASE.INVALID_ID', 'CASE.NOT_FOUND')
  async get(@Param('id', CaseIdPipe) id: string): Promise<CaseDetailDto> {
    const detail = await this.queries.get(id);
    if (!detail) throw new ApiError('CASE.NOT_FOUND', { details: { caseId: id } });
    return this.presenter.detail(detail);
  }
}
