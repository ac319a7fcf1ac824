/**
 * SMS through Aliyun's SMS service (dysmsapi, API version 2017-05-25, RPC style): SendSms with the
 * town's approved sign name and template, TemplateParam as JSON, OutId = the outbox row (the
 * receipts carry it back, and the fake provider takes a repeated OutId as the same message), and
 * QuerySendDetails for the receipts (SendStatus 3 delivered, 2 failed, 1 waiting). Requests are
 * signed with signature version 1.0 (HMAC-SHA1 over the sorted, percent-encoded parameters).
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Label } from '../workflows/vocabulary';
import { AwaitingReceipt, CHANNEL_LABELS, DeliveryResult, NotificationChannel, OutgoingNotification, Receipt, SMS_CHANNEL, UndeliverableError } from './channel';

export interface AliyunSmsSettings {
  /** https://dysmsapi.aliyuncs.com/ (or the fake provider's address). */
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** 短信签名, approved in the console (e.g. 故陵镇人民政府). */
  signName: string;
  /** The approved template (SMS_xxxxxxxx) with the variables ${title} and ${content}. */
  templateCode: string;
  regionId?: string;
  dailyCap?: number;
  /** Per request (default 10 s). */
  timeoutMs?: number;
}

/** Aliyun's percent-encoding: RFC 3986 (encodeURIComponent plus ! ' ( ) *), space as %20. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The parameters sorted by name, each name=value percent-encoded, joined with &; Signature itself is left out. */
export function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k])}`)
    .join('&');
}

/** Signature version 1.0: base64(HMAC-SHA1(secret + "&", METHOD&%2F&encode(canonical query))). */
export function signRpc(method: 'GET' | 'POST', params: Record<string, string>, accessKeySecret: string): string {
  const stringToSign = `${method}&${percentEncode('/')}&${percentEncode(canonicalQuery(params))}`;
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64');
}

/** Template variables of a notification template are at most 35 characters each. */
const TEMPLATE_VARIABLE_MAX = 35;

/** The words the approved template gets: the title and the body, in Chinese (an SMS is read in Chinese). */
export function templateParam(title: Label, body: Label): string {
  const cut = (s: string) => (Array.from(s).length > TEMPLATE_VARIABLE_MAX ? `${Array.from(s).slice(0, TEMPLATE_VARIABLE_MAX - 1).join('')}…` : s);
  return JSON.stringify({ title: cut(title.zh), content: cut(body.zh) });
}

/** Aliyun's answers that retrying cannot change (the number itself is refused). */
const PERMANENT_CODES = new Set(['isv.MOBILE_NUMBER_ILLEGAL', 'isv.BLACK_KEY_CONTROL_LIMIT', 'isv.MOBILE_COUNT_OVER_LIMIT']);

/** yyyyMMdd of a time in China (QuerySendDetails' SendDate). */
function chinaDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

export class AliyunSmsChannel implements NotificationChannel {
  readonly name = SMS_CHANNEL;
  readonly label = CHANNEL_LABELS[SMS_CHANNEL];
  readonly optional = true;
  readonly dailyCap?: number;

  constructor(private readonly settings: AliyunSmsSettings) {
    this.dailyCap = settings.dailyCap;
  }

  async deliver(message: OutgoingNotification): Promise<DeliveryResult> {
    const phone = message.contact.phone;
    if (!phone) throw new UndeliverableError('账号没有登记手机号 / no mobile number on the account');
    const answer = await this.call('SendSms', {
      PhoneNumbers: phone,
      SignName: this.settings.signName,
      TemplateCode: this.settings.templateCode,
      TemplateParam: templateParam(message.title, message.body),
      OutId: message.outboxId,
    });
    if (answer.Code !== 'OK') {
      const why = `阿里云短信 / Aliyun SendSms ${String(answer.Code)}: ${String(answer.Message ?? '')}`;
      if (PERMANENT_CODES.has(String(answer.Code))) throw new UndeliverableError(why);
      throw new Error(why);
    }
    return { sentTo: phone, providerMessageId: String(answer.BizId) };
  }

  async receipts(rows: AwaitingReceipt[]): Promise<Receipt[]> {
    const out: Receipt[] = [];
    for (const row of rows) {
      const answer = await this.call('QuerySendDetails', {
        PhoneNumber: row.sentTo,
        BizId: row.providerMessageId,
        SendDate: chinaDay(row.sentAt),
        PageSize: '10',
        CurrentPage: '1',
      });
      if (answer.Code !== 'OK') throw new Error(`阿里云短信回执 / Aliyun QuerySendDetails ${String(answer.Code)}: ${String(answer.Message ?? '')}`);
      const details = ((answer.SmsSendDetailDTOs as { SmsSendDetailDTO?: SendDetail[] } | undefined)?.SmsSendDetailDTO ?? []) as SendDetail[];
      const detail = details.find((d) => d.OutId === row.outboxId) ?? details[0];
      if (!detail || Number(detail.SendStatus) === 1) continue; // no receipt yet
      const at = detail.ReceiveDate ? new Date(`${detail.ReceiveDate.replace(' ', 'T')}+08:00`) : undefined;
      out.push(
        Number(detail.SendStatus) === 3
          ? { outboxId: row.outboxId, state: 'DELIVERED', at }
          : { outboxId: row.outboxId, state: 'UNDELIVERED', at, error: `运营商回执 / carrier receipt ${detail.ErrCode ?? 'FAILED'}` },
      );
    }
    return out;
  }

  /** One signed RPC call, POSTed as a form; answers the JSON body (HTTP errors with a body answer it too). */
  private async call(action: string, params: Record<string, string>): Promise<Record<string, unknown>> {
    const all: Record<string, string> = {
      AccessKeyId: this.settings.accessKeyId,
      Action: action,
      Format: 'JSON',
      RegionId: this.settings.regionId ?? 'cn-hangzhou',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: randomUUID(),
      SignatureVersion: '1.0',
      Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      Version: '2017-05-25',
      ...params,
    };
    const body = `Signature=${percentEncode(signRpc('POST', all, this.settings.accessKeySecret))}&${canonicalQuery(all)}`;
    const res = await fetch(this.settings.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      signal: AbortSignal.timeout(this.settings.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new Error(`阿里云短信 / Aliyun ${action}: HTTP ${res.status}, not JSON`);
    }
    if (!res.ok && json.Code === undefined) throw new Error(`阿里云短信 / Aliyun ${action}: HTTP ${res.status}`);
    return json;
  }
}

interface SendDetail {
  SendStatus: number | string;
  ErrCode?: string;
  ReceiveDate?: string;
  OutId?: string;
  PhoneNum?: string;
}
