import { Body, Controller, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit } from '../../audit/audit.decorator';
import { RefusedWrite, RefusedWrites } from '../../audit/refused-writes';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { ApiErrorResponses } from '../../swagger';
import { IDEMPOTENCY_KEY_HEADER, parseIdempotencyKey, requestHash } from '../../hardening/idempotency';
import { caseIdOfRequest } from '../../../registry/open-case';
import { CaseDetailDto } from '../case.views';
import { ReportCaseRequestDto } from './report-case.request.dto';
import { ReportCaseService } from './report-case.service';

@ApiTags('cases 案件')
@ApiBearerAuth()
@Controller('cases')
export class ReportCaseController {
  constructor(private readonly service: ReportCaseService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @Audit('REPORT_CASE')
  @ApiOperation({
    summary: '报告疑似辍学，立案 / Report a suspected dropout and open its case',
    description:
      '新儿童填写 child（按身份证号码识别，重复报告沿用原记录），已登记儿童填写 childId。一名儿童同时只能有一个未结案件。' +
      '报告人即登录用户；只能报告本岗位可查看范围内的儿童（学校：本校；教师：本班；村：本责任区），领导小组、镇政府、司法所、派出所不报告（403）。' +
      '身份证号码已在名册中而儿童（或其未结案件）不在您的范围内：409 CHILD.HANDLED_ELSEWHERE，不附任何信息，请与镇统筹负责人联系。' +
      ' / Give `child` (found again by ID number) or `childId`. One child has at most one open case.' +
      ' The reporter is the logged-in user, who may report only a child inside their scope (school, class, area);' +
      ' the leading group, town office, justice office and police station do not report (403).' +
      ' An ID number on file for a child (or with an open case) outside your scope: 409 CHILD.HANDLED_ELSEWHERE, with nothing about the child; contact the coordinator.',
  })
  @ApiBody({
    type: ReportCaseRequestDto,
    examples: {
      newChild: {
        summary: '新报告的儿童 / a new child',
        value: {
          child: {
            name: '王小明',
            idNumber: '500235201203150034',
            school: '故陵小学',
            grade: 5,
            className: '五年级二班',
            area: '高坪村',
            guardians: [{ name: '王大山', phone: '13800000000', relation: '父亲' }],
          },
          cause: 'POVERTY',
          note: '开学两周未到校，班主任电话联系未果',
        },
      },
      knownChild: {
        summary: '已登记的儿童 / a child on file',
        value: { childId: '3f1c2b9e-8a47-4d55-9b1e-0c6d2f4a7e21', cause: 'LEARNING_DIFFICULTY', note: '再次辍学' },
      },
    },
  })
  @ApiCreatedResponse({ type: CaseDetailDto, description: '已立案 / the case, opened' })
  @ApiErrorResponses(
    'REQUEST.VALIDATION_FAILED',
    'REQUEST.INVALID_JSON',
    'AREA.UNKNOWN',
    'SCHOOL.UNKNOWN',
    'CHILD.NOT_FOUND',
    'CASE.ALREADY_OPEN',
    'CHILD.DIFFERS_FROM_REGISTRY',
    'CHILD.HANDLED_ELSEWHERE',
    'REQUEST.TOO_LARGE',
    'ENGINE.UNAVAILABLE',
    'AUTH.REQUIRED',
    'AUTH.INVALID_TOKEN',
    'AUTH.FORBIDDEN',
  )
  async report(
    @Body() body: ReportCaseRequestDto,
    @CurrentUser() user: AuthUser,
    @RefusedWrites() refused: RefusedWrite[],
    @Req() req: { method: string; originalUrl: string; body: unknown; headers: Record<string, string | string[] | undefined> },
    @Res({ passthrough: true }) res: { setHeader(name: string, value: string): unknown },
  ): Promise<CaseDetailDto> {
    // A retry of a report whose answer was lost names the same case (src/registry/open-case.ts).
    const key = parseIdempotencyKey(req.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()]);
    const caseId = key === undefined ? undefined : caseIdOfRequest(user.id, key, requestHash(req));
    const created = await this.service.report(body, user, refused, caseId);
    res.setHeader('Location', `/api/cases/${created.id}`);
    return created;
  }
}
