/**
 * A person's own channels: which the deployment has, whether they receive each, and the address
 * their account holds for it. Turning a channel off is a row in notification_opt_outs; the
 * dispatcher then marks that person's rows of the channel SKIPPED (nothing is queued for later).
 * The inbox is not optional: it is the record of what was sent.
 */
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { maskPhone } from '../access/masking';
import { ApiError } from '../api/errors';
import type { AuthUser } from '../api/auth/auth-user';
import { CHANNEL_LABELS, IN_APP_CHANNEL, SMS_CHANNEL, WECOM_CHANNEL } from './channel';
import type { MyChannelDto } from './channel-preferences.dtos';

/** The outbox channel names of the deployment (the responsibility directory's). */
export const NOTIFICATION_CHANNEL_NAMES = Symbol('NOTIFICATION_CHANNEL_NAMES');

@Injectable()
export class ChannelPreferences {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(NOTIFICATION_CHANNEL_NAMES) private readonly channels: readonly string[],
  ) {}

  async list(user: AuthUser): Promise<MyChannelDto[]> {
    const [account]: Array<{ phone: string | null; wecom_user_id: string | null }> = await this.dataSource.query(
      `SELECT phone, wecom_user_id FROM users WHERE town = $1 AND username = $2`,
      [user.town, user.username],
    );
    const off = new Set(
      ((await this.dataSource.query(`SELECT channel FROM notification_opt_outs WHERE town = $1 AND username = $2`, [user.town, user.username])) as Array<{ channel: string }>).map((r) => r.channel),
    );
    return this.channels.map((channel) => ({
      channel,
      label: CHANNEL_LABELS[channel] ?? { zh: channel, en: channel },
      optional: channel !== IN_APP_CHANNEL,
      enabled: !off.has(channel),
      address:
        channel === IN_APP_CHANNEL
          ? user.username
          : channel === SMS_CHANNEL
            ? account?.phone
              ? maskPhone(account.phone)
              : null
            : channel === WECOM_CHANNEL
              ? (account?.wecom_user_id ?? null)
              : null,
    }));
  }

  /** Turns one channel on or off for the person; answers the channel as it is now. */
  async set(user: AuthUser, channel: string, enabled: boolean): Promise<MyChannelDto> {
    if (!this.channels.includes(channel)) throw new ApiError('CHANNEL.UNKNOWN', { details: { channel: channel.slice(0, 50), known: this.channels } });
    if (channel === IN_APP_CHANNEL) throw new ApiError('CHANNEL.NOT_OPTIONAL', { details: { channel } });
    if (enabled) {
      await this.dataSource.query(`DELETE FROM notification_opt_outs WHERE town = $1 AND username = $2 AND channel = $3`, [user.town, user.username, channel]);
    } else {
      await this.dataSource.query(`INSERT INTO notification_opt_outs (town, username, channel) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [user.town, user.username, channel]);
    }
    return (await this.list(user)).find((c) => c.channel === channel)!;
  }
}
