import { Injectable, PipeTransform } from '@nestjs/common';
import { ApiError } from '../errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A case id is a UUID; anything else is a 400 CASE.INVALID_ID (not a 404: the address is malformed). */
@Injectable()
export class CaseIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw new ApiError('CASE.INVALID_ID', {
        zh: `案件编号格式不正确："${String(value).slice(0, 60)}"（应为 UUID）`,
        en: `The case id "${String(value).slice(0, 60)}" is not a UUID`,
        details: { field: 'id', value: String(value).slice(0, 60) },
      });
    }
    return value.toLowerCase();
  }
}
