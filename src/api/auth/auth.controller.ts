import { Body, Controller, HttpCode, HttpStatus, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit } from '../audit/audit.decorator';
import { ApiErrorResponses } from '../swagger';
import type { AuthenticatedRequest } from './auth-user';
import { LoginRequestDto, LoginResponseDto } from './auth.dtos';
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
    @Res({ passthrough: true }) reply: { cookie(name: string, value: string, options: Record<string, unknown>): void; setHeader(name: string, value: string): void },
  ): Promise<LoginResponseDto> {
    const client = { ip: clientIp(request, this.options.trustProxyHops ?? 0), method: request.method, path: String(request.originalUrl ?? request.url).split('?')[0] };
    const { response, user } = await this.auth.login(body.username, body.password, client).catch((err: unknown) => {
      const wait = err instanceof ApiError ? err.details?.retryAfterSeconds : undefined;
      if (typeof wait === 'number') reply.setHeader('Retry-After', String(wait));
      throw err;
    });
    request.user = user; // for the audit row
    // Temporal's Web UI cannot send a bearer token to the codec endpoint, only cookies ("Include
    // cross-origin credentials"): the same token, scoped to that path alone, HttpOnly, same-site.
    reply.cookie(CODEC_COOKIE, response.accessToken, {
      path: CODEC_COOKIE_PATH,
      httpOnly: true,
      sameSite: 'lax',
      maxAge: response.expiresIn * 1000,
    });
    return response;
  }
}
