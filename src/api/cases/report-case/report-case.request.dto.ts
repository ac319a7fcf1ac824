import { AGE_EXCEPTION_KINDS, AgeExceptionKind } from '../../../registry/age-rules';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsObject,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CAUSES, Cause } from '../../../workflows/vocabulary';
import { IsCalendarDate, IsChineseIdNumber } from '../../validation/decorators';
import { zh } from '../../validation/field-errors';

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

import { PHONE_PATTERN } from '../../../registry/child-rules';

export class GuardianRequestDto {
  @ApiProperty({ example: '王大山', maxLength: 50 })
  @trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  name!: string;

  @ApiProperty({ example: '13800000000', description: '手机或座机（带区号）/ mobile or landline with area code' })
  @trim()
  @IsString()
  @Matches(PHONE_PATTERN, zh('电话号码格式不正确，手机如 13800000000，座机如 023-55123456'))
  phone!: string;

  @ApiProperty({ example: '父亲', description: '与儿童关系 / relation to the child', maxLength: 20 })
  @trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(20)
  relation!: string;
}

export class AgeExceptionDto {
  @ApiProperty({ enum: AGE_EXCEPTION_KINDS, example: 'HOME_TEACHING', description: '送教上门 HOME_TEACHING / 延迟入学 LATE_ENROLMENT / 留级 REPEATED_GRADE / 其他 OTHER' })
  @IsIn(AGE_EXCEPTION_KINDS)
  kind!: AgeExceptionKind;

  @ApiProperty({ example: '肢体残疾，县特教中心送教上门', maxLength: 200, description: '原因 / the reason, recorded in the case' })
  @trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  reason!: string;
}

export class ReportedChildDto {
  @ApiProperty({ example: '王小明', maxLength: 50 })
  @trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  name!: string;

  @ApiProperty({
    example: '500235201203150034',
    description: '18 位公民身份号码，校验位按 GB 11643 检查 / 18-character national ID number, GB 11643 check digit verified',
  })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @IsChineseIdNumber()
  idNumber!: string;

  @ApiPropertyOptional({
    example: '2012-03-15',
    format: 'date',
    description: '可省略，由身份证号码推出；填写时须一致 / optional, taken from the ID number; must agree when given',
  })
  @IsOptional()
  @IsCalendarDate()
  birthDate?: string;

  @ApiPropertyOptional({
    enum: ['M', 'F'],
    example: 'M',
    description: 'M 男 / F 女；可省略，由身份证号码推出 / optional, taken from the ID number',
  })
  @IsOptional()
  @IsIn(['M', 'F'])
  sex?: 'M' | 'F';

  @ApiProperty({ example: '故陵小学', description: '学校代码或中文名 / school code or Chinese name (GULING_PRIMARY, 故陵小学)' })
  @trim()
  @IsString()
  @IsNotEmpty()
  school!: string;

  @ApiProperty({ example: 5, minimum: 1, maximum: 9, description: '年级 1-9 / grade' })
  @IsInt()
  @Min(1)
  @Max(9)
  grade!: number;

  @ApiProperty({ example: '五年级二班', maxLength: 30 })
  @trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(30)
  className!: string;

  @ApiProperty({ example: '高坪村', description: '责任区代码或中文名 / responsibility area code or Chinese name (GAOPING, 高坪村)' })
  @trim()
  @IsString()
  @IsNotEmpty()
  area!: string;

  @ApiPropertyOptional({
    type: () => AgeExceptionDto,
    description:
      '年龄与年级不符时的说明（如送教上门、延迟入学、留级），比年级通常年龄大 3 岁以上时必填 / why the age does not fit the grade; required when the child is more than 3 years older than the grade\'s usual age',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AgeExceptionDto)
  ageException?: AgeExceptionDto;

  @ApiProperty({ type: [GuardianRequestDto], minItems: 1, maxItems: 10 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => GuardianRequestDto)
  guardians!: GuardianRequestDto[];
}

export class ReportCaseRequestDto {
  @ApiPropertyOptional({
    type: ReportedChildDto,
    description: '新报告的儿童（按身份证号码去重）；与 childId 二选一 / the child, found again by ID number; or give childId',
  })
  @ValidateIf((o: ReportCaseRequestDto) => o.childId === undefined || o.child !== undefined)
  @IsDefined(zh('请填写 child（儿童信息），或填写 childId（已登记儿童的编号）'))
  @IsObject()
  @ValidateNested()
  @Type(() => ReportedChildDto)
  child?: ReportedChildDto;

  @ApiPropertyOptional({ format: 'uuid', description: '已登记儿童的编号；与 child 二选一 / id of a child already on file; or give child' })
  @ValidateIf((o: ReportCaseRequestDto) => o.child === undefined || o.childId !== undefined)
  @IsUUID('all')
  childId?: string;

  @ApiProperty({ enum: CAUSES, example: 'POVERTY', description: '辍学原因 / cause' })
  @IsIn(CAUSES)
  cause!: Cause;

  @ApiPropertyOptional({ example: '开学两周未到校，班主任电话联系未果', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}
