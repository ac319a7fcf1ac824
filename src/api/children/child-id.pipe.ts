import { Injectable, PipeTransform } from '@nestjs/common';
import { ApiError } from '../errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A child id is a UUID; anything else is a 400 CHILD.INVALID_ID. */
@Injectable()
export class ChildIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw new ApiError('CHILD.INVALID_ID', {
        zh: `儿童编号格式不正确："${String(value).slice(0, 60)}"（应为 UUID）`,
        en: `The child id "${String(value).slice(0, 60)}" is not a UUID`,
        details: { field: 'id', value: String(value).slice(0, 60) },
      });
    }
    return value.toLowerCase();
  }
}
