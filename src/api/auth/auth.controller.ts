import { Body, Controller, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit } from '../audit/audit.decorator';
import { ApiErrorResponses } from '../swagger';
import type { AuthenticatedRequest } from './auth-user';
import { LoginRequestDto, LoginResponseDto } from './auth.dtos';
import { AuthService } from './auth.service';
import { Public } from './public.decorator';
import { CODEC_COOKIE, CODEC_COOKIE_PATH } from './auth.guard';

@ApiTags('auth 登录')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @Audit('LOGIN')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: '登录 / Log in',
    description:
      '用户名和密码换取令牌（15 分钟有效），之后每个请求带上 `Authorization: Bearer <accessToken>`。用户名不存在和密码错误的回答相同。' +
      ' / Trade user name and password for a token (valid 15 minutes); send it as `Authorization: Bearer <accessToken>`.' +
      ' An unknown user and a wrong password get the same answer.',
  })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'AUTH.INVALID_CREDENTIALS', 'AUDIT.UNAVAILABLE')
  async login(
    @Body() body: LoginRequestDto,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: { cookie(name: string, value: string, options: Record<string, unknown>): void },
  ): Promise<LoginResponseDto> {
    const { response, user } = await this.auth.login(body.username, body.password);
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
