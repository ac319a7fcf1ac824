/** The logged-in user as the API sees it on every request (the guard puts it on the request). */
import type { UserEntity } from '../../read-model/entities';
import type { ScopedUser } from '../../access/permissions';

export interface AuthUser extends ScopedUser {
  id: string;
  username: string;
  displayName: string;
}

export function toAuthUser(row: UserEntity): AuthUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    town: row.town,
    area: row.area,
    school: row.school,
    grade: row.grade,
    className: row.className,
  };
}

/**
 * The actor written into a case's events and the case's `openedBy`: the display name with the
 * user name in full-width brackets, e.g. 谢勇（principal）. The name is what a caseworker reads; the
 * user name makes it unique and finds the account.
 */
export function actorName(user: Pick<AuthUser, 'displayName' | 'username'>): string {
  return `${user.displayName}（${user.username}）`;
}

/** A request after the guard: `user` is set on every route that is not public. */
export interface AuthenticatedRequest {
  user?: AuthUser;
  headers: Record<string, string | string[] | undefined>;
}
