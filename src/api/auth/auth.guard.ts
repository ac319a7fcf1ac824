/**
 * The global guard: every /api route needs `Authorization: Bearer <token>`, except those marked
 * @Public (log-in, health). Swagger's pages are served outside the controllers and stay open.
 * Missing → 401 AUTH.REQUIRED; bad, tampered or expired token, or a deactivated account →
 * 401 AUTH.INVALID_TOKEN. The user's row is read on every request, so its current role and place
 * decide, not what the token said when it was signed; a token issued before the account's password
 * was last changed is refused too (the other sessions end with the change). An account holding a
 * one-time password reaches only the routes marked @AllowedBeforePasswordChange (403
 * AUTH.PASSWORD_CHANGE_REQUIRED elsewhere).
 */
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '../errors';
import { AuthenticatedRequest, toAuthUser } from './auth-user';
import { IS_PUBLIC } from './public.decorator';
import { ALLOWED_BEFORE_PASSWORD_CHANGE } from './password-change.decorator';
import { InvalidTokenError, TokenService } from './token.service';
import { UserStore } from './user-store';

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly users: UserStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization) ?? codecCookieToken(request);
    if (token === undefined) throw new ApiError('AUTH.REQUIRED');

    let claims;
    try {
      claims = this.tokens.verify(token);
    } catch (err) {
      if (err instanceof InvalidTokenError) throw invalidToken(err.reason);
      throw err;
    }
    const row = await this.users.findActive(claims.sub);
    if (!row) throw invalidToken('INACTIVE');
    if (row.passwordChangedAt && claims.iat < Math.floor(row.passwordChangedAt.getTime() / 1000)) throw invalidToken('PASSWORD_CHANGED');
    request.user = toAuthUser(row);
    if (row.mustChangePassword) {
      const allowed = this.reflector.getAllAndOverride<boolean>(ALLOWED_BEFORE_PASSWORD_CHANGE, [context.getHandler(), context.getClass()]);
      if (!allowed) throw new ApiError('AUTH.PASSWORD_CHANGE_REQUIRED', { details: { changeAt: 'POST /api/auth/password' } });
    }
    return true;
  }
}

/** The cookie log-in sets for Temporal's UI, which can send cookies but no bearer token to the codec endpoint. */
export const CODEC_COOKIE = 'baoxue_codec_token';
export const CODEC_COOKIE_PATH = '/api/temporal-codec';

/** The codec cookie's token, read only on the codec endpoint's paths. */
function codecCookieToken(request: AuthenticatedRequest): string | undefined {
  const path = (request as unknown as { originalUrl?: string }).originalUrl ?? '';
  if (!path.startsWith(CODEC_COOKIE_PATH)) return undefined;
  const header = request.headers.cookie;
  const cookies = (Array.isArray(header) ? header.join(';') : (header ?? '')).split(';');
  for (const cookie of cookies) {
    const [name, ...value] = cookie.trim().split('=');
    if (name === CODEC_COOKIE) return value.join('=');
  }
  return undefined;
}

/** The token of `Authorization: Bearer <token>`; undefined when there is no such header; '' when it is malformed. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(value);
  if (!match) return /^Bearer\b/i.test(value) ? '' : undefined;
  return match[1];
}

function invalidToken(reason: 'EXPIRED' | 'INVALID' | 'INACTIVE' | 'PASSWORD_CHANGED'): ApiError {
  if (reason === 'PASSWORD_CHANGED') {
    return new ApiError('AUTH.INVALID_TOKEN', { zh: '密码已更改，请重新登录', en: 'The password was changed; log in again', details: { reason } });
  }
  if (reason === 'EXPIRED') {
    return new ApiError('AUTH.INVALID_TOKEN', { zh: '登录已过期，请重新登录', en: 'The token has expired; log in again', details: { reason } });
  }
  return new ApiError('AUTH.INVALID_TOKEN', { details: { reason: reason === 'INACTIVE' ? 'INVALID' : reason } });
}
