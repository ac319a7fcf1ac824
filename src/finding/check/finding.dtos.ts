/** Request bodies and query strings of /api/finding (validation and documentation together). */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { GuardianRequestDto } from '../../api/cases/report-case/report-case.request.dto';
import { PageQueryDto } from '../../api/validation/query-params';
import { CAUSES, Cause } from '../../workflows/vocabulary';
import { WATCH_GROUP_FLAGS } from '../../registry/child-rules';
import { CLEAR_REASONS, ClearReason, FINDING_KINDS, FindingKind, ITEM_STATUSES, ItemStatus } from './vocabulary';

const CODE = /^[A-Z][A-Z0-9_]{0,39}$/;

export class ItemQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: FINDING_KINDS, description: '名单：未入学、疑似辍学、脱贫家庭辍学、待更正的不一致 / the list' })
  @IsOptional()
  @IsIn(FINDING_KINDS)
  kind?: FindingKind;

  @ApiPropertyOptional({ enum: [...ITEM_STATUSES, 'ALL'], default: 'OPEN' })
  @IsOptional()
  @IsIn([...ITEM_STATUSES, 'ALL'])
  status?: ItemStatus | 'ALL';

  @ApiPropertyOptional({ example: 'GAOPING', description: '责任区代码 / area code' })
  @IsOptional()
  @Matches(CODE)
  area?: string;

  @ApiPropertyOptional({ example: 'GULING_PRIMARY', description: '学校代码 / school code' })
  @IsOptional()
  @Matches(CODE)
  school?: string;

  @ApiPropertyOptional({ enum: WATCH_GROUP_FLAGS, description: '关注群体（名册中的标记）：孤儿、事实无人抚养、残疾、留守、困境、流动、涉诉 / a watch group (the registry flag)' })
  @IsOptional()
  @IsIn(WATCH_GROUP_FLAGS)
  watch?: (typeof WATCH_GROUP_FLAGS)[number];
}

export class LedgerQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'GAOPING' })
  @IsOptional()
  @Matches(CODE)
  area?: string;

  @ApiPropertyOptional({ example: 'GULING_PRIMARY' })
  @IsOptional()
  @Matches(CODE)
  school?: string;

  @ApiPropertyOptional({ enum: WATCH_GROUP_FLAGS, description: '关注群体（名册中的标记）：孤儿、事实无人抚养、残疾、留守、困境、流动、涉诉 / a watch group (the registry flag)' })
  @IsOptional()
  @IsIn(WATCH_GROUP_FLAGS)
  watch?: (typeof WATCH_GROUP_FLAGS)[number];
}

export class FiguresQueryDto {
  @ApiPropertyOptional({ example: '2026-11', description: '统计月份（中国时间），默认本月 / the month (China time), default this month' })
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/)
  month?: string;
}

export class ConfirmItemDto {
  @ApiProperty({ enum: CAUSES, example: 'OTHER', description: '辍学原因 / the cause of the case' })
  @IsIn(CAUSES)
  cause!: Cause;

  @ApiPropertyOptional({ example: '班主任家访：家长称孩子外出打工', maxLength: 2000, description: '核实情况，附在考勤证据之后记入立案备注 / what the verification found, added after the attendance evidence in the opening note' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;

  @ApiPropertyOptional({ type: [GuardianRequestDto], description: '儿童尚未登记时必填 / required when the child is not on the registry yet' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => GuardianRequestDto)
  guardians?: GuardianRequestDto[];

  @ApiPropertyOptional({ default: false, description: 'true：只返回将要记录的内容（核对页），不立案 / only answer what would be recorded (the check-answers page)' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

export class ClearItemDto {
  @ApiProperty({ enum: CLEAR_REASONS, example: 'ILL_WITH_CERTIFICATE', description: '排除原因：转学、病假（有证明）、送教上门、缓学/休学（已批准）…；疑似同一人：SAME_CHILD / NOT_SAME_CHILD' })
  @IsIn(CLEAR_REASONS)
  reason!: ClearReason;

  @ApiPropertyOptional({ example: '云阳县人民医院诊断证明，住院至 11 月 30 日', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}
