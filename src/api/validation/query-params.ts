/** Query-string parameters: the text-to-value transforms and the paging every list shares. */
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_PAGE_SIZE } from '../../read-model/case-queries';

/** Query strings are text: turn "true"/"false" and digits into their values, leave anything else to fail validation. */
export const toBoolean = () => Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));
export const toInteger = () => Transform(({ value }) => (typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value));

/** `?page=&pageSize=` of the case list and of a person's tasks and notifications (lists with other limits declare their own). */
export class PageQueryDto {
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
