import { Body, Controller, Get, HttpCode, HttpStatus, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Audit } from '../audit/audit.decorator';
import { RefusedWrite, RefusedWrites } from '../audit/refused-writes';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ApiErrorResponses } from '../swagger';
import { ChildIdPipe } from './child-id.pipe';
import { ChildPageDto, ChildRecordDto, ListChildrenQueryDto, RegisterChildRequestDto, UpdateChildRequestDto } from './children.dtos';
import { ChildrenService } from './children.service';

const SCOPE_NOTE =
  '只含本镇、本岗位查看范围内的儿童（学校：本校；教师：本班；村：本责任区；司法所、派出所不使用名册）。' +
  ' / Only children of your town within your role’s scope (school, class, area; the justice office and police station have no registry).';

@ApiTags('children 儿童名册')
@ApiBearerAuth()
@Controller('children')
export class ChildrenController {
  constructor(private readonly service: ChildrenService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @Audit('REGISTER_CHILD')
  @ApiOperation({
    summary: '登记儿童 / Register a child',
    description:
      '身份证号码按 GB 11643 校验位检查，出生日期、性别须与之一致；学校、责任区为本镇的；年级在该校年级范围内；监护人电话为手机或带区号座机。身份证号码已在本镇名册中：在您的范围内 409 CHILD.ALREADY_REGISTERED（附儿童编号），范围外 409 CHILD.HANDLED_ELSEWHERE（不附任何信息，请与镇统筹负责人联系）。' +
      ' / ID number checked with the GB 11643 check digit, birth date and sex must agree; school and area of your town; grade within the school; guardian phones mobile or landline.' +
      ' An ID number already on the town’s registry: 409 CHILD.ALREADY_REGISTERED with the child’s id inside your scope, 409 CHILD.HANDLED_ELSEWHERE (nothing about the child; contact the coordinator) outside it. ' +
      SCOPE_NOTE,
  })
  @ApiCreatedResponse({ type: ChildRecordDto })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'AREA.UNKNOWN', 'SCHOOL.UNKNOWN', 'CHILD.ALREADY_REGISTERED', 'CHILD.HANDLED_ELSEWHERE', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUTH.FORBIDDEN')
  async register(
    @Body() body: RegisterChildRequestDto,
    @CurrentUser() user: AuthUser,
    @RefusedWrites() refused: RefusedWrite[],
    @Res({ passthrough: true }) res: { setHeader(name: string, value: string): unknown },
  ): Promise<ChildRecordDto> {
    const created = await this.service.register(body, user, refused);
    res.setHeader('Location', `/api/children/${created.id}`);
    return created;
  }

  @Get()
  @Audit('LIST_CHILDREN')
  @ApiOperation({
    summary: '儿童名册 / The children’s registry',
    description:
      '可按责任区、学校、年级、优先资助标记筛选，分页；有优先资助标记的在前。身份证号码和电话一律掩码。' +
      ' / Filter by area, school, grade and priority flags; paged; children with a priority flag first. ID numbers and phones are masked. ' +
      SCOPE_NOTE,
  })
  @ApiOkResponse({ type: ChildPageDto })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'AREA.UNKNOWN', 'SCHOOL.UNKNOWN', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUTH.FORBIDDEN')
  list(@Query() query: ListChildrenQueryDto, @CurrentUser() user: AuthUser): Promise<ChildPageDto> {
    return this.service.list(query, user);
  }

  @Get(':id')
  @Audit('READ_CHILD')
  @ApiOperation({
    summary: '儿童详情 / A child on the registry',
    description: '含监护人和未结案件编号；不需要完整身份信息的岗位看到掩码。范围外的儿童回答 404。 / With guardians and the open case; masked for roles that do not need identities. Outside your scope: 404.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: '儿童编号 / child id' })
  @ApiOkResponse({ type: ChildRecordDto })
  @ApiErrorResponses('CHILD.INVALID_ID', 'CHILD.NOT_FOUND', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUTH.FORBIDDEN')
  read(@Param('id', ChildIdPipe) id: string, @CurrentUser() user: AuthUser): Promise<ChildRecordDto> {
    return this.service.read(id, user);
  }

  @Patch(':id')
  @Audit('UPDATE_CHILD')
  @ApiOperation({
    summary: '更正儿童信息 / Correct a child’s record',
    description:
      '只改所给字段（身份证号码不可改；监护人给出时整体替换）。改后的儿童仍须在您的范围内（403）。未结案件的责任区、学校不随之改变；未结案件不在您的范围内的儿童不能由您更正（409 CHILD.HANDLED_ELSEWHERE）。' +
      ' / Changes the fields given (not the ID number; guardians, when given, replace the list). The child must stay inside your scope (403).' +
      ' An open case keeps its area and school; a child whose open case is outside your scope is not yours to correct (409 CHILD.HANDLED_ELSEWHERE).',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: '儿童编号 / child id' })
  @ApiOkResponse({ type: ChildRecordDto })
  @ApiErrorResponses('CHILD.INVALID_ID', 'CHILD.NOT_FOUND', 'REQUEST.VALIDATION_FAILED', 'AREA.UNKNOWN', 'SCHOOL.UNKNOWN', 'CHILD.HANDLED_ELSEWHERE', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUTH.FORBIDDEN')
  update(
    @Param('id', ChildIdPipe) id: string,
    @Body() body: UpdateChildRequestDto,
    @CurrentUser() user: AuthUser,
    @RefusedWrites() refused: RefusedWrite[],
  ): Promise<ChildRecordDto> {
    return this.service.update(id, body, user, refused);
  }
}
