import { PipeTransform } from '@nestjs/common';
import { ApiError, ErrorCode } from '../errors';
import { isUuid } from '../../read-model/uuid';
import type { Label } from '../../workflows/vocabulary';

/**
 * A path parameter that must be a UUID: anything else is a 400 with the resource's own code (not a
 * 404: the address is malformed). Subclasses name the code and what the id is of.
 */
export abstract class UuidParamPipe implements PipeTransform<string, string> {
  protected abstract readonly code: ErrorCode;
  /** 案件编号 / case id */
  protected abstract readonly idName: Label;

  transform(value: string): string {
    if (!isUuid(value)) {
      const shown = String(value).slice(0, 60);
      throw new ApiError(this.code, {
        zh: `${this.idName.zh}格式不正确："${shown}"（应为 UUID）`,
        en: `The ${this.idName.en} "${shown}" is not a UUID`,
        details: { field: 'id', value: shown },
      });
    }
    return value.toLowerCase();
  }
}
