import type { DataSource } from 'typeorm';
import { IN_APP_CHANNEL, NotificationChannel, OutgoingNotification } from './channel';

/** Delivers into the person's inbox: the notification becomes visible there. Idempotent: the first delivery time stays. */
export class InAppChannel implements NotificationChannel {
  readonly name = IN_APP_CHANNEL;

  constructor(private readonly dataSource: DataSource) {}

  async deliver(message: OutgoingNotification): Promise<void> {
    await this.dataSource.query(`UPDATE notifications SET delivered_at = COALESCE(delivered_at, now()) WHERE id = $1`, [message.notificationId]);
  }
}
