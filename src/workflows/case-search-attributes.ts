import type { SearchAttributeUpdatePair, TypedSearchAttributes } from '@temporalio/common';
import { AREA_KEY, NEXT_DEADLINE_KEY, PAUSED_KEY, SCHOOL_KEY, STAGE_KEY } from '../temporal/search-attributes';
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

/**
 * The BaoxuePaused update when the workflow's attribute does not show the snapshot's pause state
 * yet (it changed, or the case was opened before the attribute existed); undefined when it does.
 */
export function pausedSearchAttributeChange(snapshot: CaseSnapshot, current: TypedSearchAttributes): SearchAttributeUpdatePair[] | undefined {
  return current.get(PAUSED_KEY) === snapshot.paused ? undefined : [{ key: PAUSED_KEY, value: snapshot.paused }];
}
