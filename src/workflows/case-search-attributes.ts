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

/**
 * Since v5: the attributes (BaoxuePaused among them) whose value differs from the workflow's
 * current ones, for one upsert, or none. A case starts with all of them set (TemporalCaseEngine),
 * so its opening and most actions (a note, a visit that keeps the stage) upsert nothing.
 */
export function changedSearchAttributes(snapshot: CaseSnapshot, current: TypedSearchAttributes): SearchAttributeUpdatePair[] {
  const wanted = [...caseSearchAttributes(snapshot), { key: PAUSED_KEY, value: snapshot.paused }] as SearchAttributeUpdatePair[];
  return wanted.filter(({ key, value }) => !sameValue(current.get(key), value));
}

function sameValue(current: unknown, wanted: unknown): boolean {
  if (current instanceof Date && wanted instanceof Date) return current.getTime() === wanted.getTime();
  // An unset attribute reads as undefined; clearing one is upserting null.
  return (current ?? null) === (wanted ?? null);
}
