import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { AREA_KEY, NEXT_DEADLINE_KEY, SCHOOL_KEY, STAGE_KEY } from '../temporal/search-attributes';
import type { CaseSnapshot } from './messages';

/** Codes and dates only: search attributes are stored in clear, so no personal data goes here. */
export function caseSearchAttributes(snapshot: CaseSnapshot): SearchAttributeUpdatePair[] {
  return [
    { key: STAGE_KEY, value: snapshot.stage },
    { key: AREA_KEY, value: snapshot.area },
    { key: SCHOOL_KEY, value: snapshot.school },
    { key: NEXT_DEADLINE_KEY, value: snapshot.nextDeadlineAt ? new Date(snapshot.nextDeadlineAt) : null },
  ] as SearchAttributeUpdatePair[];
}
