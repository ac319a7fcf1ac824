/**
 * Log-in tokens: JWT signed with HS256, 15 minutes, issuer `baoxue`, audience `baoxue-api`. The
 * token carries the user id (`sub`), the user name, the role and the town; the guard still reads the user's
 * row on every request, so a deactivated account or a changed role takes effect at once.
 * Verification accepts HS256 only (no `none`, no algorithm confusion), and only a token that says
 * when it was issued and when it expires (`iat`, `exp`) and claims no longer a life than this API
 * gives: a token signed without `exp` would otherwise be valid for ever.
 */
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Role } from '../../access/roles';
import { AUTH_OPTIONS, AuthOptions, DEFAULT_TOKEN_TTL_SECONDS } from './auth.options';

export const TOKEN_ISSUER = 'baoxue';
export const TOKEN_AUDIENCE = 'baoxue-api';

export interface TokenClaims {
  sub: string;
  username: string;
  role: Role;
  /** Town code of the account. */
  town: string;
}

/** The claims of a verified token, with when it was issued (seconds since 1970). */
export interface VerifiedClaims extends TokenClaims {
  iat: number;
}

export class InvalidTokenError extends Error {
  constructor(readonly reason: 'EXPIRED' | 'INVALID') {
    super(reason === 'EXPIRED' ? 'the token has expired' : 'the token is not valid');
    this.name = 'InvalidTokenError';
  }
}

@Injectable()
export class TokenService {
  private readonly jwt: JwtService;
  readonly ttlSeconds: number;

  constructor(@Inject(AUTH_OPTIONS) options: AuthOptions) {
    this.ttlSeconds = options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    this.jwt = new JwtService({
      secret: options.tokenSecret,
      signOptions: { algorithm: 'HS256', expiresIn: this.ttlSeconds, issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE },
      // maxAge: refused once `iat` is further back than the life this API gives (and without `iat`).
      verifyOptions: { algorithms: ['HS256'], issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, maxAge: this.ttlSeconds },
    });
  }

  /** A token for the claims; `ttlSeconds` shortens its life (a session that ends sooner), never lengthens it. */
  sign(claims: TokenClaims, ttlSeconds = this.ttlSeconds): string {
    return this.jwt.sign({ ...claims }, { expiresIn: Math.max(1, Math.min(this.ttlSeconds, Math.floor(ttlSeconds))) });
  }

  /** The claims of a valid token; throws InvalidTokenError otherwise. */
  verify(token: string): VerifiedClaims {
    let payload: Partial<TokenClaims> & Record<string, unknown>;
    try {
      payload = this.jwt.verify(token);
    } catch (err) {
      throw new InvalidTokenError((err as Error)?.name === 'TokenExpiredError' ? 'EXPIRED' : 'INVALID');
    }
    if (typeof payload.sub !== 'string' || typeof payload.username !== 'string') throw new InvalidTokenError('INVALID');
    const { iat, exp } = payload as { iat?: unknown; exp?: unknown };
    if (typeof iat !== 'number' || typeof exp !== 'number' || exp - iat > this.ttlSeconds) throw new InvalidTokenError('INVALID');
    return { sub: payload.sub, username: payload.username, role: payload.role as Role, town: payload.town as string, iat };
  }
}
