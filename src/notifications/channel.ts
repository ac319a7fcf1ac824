/**
 * How a notification leaves the outbox. A channel delivers one message to one person; the
 * dispatcher (outbox-dispatcher.ts) calls it, retries it with backoff when it throws, and never
 * calls it again once it returned. Workflows and the projection know nothing of channels: they
 * write outbox rows, one per channel name the deployment lists.
 *
 * To add a channel:
 * 1. implement NotificationChannel with a new `name`: send `title`/`body` to the person's address
 *    (`contact`, from their account), throw on failure (it is retried), throw UndeliverableError
 *    when there is nothing to retry (no number on file); use `outboxId` as the provider's
 *    idempotency key where it has one, since a crash after sending and before the row is marked
 *    SENT sends again; answer the provider's message id when it sends receipts, and implement
 *    `receipts()` to turn them into DELIVERED / UNDELIVERED;
 * 2. build it from the settings in channel-settings.ts (the projection writes a row for every
 *    channel built there, the worker's dispatcher delivers them).
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
  /** The recipient's addresses from their account (null: not on file). */
  contact: Contact;
}

export interface Contact {
  /** Mainland mobile number (users.phone). */
  phone: string | null;
  /** 企业微信 userid (users.wecom_user_id). */
  wecomUserId: string | null;
}

/** What a provider said when it took the message. */
export interface DeliveryResult {
  /** The address used (kept on the outbox row for the receipt query). */
  sentTo?: string;
  /** The provider's id of the message (Aliyun BizId, WeCom msgid): receipts are asked by it. */
  providerMessageId?: string;
  /** Known at once (WeCom's invaliduser: UNDELIVERED); otherwise the row is SENT until a receipt comes. */
  state?: ReceiptState;
  error?: string;
}

export type ReceiptState = 'DELIVERED' | 'UNDELIVERED';

/** A row sent through a channel with receipts, not yet DELIVERED or UNDELIVERED. */
export interface AwaitingReceipt {
  outboxId: string;
  sentTo: string;
  providerMessageId: string;
  sentAt: Date;
}

export interface Receipt {
  outboxId: string;
  state: ReceiptState;
  /** When the provider says it was delivered or given up. */
  at?: Date;
  error?: string;
}

/** Nothing to retry: the row is SKIPPED with this reason (no number on file, the channel turned off). */
export class UndeliverableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndeliverableError';
  }
}

export interface NotificationChannel {
  /** The channel name the outbox rows carry ('in-app', 'sms', ...). */
  readonly name: string;
  /** Words for the person's settings page. */
  readonly label?: Label;
  /** A person may turn it off for themselves (every channel but the inbox); their rows are SKIPPED. */
  readonly optional?: boolean;
  /** Most messages per person per China day; the rest wait for the next day (never dropped). */
  readonly dailyCap?: number;
  /** Delivers, or throws (the dispatcher retries). Must be safe to call again for the same outboxId. */
  deliver(message: OutgoingNotification): Promise<void | DeliveryResult>;
  /** The provider's receipts for rows it took (those it has none for yet are left out). */
  receipts?(rows: AwaitingReceipt[]): Promise<Receipt[]>;
}

/** The channel of the inbox in the API (GET /api/me/notifications). */
export const IN_APP_CHANNEL = 'in-app';
export const SMS_CHANNEL = 'sms';
export const WECOM_CHANNEL = 'wecom';

export const CHANNEL_LABELS: Record<string, Label> = {
  [IN_APP_CHANNEL]: { zh: '站内通知', en: 'In-app inbox' },
  [SMS_CHANNEL]: { zh: '短信', en: 'SMS' },
  [WECOM_CHANNEL]: { zh: '企业微信', en: 'WeCom (企业微信)' },
};
