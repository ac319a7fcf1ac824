/**
 * Who reads a case across a transfer, beside the case's own town (mayReadCase):
 * - ANSWERS: a person of the receiving town who may answer it, while the transfer waits (the task
 *   leads to the case page, where they decide);
 * - HANDED_ON: the sending town, after it was accepted, reads what it did: the timeline up to the
 *   acceptance, within its role's scope as the case stood there (area, school, class).
 */
import type { DataSource } from 'typeorm';
import { ScopedUser, caseScope, inCaseScope, mayAct } from '../access/permissions';

export type TransferReading = { kind: 'ANSWERS' } | { kind: 'HANDED_ON'; upToSeq: number };

export async function transferReading(db: DataSource, user: ScopedUser, caseId: string): Promise<TransferReading | undefined> {
  const rows: Array<{ status: string; from_town: string; to_town: string; decided_seq: number | null; from_area: string; from_school: string; grade: number | null; class_name: string | null }> =
    await db.query(
      `SELECT t.status, t.from_town, t.to_town, t.decided_seq, t.from_area, t.from_school, ch.grade, ch.class_name
         FROM case_transfers t LEFT JOIN children ch ON ch.id = t.from_child_id
        WHERE t.case_id = $1 AND (t.to_town = $2 OR t.from_town = $2)`,
      [caseId, user.town],
    );
  if (rows.some((r) => r.status === 'PENDING' && r.to_town === user.town) && mayAct(user.role, 'ACCEPT_TRANSFER')) return { kind: 'ANSWERS' };
  const scope = caseScope(user);
  const handedOn = rows.filter(
    (r) =>
      r.status === 'ACCEPTED' &&
      r.from_town === user.town &&
      inCaseScope(scope, { town: r.from_town, area: r.from_area, school: r.from_school, stage: 'HOME_VISIT', grade: r.grade ?? 0, className: r.class_name ?? '' }),
  );
  if (handedOn.length === 0) return undefined;
  return { kind: 'HANDED_ON', upToSeq: Math.max(...handedOn.map((r) => r.decided_seq ?? 0)) };
}
