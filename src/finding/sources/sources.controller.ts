import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Req, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit } from '../../api/audit/audit.decorator';
import type { AuditNote } from '../../api/audit/audit.interceptor';
import type { AuthUser } from '../../api/auth/auth-user';
import { CurrentUser } from '../../api/auth/current-user.decorator';
import type { ClientRequest, UploadedLedger } from '../../api/ledger/ledger.service';
import { ApiErrorResponses } from '../../api/swagger';
import { ImportSourceQueryDto, ListSourceVersionsQueryDto, SourceImportDto, SourceVersionDto } from './sources.dtos';
import type { SourceImportView, SourceVersionView } from './source-jobs';
import { SourcesService } from './sources.service';

@ApiTags('sources 四查名单')
@ApiBearerAuth()
@Controller('sources')
export class SourcesController {
  constructor(private readonly service: SourcesService) {}

  @Post('import')
  @HttpCode(HttpStatus.ACCEPTED)
  @Audit('IMPORT_SOURCE')
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: '.xlsx 或 .csv（UTF-8 或 GBK）' } } } })
  @ApiOperation({
    summary: '导入户籍、学籍、考勤或脱贫户/监测户名单，作为后台任务 / Import a source of 四查三比对 as a job',
    description:
      'kind：HOUSEHOLD_REGISTER 户籍、SCHOOL_ROLL 学籍、ATTENDANCE 考勤、POVERTY_LIST 脱贫户/监测户。学籍、考勤按学校导入（school）。上传后立即回答 202 与任务（Location: /api/sources/imports/{id}）；' +
      '每一行先全部检查，有不合格的行时不导入任何数据，任务以 422 SOURCE.ROWS_INVALID 失败并附逐行报告。导入成功即为该镇、该种类、该学校的新版本（谁、何时、哪个文件、SHA-256）；' +
      '同一文件再次导入回答 202 与原来的导入（已完成，DONE），不改变任何数据。户籍和脱贫户名单由镇统筹负责人、日常工作人员导入；学籍由他们或本校校长导入；考勤还可由班主任导入本班的。表头格式见 docs/finding.md。' +
      ' / kind and, for rolls and attendance, school. Answered 202 with the job; every row is checked first, any bad row and nothing is imported (the job fails with 422 SOURCE.ROWS_INVALID and the row report).' +
      ' A successful import is the next version of its town, kind and school (who, when, which file, SHA-256); the same file again answers 202 with the earlier import (already DONE) and changes nothing.' +
      ' The register and the poverty list: the coordinator and daily officer; a roll: they or the school\'s principal; attendance also a class teacher for their class.',
  })
  @ApiAcceptedResponse({ type: SourceImportDto, description: '已排队的导入任务；同一文件已导入时为原来的导入（DONE）/ the queued job; for a file imported before, that import (DONE)' })
  @ApiErrorResponses('SOURCE.KIND_INVALID', 'SOURCE.SCHOOL_REQUIRED', 'SOURCE.FILE_REQUIRED', 'LEDGER.UNSUPPORTED_FILE', 'LEDGER.UNPACKED_TOO_LARGE', 'REQUEST.TOO_LARGE', 'REQUEST.VALIDATION_FAILED', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUTH.FORBIDDEN')
  async import(
    @UploadedFile() file: UploadedLedger | undefined,
    @Query() query: ImportSourceQueryDto,
    @CurrentUser() user: AuthUser,
    @Req() request: ClientRequest & { audit?: AuditNote },
    @Res({ passthrough: true }) res: { setHeader(name: string, value: string): unknown },
  ): Promise<SourceImportView> {
    const { job, existing } = await this.service.import(file, { kind: query.kind, school: query.school, dryRun: query.dryRun === true }, user, request);
    // The same file again: its earlier import answers, already DONE; the audit row says which.
    if (existing) request.audit = { detail: { sameFileAs: job.id, version: job.version } };
    res.setHeader('Location', `/api/sources/imports/${job.id}`);
    return job;
  }

  @Get('imports/:id')
  @ApiOperation({
    summary: '导入任务的状态、进度与逐行报告 / A source import: status, progress and the row report',
    description: '只有上传者本人能查看 / only the uploader sees it. status QUEUED, RUNNING (progress reading, writing), DONE (report; version), FAILED (error; the row problems in report).',
  })
  @ApiOkResponse({ type: SourceImportDto })
  @ApiErrorResponses('SOURCE.IMPORT_NOT_FOUND', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN')
  job(@Param('id') id: string, @CurrentUser() user: AuthUser): Promise<SourceImportView> {
    return this.service.job(id, user);
  }

  @Get('imports')
  @ApiOperation({
    summary: '已导入的版本（谁、何时、哪个文件）/ The versions imported (who, when, which file)',
    description: '新的在前；current 为比对所用的现行版本。镇统筹负责人、日常工作人员看全镇的，校长、班主任看本校的。 / Newest first; current marks the version the cross-check reads.',
  })
  @ApiOkResponse({ type: [SourceVersionDto] })
  @ApiErrorResponses('SOURCE.KIND_INVALID', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUTH.FORBIDDEN')
  versions(@Query() query: ListSourceVersionsQueryDto, @CurrentUser() user: AuthUser): Promise<SourceVersionView[]> {
    return this.service.versions(user, query);
  }
}
