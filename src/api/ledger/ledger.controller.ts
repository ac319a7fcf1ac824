import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Req, Res, StreamableFile, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { Audit } from '../audit/audit.decorator';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ApiErrorResponses } from '../swagger';
import { ImportJobDto } from './ledger.dtos';
import type { ImportJobView } from './import-jobs';
import { LedgerService, UploadedLedger } from './ledger.service';

const toBoolean = () => Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));

export class ImportLedgerQueryDto {
  @ApiPropertyOptional({ type: Boolean, default: false, description: '只导入合格的行，不合格的行列入报告 / import the good rows, report the bad ones' })
  @IsOptional()
  @toBoolean()
  @IsBoolean()
  goodRowsOnly?: boolean;

  @ApiPropertyOptional({ type: Boolean, default: false, description: '只检查和计数，不写入 / check and count, write nothing' })
  @IsOptional()
  @toBoolean()
  @IsBoolean()
  dryRun?: boolean;
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

@ApiTags('ledger 台账')
@ApiBearerAuth()
@Controller('ledger')
export class LedgerController {
  constructor(private readonly service: LedgerService) {}

  @Post('import')
  @HttpCode(HttpStatus.ACCEPTED)
  @Audit('IMPORT_LEDGER')
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: '.xlsx 或 .csv（UTF-8 或 GBK）' } } } })
  @ApiOperation({
    summary: '导入台账（儿童与案件），作为后台任务 / Import the ledger (children and cases) as a job',
    description:
      '上传后立即回答 202 与任务（Location: /api/ledger/imports/{id}），由后台进程导入；用 GET /api/ledger/imports/{id} 查看进度与逐行报告。' +
      '表头为中文（姓名、身份证号、性别、出生日期、学校、年级、班级、责任区/村(社区)、村民小组、监护人、监护人电话、与学生关系、残疾儿童、残疾人子女、留守儿童、建档立卡贫困户、辍学原因/案由、备注），常见写法均可。' +
      '每一行先全部检查：有不合格的行时不导入任何数据，任务以 422 LEDGER.ROWS_INVALID 失败并附逐行报告（行号、列、值、原因）；goodRowsOnly=true 时只导入合格的行。重复导入同一文件不改变任何数据。只能导入本人范围内的儿童：身份证号码属于不由您负责的儿童（或其未结案件不由您办理）的行列为不合格行，只说明"由其他单位负责，请与镇统筹负责人联系"，不计入新增或更新。填写了辍学原因的行在儿童导入后立案（已有未结案件的不重复立案）。' +
      '文件解压后过大（压缩炸弹）或行数超过上限时回答或任务失败为 413。' +
      ' / Answered 202 at once with the job (Location: /api/ledger/imports/{id}); a worker imports it; GET /api/ledger/imports/{id} shows the progress and the row report.' +
      ' Chinese headers as towns keep them (common variants accepted). Every row is checked first: if any is bad nothing is imported and the job fails with 422 LEDGER.ROWS_INVALID and a row-by-row report;' +
      ' with goodRowsOnly=true the good rows are imported. Importing the same file again changes nothing.' +
      ' Only children of your scope: a row whose ID number belongs to a child you do not handle (or whose open case another unit handles) is a bad row that says only "handled by another unit, contact the coordinator", never counted as created or updated. Rows with a cause open a case after the children are committed (not if one is open).' +
      ' A file that unpacks to more than the bound (a decompression bomb) or has more rows than the bound is refused with 413, at once or as the job\'s error.',
  })
  @ApiAcceptedResponse({ type: ImportJobDto, description: '已排队的导入任务 / the queued import job', headers: { Location: { description: '/api/ledger/imports/{id}', schema: { type: 'string' } } } })
  @ApiErrorResponses('LEDGER.FILE_REQUIRED', 'LEDGER.UNSUPPORTED_FILE', 'LEDGER.UNPACKED_TOO_LARGE', 'REQUEST.TOO_LARGE', 'REQUEST.VALIDATION_FAILED', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUTH.FORBIDDEN')
  async import(
    @UploadedFile() file: UploadedLedger | undefined,
    @Query() query: ImportLedgerQueryDto,
    @CurrentUser() user: AuthUser,
    @Req() request: { socket?: { remoteAddress?: string }; headers: Record<string, string | string[] | undefined> },
    @Res({ passthrough: true }) res: { setHeader(name: string, value: string): unknown },
  ): Promise<ImportJobView> {
    const job = await this.service.import(file, { goodRowsOnly: query.goodRowsOnly === true, dryRun: query.dryRun === true }, user, request);
    res.setHeader('Location', `/api/ledger/imports/${job.id}`);
    return job;
  }

  @Get('imports/:id')
  @ApiOperation({
    summary: '导入任务的状态、进度与逐行报告 / An import job: status, progress and the row report',
    description:
      'status：queued 排队中、running 导入中（progress：reading 读取检查、children 写入儿童、cases 立案）、done 已完成（report）、failed 未导入（error 为 API 的错误格式；逐行问题见 report）。只有上传者本人能查看。' +
      ' / status queued, running (progress phase reading, children, cases), done (report) or failed (error in the API\'s error shape; the row problems in report). Only the uploader sees it.',
  })
  @ApiOkResponse({ type: ImportJobDto })
  @ApiErrorResponses('LEDGER.IMPORT_NOT_FOUND', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN')
  job(@Param('id') id: string, @CurrentUser() user: AuthUser): Promise<ImportJobView> {
    return this.service.job(id, user);
  }

  @Get('export')
  @Audit('EXPORT_LEDGER')
  @ApiProduces(XLSX_TYPE)
  @ApiOperation({
    summary: '导出台账（.xlsx）/ Export the ledger (.xlsx)',
    description:
      '两个工作表：案件台账（每案一行：儿童、责任区、学校、环节、辍学原因、立案时间、期限、状态）与儿童名册。只含本镇、您范围内的记录；不需要完整身份信息的岗位导出掩码。导出的文件可原样导入。' +
      ' / Two sheets: cases (one row per case) and children. Your town and scope only; masked for roles without full identity. The file imports back unchanged.',
  })
  @ApiOkResponse({ description: '.xlsx' })
  @ApiErrorResponses('AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUTH.FORBIDDEN')
  async export(@CurrentUser() user: AuthUser, @Res({ passthrough: true }) res: { setHeader(name: string, value: string): unknown }): Promise<StreamableFile> {
    const { fileName, bytes } = await this.service.export(user);
    res.setHeader('Content-Type', XLSX_TYPE);
    res.setHeader('Content-Disposition', `attachment; filename="ledger.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`);
    return new StreamableFile(bytes);
  }
}
