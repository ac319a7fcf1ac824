import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { STAGES, Stage } from '../../../workflows/vocabulary';
import { MAX_PAGE_SIZE } from '../../../read-model/case-queries';

/** Query strings are text: turn "true"/"false" and digits into their values, leave anything else to fail validation. */
export const toBoolean = () => Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));
export const toInteger = () => Transform(({ value }) => (typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value));

export class ListCasesQueryDto {
  @ApiPropertyOptional({ example: '高坪村', description: '责任区代码或中文名 / area code or Chinese name' })
  @IsOptional()
  @IsString()
  area?: string;

  @ApiPropertyOptional({ example: 'GULING_PRIMARY', description: '学校代码或中文名 / school code or Chinese name' })
  @IsOptional()
  @IsString()
  school?: string;

  @ApiPropertyOptional({ enum: STAGES, description: '阶段 / stage' })
  @IsOptional()
  @IsIn(STAGES)
  stage?: Stage;

  @ApiPropertyOptional({ type: Boolean, description: 'true：只看逾期（期限已过、未结案、未暂停）；false：只看未逾期 / only overdue cases, or only the others' })
  @IsOptional()
  @toBoolean()
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ type: Boolean, description: 'true：未结案；false：已结束 / open cases, or ended ones' })
  @IsOptional()
  @toBoolean()
  @IsBoolean()
  open?: boolean;

  @ApiPropertyOptional({ example: 1, minimum: 1, default: 1 })
  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(1)
  page?: number;

  @ApiPropertyOptional({ example: 20, minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })
  @IsOptional()
  @toInteger()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize?: number;
}
