/**
 * The one rule for writing a child: registering or correcting it (POST/PATCH /api/children), a
 * ledger row (import), and a report that registers it or opens its case (POST /api/cases). Every
 * write path asks `decideChildWrite` inside the transaction that writes, with the record it holds
 * locked (src/registry/children-store.ts, src/read-model/case-intake.ts). Pure: no database.
 *
 * A write is allowed when
 * 1. the role writes at all (the registry: its row says WRITE; a report: its row says report);
 * 2. the proposed values are inside the user's scope (a child cannot be put outside one's reach);
 * 3. the record on file, if there is one, is inside it too: the child's own place and, while it has
 *    one, its open case's. An open case keeps the area and school it was opened with (a child moved
 *    later leaves it behind), and what a write changes (name, guardians, phones) shows on that
 *    case's page: a unit that does not handle the case must not change what its handlers read.
 *
 * The proposed values are judged first: a refusal of what the user typed tells nothing about the
 * registry. A refusal because of the record is answered neutrally by every path (docs/security.md):
 * `HANDLED_ELSEWHERE` below, never the record's fields, its case or whether it has one.
 */
import type { Label } from '../workflows/vocabulary';
import { CaseScopeFacts, ChildScopeFacts, mayReadCase, mayReport, mayWriteChild, PERMISSIONS, ScopedUser } from './permissions';

/** What the write does: the registry's write (register, correct, import), or a report (open a case, registering a new child). */
export type ChildWriteKind = 'REGISTRY' | 'REPORT';

/** What decides whether the record on file is the user's to write. */
export interface ChildOnFileFacts {
  child: ChildScopeFacts;
  /** The child's open case (its own area, school and stage; the child's grade and class), or null. */
  openCase: CaseScopeFacts | null;
}

export const CHILD_WRITE_REFUSALS = ['NOT_PERMITTED', 'VALUES_OUTSIDE_SCOPE', 'RECORD_OUTSIDE_SCOPE'] as const;
/**
 * NOT_PERMITTED: the role does not write (registry) or report. VALUES_OUTSIDE_SCOPE: the proposed
 * child would be outside the user's scope. RECORD_OUTSIDE_SCOPE: the child on file, or its open
 * case, is another unit's.
 */
export type ChildWriteRefusal = (typeof CHILD_WRITE_REFUSALS)[number];

export type ChildWriteDecision = { allowed: true } | { allowed: false; refusal: ChildWriteRefusal };

const ALLOWED: ChildWriteDecision = { allowed: true };
const refused = (refusal: ChildWriteRefusal): ChildWriteDecision => ({ allowed: false, refusal });

/**
 * Whether `user` may write this child. `onFile`: the record the town's registry holds for the ID
 * number (null: a new child). `proposed`: the values to be written (null: none, e.g. a report by
 * childId, which opens the case at the record's place).
 */
export function decideChildWrite(user: ScopedUser, kind: ChildWriteKind, onFile: ChildOnFileFacts | null, proposed: ChildScopeFacts | null): ChildWriteDecision {
  const row = PERMISSIONS[user.role];
  const inScope = kind === 'REGISTRY' ? (child: ChildScopeFacts) => mayWriteChild(user, child) : (child: ChildScopeFacts) => mayReport(user, child);
  if (!row || (kind === 'REGISTRY' ? row.children !== 'WRITE' : !row.report)) return refused('NOT_PERMITTED');
  if (proposed && !inScope(proposed)) return refused('VALUES_OUTSIDE_SCOPE');
  if (onFile && (!inScope(onFile.child) || (onFile.openCase !== null && !mayReadCase(user, onFile.openCase)))) return refused('RECORD_OUTSIDE_SCOPE');
  return ALLOWED;
}

/**
 * The one answer to "this ID number belongs to a child you do not handle", for every path: it names
 * the town's coordinator (from the town file, when it names one) and nothing about the child.
 */
export function handledElsewhere(coordinatorName?: string): Label {
  const who = coordinatorName ? `（${coordinatorName}）` : '';
  const whoEn = coordinatorName ? ` (${coordinatorName})` : '';
  return {
    zh: `该儿童由其他单位负责，请与镇统筹负责人${who}联系`,
    en: `This child is handled by another unit; contact the town's coordinator${whoEn}`,
  };
}
