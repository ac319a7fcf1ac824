import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CHILD_FLAGS, ChildFlag, MAX_GROUP_LENGTH } from '../../registry/child-rules';
import { CHILD_MAX_PAGE_SIZE } from '../../registry/children-store';
import { ChildDetailDto, LabelDto } from '../cases/case.views';
import { ReportedChildDto } from '../cases/report-case/report-case.request.dto';
import { toInteger } from '../validation/query-params';

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
/** `flags=isLeftBehind,isRegisteredPoor` or the parameter repeated. */
const toList = () => Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : value));

/** A child for the registry: what a report carries, plus the villager group and the priority flags. */
export class RegisterChildRequestDto extends ReportedChildDto {
  @ApiPropertyOptional({ example: '三组', maxLength: MAX_GROUP_LENGTH, description: '村民小组 / villager group' })
  @IsOptional()
  @trim()
  @IsString()
  @MaxLength(MAX_GROUP_LENGTH)
  villagerGroup?: string;

  @ApiPropertyOptional({ default: false, description: '残疾儿童 / disabled child' })
  @IsOptional()
  @IsBoolean()
  isDisabled?: boolean;

  @ApiPropertyOptional({ default: false, description: '残疾人子女 / child of disabled parents' })
  @IsOptional()
  @IsBoolean()
  hasDisabledParent?: boolean;

  @ApiPropertyOptional({ default: false, description: '留守儿童 / left-behind child' })
  @IsOptional()
  @IsBoolean()
  isLeftBehind?: boolean;

  @ApiPropertyOptional({ default: false, description: '建档立卡贫困户 / registered poor household' })
  @IsOptional()
  @IsBoolean()
  isRegisteredPoor?: boolean;

  @ApiPropertyOptional({ default: false, description: '孤儿 / orphan' })
  @IsOptional()
  @IsBoolean()
  isOrphan?: boolean;

  @ApiPropertyOptional({ default: false, description: '事实无人抚养儿童 / de facto unattended child' })
  @IsOptional()
  @IsBoolean()
  isUnattended?: boolean;

  @ApiPropertyOptional({ default: false, description: '困境儿童 / child in hardship' })
  @IsOptional()
  @IsBoolean()
  isInHardship?: boolean;

  @ApiPropertyOptional({ default: false, description: '流动儿童 / migrant child' })
  @IsOptional()
  @IsBoolean()
  isMigrant?: boolean;

  @ApiPropertyOptional({ default: false, description: '涉诉儿童 / child involved in court cases' })
  @IsOptional()
  @IsBoolean()
  isCourtInvolved?: boolean;
}

/** A correction: any field but the ID number (and birth date and sex, which come from it). Guardians, when given, replace the list. */
export class UpdateChildRequestDto extends PartialType(OmitType(RegisterChildRequestDto, ['idNumber', 'birthDate', 'sex'] as const)) {}

export class ListChildrenQueryDto {
  @ApiPropertyOptional({
    example: '陈小',
    maxLength: 50,
    description: '查找：完整的 18 位身份证号码，或姓名（的一部分）/ look up: the full 18-character ID number, or (part of) the name',
  })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  q?: string;

  @ApiPropertyOptional({ example: '高坪村', description: '责任区代码或中文名 / area code or Chinese name' })
  @IsOptional()
  @IsString()
  area?: string;

  @ApiPropertyOptional({ example: '故陵小学', description: '学校代码或中文名 / school code or Chinese name' })
  @IsOptional()
  @IsString()
  school?: string;

  @ApiPropertyOptional({ example: 5, minimum: 1, maximum: 9, description: '年级 / grade' })
  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(1)
  @Max(9)
  grade?: number;

  @ApiPropertyOptional({
    example: 'isLeftBehind,isOrphan',
    description: `优先资助标记与重点关注群体（孤儿、事实无人抚养、残疾、留守、困境、流动、涉诉），逗号分隔，须全部满足 / priority flags and watch groups, comma-separated, all must hold: ${CHILD_FLAGS.join(', ')}`,
  })
  @IsOptional()
  @toList()
  @IsIn(CHILD_FLAGS, { each: true })
  flags?: ChildFlag[];

  @ApiPropertyOptional({ example: 1, minimum: 1, default: 1 })
  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(1)
  page?: number;

  @ApiPropertyOptional({ example: 20, minimum: 1, maximum: CHILD_MAX_PAGE_SIZE, default: 20 })
  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(1)
  @Max(CHILD_MAX_PAGE_SIZE)
  pageSize?: number;
}

export class ChildRecordDto extends ChildDetailDto {
  @ApiProperty({ example: 'GULING', description: '乡镇代码 / town code' })
  town!: string;

  @ApiProperty({ type: 'string', nullable: true, example: '三组', description: '村民小组 / villager group' })
  villagerGroup!: string | null;

  @ApiProperty({ description: '残疾儿童 / disabled child' })
  isDisabled!: boolean;

  @ApiProperty({ description: '残疾人子女 / child of disabled parents' })
  hasDisabledParent!: boolean;

  @ApiProperty({ description: '留守儿童 / left-behind child' })
  isLeftBehind!: boolean;

  @ApiProperty({ description: '建档立卡贫困户 / registered poor household' })
  isRegisteredPoor!: boolean;

  @ApiProperty({ description: '孤儿 / orphan' })
  isOrphan!: boolean;

  @ApiProperty({ description: '事实无人抚养儿童 / de facto unattended child' })
  isUnattended!: boolean;

  @ApiProperty({ description: '困境儿童 / child in hardship' })
  isInHardship!: boolean;

  @ApiProperty({ description: '流动儿童 / migrant child' })
  isMigrant!: boolean;

  @ApiProperty({ description: '涉诉儿童 / child involved in court cases' })
  isCourtInvolved!: boolean;

  @ApiProperty({ type: [LabelDto], description: '成立的优先资助标记与重点关注群体 / the priority flags and watch groups that hold' })
  flagLabels!: LabelDto[];

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: '未结案件（一人一案）/ the open case, if any' })
  openCaseId!: string | null;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class ChildPageDto {
  @ApiProperty({ type: [ChildRecordDto] })
  items!: ChildRecordDto[];

  @ApiProperty()
  total!: number;

  @ApiProperty()
  page!: number;

  @ApiProperty()
  pageSize!: number;
}
