/**
 * Log-in: user name and password → a signed token. Unknown user, deactivated account and wrong
 * password get the same answer (401 AUTH.INVALID_CREDENTIALS) after the same work: an unknown
 * name is verified against a decoy hash.
 */
import { Injectable } from '@nestjs/common';
import { ApiError } from '../errors';
import { actorName, AuthUser, toAuthUser } from './auth-user';
import { LoginResponseDto, UserDto } from './auth.dtos';
import { actionsOf, mayReadAudit, mayReportAtAll, readScopeLabel, seesFullIdentity } from '../../access/permissions';
import { decoyHash, verifyPassword } from './passwords';
import { ROLE_LABELS } from '../../access/roles';
import { TokenService } from './token.service';
import { UserStore } from './user-store';

@Injectable()
export class AuthService {
  /** Started at once, so the first unknown name does not take longer than the others. */
  private readonly decoy = decoyHash();

  constructor(
    private readonly users: UserStore,
    private readonly tokens: TokenService,
  ) {}

  async login(username: string, password: string): Promise<{ response: LoginResponseDto; user: AuthUser }> {
    const row = await this.users.findByUsername(username);
    const valid = await verifyPassword(row?.passwordHash ?? (await this.decoy), password);
    if (!row || !row.active || !valid) throw new ApiError('AUTH.INVALID_CREDENTIALS');
    const user = toAuthUser(row);
    const accessToken = this.tokens.sign({ sub: user.id, username: user.username, role: user.role, town: user.town });
    return { user, response: { accessToken, tokenType: 'Bearer', expiresIn: this.tokens.ttlSeconds, user: present(user) } };
  }
}

export function present(user: AuthUser): UserDto {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    roleLabel: ROLE_LABELS[user.role],
    town: user.town,
    area: user.area,
    school: user.school,
    grade: user.grade,
    className: user.className,
    actor: actorName(user),
    permissions: {
      reads: readScopeLabel(user.role),
      report: mayReportAtAll(user.role),
      actions: actionsOf(user.role),
      fullIdentity: seesFullIdentity(user.role),
      readAudit: mayReadAudit(user.role),
    },
  };
}
