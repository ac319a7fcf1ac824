/** The import job and its report as Swagger shows them (./import-jobs.ts ImportJobView, src/ledger/import-ledger.ts ImportReport). */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class LedgerProblemDto {
  @ApiProperty({ example: '台账', description: '工作表（CSV 为文件名）/ worksheet, or the CSV file name' })
  sheet!: string;

  @ApiProperty({ example: 102, description: '表格中的行号 / the row number as the spreadsheet shows it' })
  row!: number;

  @ApiProperty({ example: 'B', description: '列字母；整行的问题为空 / column letter; empty for a problem of the whole row' })
  column!: string;

  @ApiProperty({ example: '身份证号' })
  header!: string;

  @ApiProperty({ example: '500235201001010011' })
  value!: string;

  @ApiProperty({ example: '身份证号码校验位不正确' })
  message!: string;

  @ApiProperty({ example: 'the check digit of the ID number is wrong' })
  messageEn!: string;
}

export class ImportCountsDto {
  @ApiProperty({ description: '数据行 / data rows' }) rows!: number;
  @ApiProperty({ description: '不合格的行 / bad rows' }) badRows!: number;
  @ApiProperty({ description: '新增儿童 / children registered' }) created!: number;
  @ApiProperty({ description: '更新儿童 / children updated' }) updated!: number;
  @ApiProperty({ description: '未变的儿童 / children unchanged' }) unchanged!: number;
  @ApiProperty({ description: '新立案 / cases opened' }) casesOpened!: number;
  @ApiProperty({ description: '已有未结案件 / cases already open' }) casesAlreadyOpen!: number;
  @ApiProperty({ description: '未能立案（引擎不可用；再次导入即重试）/ cases not opened (engine unavailable; import again to retry)' }) casesFailed!: number;
}

export class UnknownColumnDto {
  @ApiProperty() sheet!: string;
  @ApiProperty({ example: 'N' }) column!: string;
  @ApiProperty({ example: '家庭住址' }) header!: string;
}

export class ImportReportDto {
  @ApiProperty({ enum: ['IMPORTED', 'DRY_RUN', 'REJECTED'], description: 'REJECTED：任务以 422 LEDGER.ROWS_INVALID 失败，未导入任何数据 / REJECTED: the job failed with 422 LEDGER.ROWS_INVALID, nothing imported' })
  status!: string;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'imports 表中的记录 / the imports row' })
  importId!: string | null;

  @ApiProperty({ example: 'GULING' }) town!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty({ description: 'SHA-256' }) fileHash!: string;
  @ApiProperty() goodRowsOnly!: boolean;
  @ApiProperty({ type: ImportCountsDto }) counts!: ImportCountsDto;
  @ApiProperty({ type: [LedgerProblemDto], description: '前 5,000 处 / the first 5,000' }) problems!: LedgerProblemDto[];
  @ApiProperty({ description: '问题总数 / all problems' }) problemCount!: number;
  @ApiProperty({ type: [UnknownColumnDto], description: '未识别、未导入的列 / columns not recognised, not imported' }) unknownColumns!: UnknownColumnDto[];
  @ApiProperty({ type: [String] }) sheets!: string[];
  @ApiProperty({ type: 'array', items: { type: 'object', properties: { sheet: { type: 'string' }, row: { type: 'integer' }, message: { type: 'string' } } } })
  caseFailures!: Array<{ sheet: string; row: number; message: string }>;
}

export class ImportJobProgressDto {
  @ApiProperty({ type: 'string', enum: ['reading', 'children', 'cases'], nullable: true, description: '读取检查、写入儿童、立案 / reading and checking, writing children, opening cases' })
  phase!: string | null;
  @ApiProperty() done!: number;
  @ApiProperty() total!: number;
}

export class ImportJobErrorDto {
  @ApiProperty({ example: 413 }) statusCode!: number;
  @ApiProperty({ example: 'LEDGER.UNPACKED_TOO_LARGE' }) code!: string;
  @ApiProperty({ example: '文件解压后过大（超过 100 MB），未导入；台账文件不会这么大，请检查文件，或分成几个文件导入' }) message!: string;
  @ApiProperty() messageEn!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) details?: Record<string, unknown>;
  @ApiProperty({ example: '/api/ledger/import' }) path!: string;
  @ApiProperty({ format: 'date-time' }) timestamp!: string;
}

export class ImportJobDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['queued', 'running', 'done', 'failed'], description: '排队中、导入中、已完成、未导入 / queued, running, done, failed (nothing imported)' }) status!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty({ description: 'SHA-256' }) fileHash!: string;
  @ApiProperty({ description: '字节 / bytes' }) fileSize!: number;
  @ApiProperty() goodRowsOnly!: boolean;
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({ description: '第几次运行（进程中断后重试）/ runs so far (retried after a crash)' }) attempts!: number;
  @ApiProperty({ type: ImportJobProgressDto }) progress!: ImportJobProgressDto;
  @ApiProperty({ type: ImportReportDto, nullable: true, description: '完成后（或有不合格的行时）/ when done, or refused for bad rows' }) report!: ImportReportDto | null;
  @ApiProperty({ type: ImportJobErrorDto, nullable: true, description: '失败原因（API 的错误格式）/ why it failed, in the error shape' }) error!: ImportJobErrorDto | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) finishedAt!: string | null;
}
