/**
 * 企业微信 application messages: gettoken with corpid and corpsecret (the token kept until a
 * minute before it expires, one fetch at a time), then message/send with the application's
 * agentid to the person's userid, as a text card when the app's address is known (it opens the
 * case) else as text. errcode 0 is success; 42001 (token expired) or 40014 (token invalid) fetch a
 * new token and send once more; a userid WeCom does not know comes back in `invaliduser`: the row
 * is UNDELIVERED. WeCom gives no later receipts for application messages, so an accepted message
 * is DELIVERED at once. enable_duplicate_check lets WeCom drop a resend of the same message within
 * half an hour (delivery through the outbox is at least once).
 */
import { CHANNEL_LABELS, DeliveryResult, NotificationChannel, OutgoingNotification, UndeliverableError, WECOM_CHANNEL } from './channel';

export interface WecomSettings {
  /** https://qyapi.weixin.qq.com (or the fake provider's address). */
  endpoint: string;
  corpId: string;
  corpSecret: string;
  agentId: number;
  /** The app's address as people open it (https://baoxue.example.gov.cn/app): messages become text cards linking the case. */
  appUrl?: string;
  dailyCap?: number;
  timeoutMs?: number;
}

/** The token answers that a fresh token cures. */
const TOKEN_EXPIRED = new Set([42001, 40014]);
/** Refresh this long before WeCom's expiry. */
const TOKEN_MARGIN_MS = 60_000;

interface WecomAnswer {
  errcode: number;
  errmsg?: string;
  access_token?: string;
  expires_in?: number;
  invaliduser?: string;
  msgid?: string;
}

export class WecomChannel implements NotificationChannel {
  readonly name = WECOM_CHANNEL;
  readonly label = CHANNEL_LABELS[WECOM_CHANNEL];
  readonly optional = true;
  readonly dailyCap?: number;
  private token?: { value: string; expiresAt: number };
  private fetching?: Promise<string>;

  constructor(private readonly settings: WecomSettings) {
    this.dailyCap = settings.dailyCap;
  }

  async deliver(message: OutgoingNotification): Promise<DeliveryResult> {
    const userId = message.contact.wecomUserId;
    if (!userId) throw new UndeliverableError('账号没有登记企业微信 userid / no WeCom userid on the account');
    const body = this.messageFor(userId, message);
    let answer = await this.send(body, await this.accessToken());
    if (TOKEN_EXPIRED.has(answer.errcode)) {
      this.token = undefined;
      answer = await this.send(body, await this.accessToken());
    }
    if (answer.errcode !== 0) throw new Error(`企业微信 / WeCom message/send errcode ${answer.errcode}: ${answer.errmsg ?? ''}`);
    const invalid = (answer.invaliduser ?? '').split('|').filter(Boolean);
    if (invalid.includes(userId)) {
      return { sentTo: userId, providerMessageId: answer.msgid, state: 'UNDELIVERED', error: `企业微信不认识此 userid / WeCom: invaliduser ${userId}` };
    }
    return { sentTo: userId, providerMessageId: answer.msgid, state: 'DELIVERED' };
  }

  private messageFor(userId: string, message: OutgoingNotification): Record<string, unknown> {
    const common = { touser: userId, agentid: this.settings.agentId, enable_duplicate_check: 1, duplicate_check_interval: 1800 };
    if (this.settings.appUrl) {
      const url = `${this.settings.appUrl.replace(/\/+$/, '')}/${message.caseId ? `#/case/${message.caseId}` : '#/notifications'}`;
      return { ...common, msgtype: 'textcard', textcard: { title: message.title.zh, description: message.body.zh, url, btntxt: '查看' } };
    }
    return { ...common, msgtype: 'text', text: { content: `${message.title.zh}\n${message.body.zh}` } };
  }

  private async accessToken(): Promise<string> {
    if (this.token && Date.now() < this.token.expiresAt) return this.token.value;
    this.fetching ??= (async () => {
      try {
        const url = `${this.base()}/cgi-bin/gettoken?corpid=${encodeURIComponent(this.settings.corpId)}&corpsecret=${encodeURIComponent(this.settings.corpSecret)}`;
        const answer = await this.json(await fetch(url, { signal: AbortSignal.timeout(this.settings.timeoutMs ?? 10_000) }), 'gettoken');
        if (answer.errcode !== 0 || !answer.access_token) throw new Error(`企业微信 / WeCom gettoken errcode ${answer.errcode}: ${answer.errmsg ?? ''}`);
        this.token = { value: answer.access_token, expiresAt: Date.now() + (answer.expires_in ?? 7200) * 1000 - TOKEN_MARGIN_MS };
        return answer.access_token;
      } finally {
        this.fetching = undefined;
      }
    })();
    return this.fetching;
  }

  private async send(body: Record<string, unknown>, token: string): Promise<WecomAnswer> {
    const res = await fetch(`${this.base()}/cgi-bin/message/send?access_token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.settings.timeoutMs ?? 10_000),
    });
    return this.json(res, 'message/send');
  }

  private async json(res: Response, what: string): Promise<WecomAnswer> {
    if (!res.ok) throw new Error(`企业微信 / WeCom ${what}: HTTP ${res.status}`);
    try {
      return (await res.json()) as WecomAnswer;
    } catch {
      throw new Error(`企业微信 / WeCom ${what}: not JSON`);
    }
  }

  private base(): string {
    return this.settings.endpoint.replace(/\/+$/, '');
  }
}
