/** The source imports as Swagger shows them (./source-jobs.ts SourceImportView, ./import-sources.ts SourceReport). */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { SOURCE_KINDS } from '../../read-model/entities';
import { ImportJobErrorDto, LedgerProblemDto, UnknownColumnDto } from '../../api/ledger/ledger.dtos';

const toBoolean = () => Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));

export class ImportSourceQueryDto {
  @ApiProperty({ enum: SOURCE_KINDS, description: '户籍 HOUSEHOLD_REGISTER、学籍 SCHOOL_ROLL、考勤 ATTENDANCE、脱贫户/监测户 POVERTY_LIST' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  kind?: string;

  @ApiPropertyOptional({ description: '学籍、考勤的学校（代码或名称）；校长、教师为本校，可省略 / the school of a roll or attendance file (code or name); a principal\'s or teacher\'s own by default' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  school?: string;

  @ApiPropertyOptional({ type: Boolean, default: false, description: '只检查和计数，不写入 / check and count, write nothing' })
  @IsOptional()
  @toBoolean()
  @IsBoolean()
  dryRun?: boolean;
}

export class ListSourceVersionsQueryDto {
  @ApiPropertyOptional({ enum: SOURCE_KINDS })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  kind?: string;
}

class LabelDto {
  @ApiProperty({ example: '学籍' }) zh!: string;
  @ApiProperty({ example: 'School roll' }) en!: string;
}

class SourceCountsDto {
  @ApiProperty({ description: '数据行 / data rows' }) rows!: number;
  @ApiProperty({ description: '不合格的行 / bad rows' }) badRows!: number;
  @ApiProperty({ description: '写入（或试导入将写入）的记录：人，考勤为人·日 / records written (or that would be): people, child-days for attendance' }) records!: number;
  @ApiProperty({ description: '考勤：其中缺勤 / attendance: absences among them' }) absences!: number;
}

class SameAsDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) uploadedAt!: string;
  @ApiProperty() uploadedBy!: string;
}

class DaysDto {
  @ApiProperty({ example: '2026-09-07' }) from!: string;
  @ApiProperty({ example: '2026-09-11' }) to!: string;
}

export class SourceReportDto {
  @ApiProperty({ enum: ['IMPORTED', 'ALREADY_IMPORTED', 'DRY_RUN', 'REJECTED'] }) status!: string;
  @ApiProperty({ enum: SOURCE_KINDS }) kind!: string;
  @ApiProperty({ description: '学校代码；全镇的名单为空 / school code; empty for a town-wide file' }) scope!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty({ description: 'SHA-256' }) fileSha256!: string;
  @ApiProperty({ type: 'integer', nullable: true }) version!: number | null;
  @ApiProperty({ type: SameAsDto, nullable: true, description: '此前已导入的同一文件 / the same file imported before' }) sameAs!: SameAsDto | null;
  @ApiProperty({ type: SourceCountsDto }) counts!: SourceCountsDto;
  @ApiProperty({ type: 'string', enum: ['DAILY', 'WEEKLY_GRID'], nullable: true, description: '考勤：按日一行，或按周一行（每天一列）/ attendance: a row per day, or a row per week with a column per day' }) attendanceFormat!: string | null;
  @ApiProperty({ type: DaysDto, nullable: true }) days!: DaysDto | null;
  @ApiProperty({ type: [LedgerProblemDto], description: '前 5,000 处 / the first 5,000' }) problems!: LedgerProblemDto[];
  @ApiProperty() problemCount!: number;
  @ApiProperty({ type: [UnknownColumnDto] }) unknownColumns!: UnknownColumnDto[];
  @ApiProperty({ type: [String] }) sheets!: string[];
}

class SourceProgressDto {
  @ApiProperty({ type: 'string', enum: ['reading', 'writing'], nullable: true, description: '读取检查、写入 / reading and checking, writing' }) phase!: string | null;
  @ApiProperty() done!: number;
  @ApiProperty() total!: number;
}

export class SourceImportDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: SOURCE_KINDS }) kind!: string;
  @ApiProperty({ type: LabelDto }) kindLabel!: LabelDto;
  @ApiProperty() scope!: string;
  @ApiProperty({ type: LabelDto }) scopeLabel!: LabelDto;
  @ApiProperty({ type: 'integer', nullable: true, description: '版本（同一镇、种类、学校依次为 1、2、3…）/ version per town, kind and school' }) version!: number | null;
  @ApiProperty({ enum: ['QUEUED', 'RUNNING', 'DONE', 'FAILED'], description: '排队中、导入中、已完成、未导入 / queued, running, done, failed (nothing imported)' }) status!: string;
  @ApiProperty() dryRun!: boolean;
  @ApiProperty() fileName!: string;
  @ApiProperty({ description: 'SHA-256' }) fileSha256!: string;
  @ApiProperty() fileSize!: number;
  @ApiProperty() uploadedBy!: string;
  @ApiProperty({ format: 'date-time' }) uploadedAt!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: SourceProgressDto }) progress!: SourceProgressDto;
  @ApiProperty({ type: 'integer', nullable: true }) rowCount!: number | null;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: '同一文件的先前导入 / the earlier import of the same file' }) sameAs!: string | null;
  @ApiProperty({ type: SourceReportDto, nullable: true }) report!: SourceReportDto | null;
  @ApiProperty({ type: ImportJobErrorDto, nullable: true }) error!: ImportJobErrorDto | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) finishedAt!: string | null;
}

export class SourceVersionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: SOURCE_KINDS }) kind!: string;
  @ApiProperty({ type: LabelDto }) kindLabel!: LabelDto;
  @ApiProperty() scope!: string;
  @ApiProperty({ type: LabelDto }) scopeLabel!: LabelDto;
  @ApiProperty() version!: number;
  @ApiProperty({ description: '现行版本（比对所用）/ the current version (the cross-check reads it)' }) current!: boolean;
  @ApiProperty() fileName!: string;
  @ApiProperty() fileSha256!: string;
  @ApiProperty() uploadedBy!: string;
  @ApiProperty({ format: 'date-time' }) uploadedAt!: string;
  @ApiProperty({ type: 'integer', nullable: true }) rowCount!: number | null;
}
