/**
 * The custom search attributes that let Temporal's UI and CLI list cases, e.g.
 * `temporal workflow list --query 'BaoxueStage = "home_visit" AND BaoxueArea = "A01"'`.
 *
 * Search attributes are stored and indexed in clear: codes and dates only, never names, ID numbers
 * or phone numbers. Workflow code imports these keys, so this file may import only from
 * @temporalio/common (nothing Node-specific, it runs in the workflow sandbox).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Stage code of the case (Keyword: exact match, filterable). */
export const STAGE_KEY = defineSearchAttributeKey('BaoxueStage', SearchAttributeType.KEYWORD);
/** Area (village / neighbourhood) code the child belongs to. */
export const AREA_KEY = defineSearchAttributeKey('BaoxueArea', SearchAttributeType.KEYWORD);
/** School code. */
export const SCHOOL_KEY = defineSearchAttributeKey('BaoxueSchool', SearchAttributeType.KEYWORD);
/** When the next escalation is due; unset when nothing is pending. */
export const NEXT_DEADLINE_KEY = defineSearchAttributeKey('BaoxueNextDeadline', SearchAttributeType.DATETIME);

/**
 * Whether the case is paused (PAUSE until RESUME), so the UI and CLI can list paused cases:
 * `BaoxuePaused = true`. Set at start; upserted by the workflow when it changes (patch
 * `baoxue-paused-search-attribute`, see src/workflows/case-workflow.ts). Unset on cases opened
 * before that version until their first projection after it.
 */
export const PAUSED_KEY = defineSearchAttributeKey('BaoxuePaused', SearchAttributeType.BOOL);

/** All keys, in the form the dev server's `searchAttributes` option takes (registered at its start). */
export const BAOXUE_SEARCH_ATTRIBUTE_KEYS = [STAGE_KEY, AREA_KEY, SCHOOL_KEY, NEXT_DEADLINE_KEY, PAUSED_KEY] as const;

/** Name → type, for registering elsewhere (operator service, `temporal operator search-attribute create`). */
export const BAOXUE_SEARCH_ATTRIBUTES: Readonly<Record<string, SearchAttributeType>> = Object.freeze(
  Object.fromEntries(BAOXUE_SEARCH_ATTRIBUTE_KEYS.map((key) => [key.name, key.type])),
);
