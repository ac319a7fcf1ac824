import { Body, Controller, HttpCode, HttpStatus, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditNote } from '../audit/audit.interceptor';
import type { AuthUser } from './auth-user';
import { CurrentUser } from './current-user.decorator';
import { AllowedBeforePasswordChange } from './password-change.decorator';
import { Audit } from '../audit/audit.decorator';
import { ApiErrorResponses } from '../swagger';
import type { AuthenticatedRequest } from './auth-user';
import { ChangePasswordRequestDto, LoginRequestDto, LoginResponseDto, RefreshRequestDto } from './auth.dtos';
import { AuthService } from './auth.service';
import { Public } from './public.decorator';
import { CODEC_COOKIE, CODEC_COOKIE_PATH } from './auth.guard';
import { AUTH_OPTIONS, AuthOptions } from './auth.options';
import { ApiError } from '../errors';
import { clientIp, RequestWithClient } from '../hardening/principal';

@ApiTags('auth 登录')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
  ) {}

  @Post('login')
  @Public()
  @Audit('LOGIN')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: '登录 / Log in',
    description:
      '用户名和密码换取令牌（15 分钟有效），之后每个请求带上 `Authorization: Bearer <accessToken>`。用户名不存在和密码错误的回答相同。' +
      ' / Trade user name and password for a token (valid 15 minutes); send it as `Authorization: Bearer <accessToken>`.' +
      ' 同时回答刷新令牌（POST /api/auth/refresh，会话最长 10 小时）；passwordChangeRequired 为 true 时须先改密码。' +
      ' / Also answers a refresh token (POST /api/auth/refresh; a session lasts up to 10 h); with passwordChangeRequired true, change the password first.' +
      ' An unknown user and a wrong password get the same answer.' +
      ' 连续多次密码错误（默认 5 次）后账号暂时锁定（1 分钟起，每次加倍，最长 15 分钟），正确的密码也须等待：429 AUTH.ACCOUNT_LOCKED，带 Retry-After；同一地址失败过多：429 REQUEST.RATE_LIMITED。成功的登录从不计数。' +
      ' / After repeated wrong passwords (5 by default) the account is locked for a while (1 minute, doubling to 15), the right password too: 429 AUTH.ACCOUNT_LOCKED with Retry-After;' +
      ' too many failures from one address: 429 REQUEST.RATE_LIMITED. Successful log-ins never count.',
  })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'AUTH.INVALID_CREDENTIALS', 'AUTH.ACCOUNT_LOCKED', 'AUDIT.UNAVAILABLE')
  async login(
    @Body() body: LoginRequestDto,
    @Req() request: AuthenticatedRequest & RequestWithClient & { method: string; originalUrl?: string; url: string },
    @Res({ passthrough: true }) reply: CookieReply & { setHeader(name: string, value: string): void },
  ): Promise<LoginResponseDto> {
    const client = { ip: clientIp(request, this.options.trustProxyHops ?? 0), method: request.method, path: String(request.originalUrl ?? request.url).split('?')[0] };
    const { response, user } = await this.auth.login(body.username, body.password, client).catch((err: unknown) => {
      const wait = err instanceof ApiError ? err.details?.retryAfterSeconds : undefined;
      if (typeof wait === 'number') reply.setHeader('Retry-After', String(wait));
      throw err;
    });
    request.user = user; // for the audit row
    setCodecCookie(reply, response);
    return response;
  }

  @Post('refresh')
  @Public()
  @Audit('REFRESH')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: '刷新登录 / Refresh the session',
    description:
      '用刷新令牌换取新的访问令牌和新的刷新令牌（旧的作废）。会话自登录起最长 10 小时（BAOXUE_SESSION_LIFETIME），退出、改密码、账号停用即结束；' +
      '已用过的刷新令牌再次出现时，整个会话被注销（令牌可能被盗）。' +
      ' / Trade the refresh token for a new access token and a new refresh token (the old one is spent). A session lasts at most 10 h from its log-in' +
      ' (BAOXUE_SESSION_LIFETIME) and ends with log-out, a password change or a deactivated account; a used refresh token presented again revokes the whole session.',
  })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'AUTH.INVALID_REFRESH_TOKEN', 'AUDIT.UNAVAILABLE')
  async refresh(
    @Body() body: RefreshRequestDto,
    @Req() request: AuthenticatedRequest & { audit?: AuditNote },
    @Res({ passthrough: true }) reply: CookieReply,
  ): Promise<LoginResponseDto> {
    const result = await this.auth.refresh(body.refreshToken);
    if ('refused' in result) {
      request.user = result.user; // the refused session's owner, for the audit row
      request.audit = { detail: result.detail };
      throw result.refused;
    }
    request.user = result.user;
    setCodecCookie(reply, result.response);
    return result.response;
  }

  @Post('logout')
  @Public()
  @Audit('LOGOUT')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: '退出登录 / Log out',
    description:
      '结束刷新令牌所属的会话：该会话的刷新令牌全部作废（访问令牌最多还能用到它的过期时间，页面应同时丢弃它）。令牌未知或已结束也回答 204。' +
      ' / Ends the session of the refresh token: all its refresh tokens are revoked (the access token lives until it expires; the page drops it).' +
      ' An unknown or ended token is answered 204 as well.',
  })
  @ApiNoContentResponse({ description: '已退出 / logged out' })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'AUDIT.UNAVAILABLE')
  async logout(
    @Body() body: RefreshRequestDto,
    @Req() request: AuthenticatedRequest & { audit?: AuditNote },
    @Res({ passthrough: true }) reply: CookieReply,
  ): Promise<void> {
    const ended = await this.auth.logOut(body.refreshToken);
    request.user = ended.user;
    request.audit = { detail: ended.detail };
    reply.clearCookie?.(CODEC_COOKIE, { path: CODEC_COOKIE_PATH });
  }

  @Post('password')
  @AllowedBeforePasswordChange()
  @Audit('CHANGE_PASSWORD')
  @HttpCode(HttpStatus.OK)
  @ApiBearerAuth()
  @ApiOperation({
    summary: '修改本人密码 / Change your own password',
    description:
      '须提供原密码（首次登录时为管理员给的一次性密码）。新密码至少 10 个字符，包含字母和数字，不含用户名，不同于原密码。' +
      '修改后本账号的其他登录全部结束，本次回答新的一对令牌。' +
      ' / The current password (at the first log-in, the one-time password) is required. The new one: at least 10 characters, letters and digits,' +
      ' not the user name, not the old one. Every other session of the account ends; the answer is a new token pair for this one.',
  })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUTH.WRONG_PASSWORD', 'AUTH.WEAK_PASSWORD', 'AUDIT.UNAVAILABLE')
  async changePassword(
    @Body() body: ChangePasswordRequestDto,
    @CurrentUser() user: AuthUser,
    @Req() request: { audit?: AuditNote },
    @Res({ passthrough: true }) reply: CookieReply,
  ): Promise<LoginResponseDto> {
    const { response, detail } = await this.auth.changeOwnPassword(user, body.oldPassword, body.newPassword);
    request.audit = { detail };
    setCodecCookie(reply, response);
    return response;
  }
}

type CookieReply = {
  cookie(name: string, value: string, options: Record<string, unknown>): void;
  clearCookie?(name: string, options: Record<string, unknown>): void;
};

/**
 * Temporal's Web UI cannot send a bearer token to the codec endpoint, only cookies ("Include
 * cross-origin credentials"): the same token, scoped to that path alone, HttpOnly, same-site.
 */
function setCodecCookie(reply: CookieReply, response: LoginResponseDto): void {
  reply.cookie(CODEC_COOKIE, response.accessToken, {
    path: CODEC_COOKIE_PATH,
    httpOnly: true,
    sameSite: 'lax',
    maxAge: response.expiresIn * 1000,
  });
}
