/** /api/me/channels: the logged-in person turns SMS or WeCom off (or back on) for themselves (./channel-preferences.ts). */
import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../api/auth/auth-user';
import { CurrentUser } from '../api/auth/current-user.decorator';
import { ApiErrorResponses } from '../api/swagger';
import { ChannelPreferenceRequestDto, MyChannelDto, MyChannelListDto } from './channel-preferences.dtos';
import { ChannelPreferences } from './channel-preferences';

@ApiTags('me 我的任务与通知')
@ApiBearerAuth()
@Controller('me/channels')
export class ChannelPreferencesController {
  constructor(private readonly preferences: ChannelPreferences) {}

  @Get()
  @ApiOperation({
    summary: '我的通知渠道 / My notification channels',
    description:
      '本部署的通知渠道（站内通知，以及已配置的短信、企业微信）、本人是否接收、账号上登记的地址（手机号打码；没有登记则为 null，请找本镇账号管理员）。' +
      ' / The deployment’s channels (the inbox, and SMS and WeCom where configured), whether you receive each, and the address your account holds (number masked; null: ask the town administrator).',
  })
  @ApiOkResponse({ type: MyChannelListDto })
  @ApiErrorResponses('AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUTH.PASSWORD_CHANGE_REQUIRED', 'AUDIT.UNAVAILABLE')
  async list(@CurrentUser() user: AuthUser): Promise<MyChannelListDto> {
    return { items: await this.preferences.list(user) };
  }

  @Patch(':channel')
  @ApiOperation({
    summary: '打开或关闭一个渠道 / Turn a channel on or off',
    description:
      '只对本人有效。关闭后发给您的该渠道消息不再发送（记为 SKIPPED），站内通知照常；站内通知不能关闭。' +
      ' / For yourself only. While off, that channel’s messages to you are not sent (SKIPPED); the inbox still gets everything and cannot be turned off.',
  })
  @ApiParam({ name: 'channel', example: 'sms', description: '渠道 / channel: sms, wecom' })
  @ApiOkResponse({ type: MyChannelDto })
  @ApiErrorResponses('REQUEST.VALIDATION_FAILED', 'CHANNEL.UNKNOWN', 'CHANNEL.NOT_OPTIONAL', 'AUTH.REQUIRED', 'AUTH.INVALID_TOKEN', 'AUTH.PASSWORD_CHANGE_REQUIRED', 'AUDIT.UNAVAILABLE')
  set(@Param('channel') channel: string, @Body() body: ChannelPreferenceRequestDto, @CurrentUser() user: AuthUser): Promise<MyChannelDto> {
    return this.preferences.set(user, channel, body.enabled);
  }
}
