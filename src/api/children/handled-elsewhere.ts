import { handledElsewhere } from '../../access/child-writes';
import type { Town } from '../../read-model/town';
import { ApiError } from '../errors';

/**
 * 409 CHILD.HANDLED_ELSEWHERE: the one answer for a child on file outside the user's scope, on
 * every path (register, correct, report inline). Names the town's coordinator, nothing about the
 * child: no fields, no case, no details (docs/security.md).
 */
export function handledElsewhereError(town: Town): ApiError {
  const message = handledElsewhere(town.leadingGroup.coordinator?.name);
  return new ApiError('CHILD.HANDLED_ELSEWHERE', { zh: message.zh, en: message.en });
}
