import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CaseQueries } from '../../../read-model/case-queries';
import { Audit } from '../../audit/audit.decorator';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { mayReadCase } from '../../../access/permissions';
import { ApiError } from '../../errors';
import { ApiErrorResponses } from '../../swagger';
import { CaseIdPipe } from '../case-id.pipe';
import { CaseDetailDto, CasePresenter } from '../case.views';
import { DataSource } from 'typeorm';
import { transferReading } from '../../../transfers/transfer-reads';
import { TRANSFER_DECISIONS } from '../../../workflows/vocabulary';

@ApiTags('cases 案件')
@ApiBearerAuth()
@Controller('cases')
export class GetCaseController {
  constructor(
    private readonly queries: CaseQueries,
    private readonly presenter: CasePresenter,
    private readonly dataSource: DataSource,
  ) {}

  @Get(':id')
  @Audit('READ_CASE')
  @ApiOperation({
    summary: '案件详情与办理经过 / A case with its child and timeline',
    description:
      '含阶段、期限、可办理的操作（与您的岗位权限取交集）、儿童与监护人、按顺序的事件。您的岗位无权查看的案件回答 404。不需要完整身份信息的岗位看到掩码后的身份证号和电话。' +
      ' / Stage, due dates, allowed actions (narrowed to what your role may do), child and guardians, events in order.' +
      ' A case outside your role\'s scope answers 404. Roles that do not need them see ID number and phones masked.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: '案件编号 / case id' })
  @ApiOkResponse({ type: CaseDetailDto })
  @ApiErrorResponses('CASE.INVALID_ID', 'CASE.NOT_FOUND', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUDIT.UNAVAILABLE')
  async get(@Param('id', CaseIdPipe) id: string, @CurrentUser() user: AuthUser): Promise<CaseDetailDto> {
    const detail = await this.queries.get(id);
    if (!detail) throw new ApiError('CASE.NOT_FOUND', { details: { caseId: id } });
    if (mayReadCase(user, { ...detail.case, grade: detail.child.grade, className: detail.child.className })) return this.presenter.detail(detail, user);
    // Across a transfer: the receiving town answering it, or the sending town reading what it did (src/transfers).
    const reading = await transferReading(this.dataSource, user, id);
    // Outside the user's scope the case does not exist for them: the same 404 as an unknown id.
    if (!reading) throw new ApiError('CASE.NOT_FOUND', { details: { caseId: id } });
    if (reading.kind === 'ANSWERS') {
      detail.case.allowedActions = detail.case.allowedActions.filter((a) => (TRANSFER_DECISIONS as readonly string[]).includes(a));
    } else {
      detail.events = detail.events.filter((e) => e.seq <= reading.upToSeq);
      detail.case.allowedActions = [];
    }
    return this.presenter.detail(detail, user);
  }
}
