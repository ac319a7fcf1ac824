import type { SearchAttributeUpdatePair } from '@temporalio/common';

/**
 * Stands in for src/workflows/case-search-attributes.ts in the time-skipping test bundle: that
 * server knows only its predefined search attributes and cannot register ours, so upserting them
 * would fail every workflow task. The end-to-end tests on the dev server check the real ones.
 */
export function caseSearchAttributes(): SearchAttributeUpdatePair[] {
  return [];
}

export function pausedSearchAttributeChange(): SearchAttributeUpdatePair[] | undefined {
  return undefined;
}

export function changedSearchAttributes(): SearchAttributeUpdatePair[] {
  return [];
}
