import { Injectable } from '@nestjs/common';
import { UuidParamPipe } from '../validation/uuid-param.pipe';

/** A case id is a UUID; anything else is a 400 CASE.INVALID_ID. */
@Injectable()
export class CaseIdPipe extends UuidParamPipe {
  protected readonly code = 'CASE.INVALID_ID';
  protected readonly idName = { zh: '案件编号', en: 'case id' };
}
