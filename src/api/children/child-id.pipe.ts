import { Injectable } from '@nestjs/common';
import { UuidParamPipe } from '../validation/uuid-param.pipe';

/** A child id is a UUID; anything else is a 400 CHILD.INVALID_ID. */
@Injectable()
export class ChildIdPipe extends UuidParamPipe {
  protected readonly code = 'CHILD.INVALID_ID';
  protected readonly idName = { zh: '儿童编号', en: 'child id' };
}
