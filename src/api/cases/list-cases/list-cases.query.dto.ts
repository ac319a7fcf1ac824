import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID } from 'class-validator';
import { STAGES, Stage } from '../../../workflows/vocabulary';
import { PageQueryDto, toBoolean } from '../../validation/query-params';


export class ListCasesQueryDto extends PageQueryDto {
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

  @ApiPropertyOptional({ format: 'uuid', description: '只看这名儿童的案件（名册的儿童页）/ one child’s cases (the registry’s child page)' })
  @IsOptional()
  @IsUUID('all')
  childId?: string;
}
