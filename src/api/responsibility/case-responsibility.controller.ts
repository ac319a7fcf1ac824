/**
 * /api/responsibility/cases/:id: who answers for a case now (工作有人具体抓): its open tasks with
 * the holder's name, the link of the chain that named them and the due date. For everyone who
 * reads the case; a case outside the role's scope does not exist (404), as everywhere.
 */
import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CaseQueries } from '../../read-model/case-queries';
import { TaskQueries } from '../../read-model/task-queries';
import { Audit } from '../audit/audit.decorator';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { mayReadCase } from '../../access/permissions';
import { CaseIdPipe } from '../cases/case-id.pipe';
import { TaskDto, presentTask } from '../me/task.views';
import { ApiError } from '../errors';
import { ApiErrorResponses } from '../swagger';

export class CaseTaskDto extends TaskDto {
  @ApiProperty({ nullable: true, type: String, example: '五年级二班班主任', description: '负责人姓名 / the holder’s name' })
  holderName!: string | null;
}

export class CaseResponsibilityDto {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({ type: [CaseTaskDto], description: '未完成的任务，逾期的在前 / open tasks, overdue first' })
  openTasks!: CaseTaskDto[];
}

@ApiTags('responsibility 责任链')
@ApiBearerAuth()
@Controller('responsibility')
export class CaseResponsibilityController {
  constructor(
    private readonly cases: CaseQueries,
    private readonly tasks: TaskQueries,
  ) {}

  @Get('cases/:id')
  @Audit('READ_CASE')
  @ApiOperation({
    summary: '案件当前的负责人 / Who answers for a case now',
    description:
      '案件未完成的任务：负责人、按责任链的哪一环指派、要做什么、期限、是否逾期。您的岗位无权查看的案件回答 404。' +
      ' / The case’s open tasks: holder, the link of the chain that named them, what to do, due date, overdue. A case outside your role’s scope answers 404.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: '案件编号 / case id' })
  @ApiOkResponse({ type: CaseResponsibilityDto })
  @ApiErrorResponses('CASE.INVALID_ID', 'CASE.NOT_FOUND', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUDIT.UNAVAILABLE')
  async get(@Param('id', CaseIdPipe) id: string, @CurrentUser() user: AuthUser): Promise<CaseResponsibilityDto> {
    const facts = await this.cases.accessFacts(id);
    if (!facts || !mayReadCase(user, facts)) throw new ApiError('CASE.NOT_FOUND', { details: { caseId: id } });
    const now = new Date();
    const rows = await this.tasks.openTasksOfCase(id, now);
    return {
      caseId: id,
      openTasks: rows.map((t) => ({ ...presentTask(t, now), holderName: t.holderName })),
    };
  }
}
