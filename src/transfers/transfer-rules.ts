/**
 * Who answers a transfer and by when (pure). The receiving town's people whose role may take
 * ACCEPT_TRANSFER (the permission table, src/access/permissions.ts) get the task to answer it.
 */
import { mayAct } from '../access/permissions';
import { ROLES, Role } from '../access/roles';

/** The receiving town answers within 5 days: its task is due then (overdue after, like any task). */
export const TRANSFER_ANSWER_WITHIN_MS = 5 * 24 * 3_600_000;

export function transferDeciderRoles(): Role[] {
  return ROLES.filter((role) => mayAct(role, 'ACCEPT_TRANSFER'));
}
