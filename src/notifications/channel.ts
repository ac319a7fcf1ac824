/**
 * How a notification leaves the outbox. A channel delivers one message to one person; the
 * dispatcher (outbox-dispatcher.ts) calls it, retries it with backoff when it throws, and never
 * calls it again once it returned. Workflows and the projection know nothing of channels: they
 * write outbox rows, one per channel name the deployment lists.
 *
 * To add a channel (SMS, WeChat):
 * 1. implement NotificationChannel with a new `name` (e.g. 'sms'): look up the recipient's number
 *    by `recipient` (a user name of `town`), send `title`/`body`, throw on failure (it is retried);
 *    use `outboxId` as the provider's idempotency key where it has one, since a crash after sending
 *    and before the row is marked SENT sends again;
 * 2. add it to the channels the worker's dispatcher gets and its name to the outbox channels the
 *    projection writes (bootstrap.ts, `notificationChannels`).
 */
import type { Label } from '../workflows/vocabulary';
import type { NotificationKind } from './notification-kinds';

export interface OutgoingNotification {
  /** The outbox row: unique per notification and channel; stable across retries. */
  outboxId: string;
  notificationId: string;
  /** The user name of the person, in `town`. */
  recipient: string;
  town: string;
  kind: NotificationKind;
  caseId: string | null;
  title: Label;
  body: Label;
  occurredAt: string;
  /** 1 on the first try. */
  attempt: number;
}

export interface NotificationChannel {
  /** The channel name the outbox rows carry ('in-app', 'sms', ...). */
  readonly name: string;
  /** Delivers, or throws (the dispatcher retries). Must be safe to call again for the same outboxId. */
  deliver(message: OutgoingNotification): Promise<void>;
}

/** The channel of the inbox in the API (GET /api/me/notifications). */
export const IN_APP_CHANNEL = 'in-app';
