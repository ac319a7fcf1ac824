/**
 * A local stand-in for both providers, in-process over real HTTP: Aliyun's dysmsapi (SendSms,
 * QuerySendDetails; it checks the signature like the real one) and 企业微信 (gettoken,
 * message/send). It records every message, answers receipts, and can be told to fail the next N
 * requests of a channel, to expire the WeCom token, or to refuse a number or a userid. Tests use
 * it, and `npm start` embeds it when no real provider is configured, so a new user sees the SMS
 * "sent" in the log and its receipt come back.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signRpc } from './aliyun-sms-channel';

/** The credentials the fake takes (and the embedded default uses). */
export const FAKE_PROVIDER_CREDENTIALS = {
  accessKeyId: 'fake-access-key-id',
  accessKeySecret: 'fake-access-key-secret',
  signName: '故陵镇控辍保学',
  templateCode: 'SMS_000000000',
  corpId: 'fake-corp-id',
  corpSecret: 'fake-corp-secret',
  agentId: 1000002,
} as const;

export interface FakeMessage {
  channel: 'sms' | 'wecom';
  /** Phone number or userid. */
  to: string;
  /** Aliyun BizId / WeCom msgid. */
  id: string;
  /** SMS: OutId. */
  outId?: string;
  /** SMS: the template's variables; WeCom: the message body sent. */
  content: Record<string, unknown>;
  at: Date;
}

export interface FakeProviderOptions {
  /** Called for each message taken (the embedded default logs it). */
  onMessage?: (m: FakeMessage) => void;
  /** WeCom token lifetime in seconds (default 7200). */
  tokenLifetimeSeconds?: number;
}

export class FakeProvider {
  readonly messages: FakeMessage[] = [];
  /** Requests of each kind seen (SendSms, QuerySendDetails, gettoken, message/send), failures too. */
  readonly requests: Record<string, number> = {};
  private readonly failures = { sms: 0, wecom: 0 };
  private readonly refusedNumbers = new Set<string>();
  private readonly unknownUsers = new Set<string>();
  private tokens = new Set<string>();
  private counter = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: FakeProviderOptions,
  ) {}

  static async start(options: FakeProviderOptions = {}): Promise<FakeProvider> {
    let fake: FakeProvider | undefined;
    const server = createServer((req, res) => void fake!.handle(req, res).catch(() => reply(res, 500, { Code: 'InternalError' })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeProvider(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, options);
    return fake;
  }

  /** The next `n` sends of the channel answer HTTP 503 (the dispatcher must retry). */
  failNext(channel: 'sms' | 'wecom', n: number): void {
    this.failures[channel] = n;
  }

  /** The carrier cannot reach this number: its receipts say failed (SendStatus 2). */
  refuseNumber(phone: string): void {
    this.refusedNumbers.add(phone);
  }

  /** WeCom does not know this userid: message/send answers it in invaliduser. */
  forgetUser(userId: string): void {
    this.unknownUsers.add(userId);
  }

  /** Every WeCom token issued so far stops working (errcode 42001). */
  expireTokens(): void {
    this.tokens = new Set();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private count(what: string): void {
    this.requests[what] = (this.requests[what] ?? 0) + 1;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    if (url.pathname === '/cgi-bin/gettoken') return this.getToken(url, res);
    if (url.pathname === '/cgi-bin/message/send') return this.wecomSend(url, body, res);
    if (url.pathname === '/') return this.aliyun(req.method === 'POST' ? new URLSearchParams(body) : url.searchParams, req.method === 'POST' ? 'POST' : 'GET', res);
    reply(res, 404, { errcode: 404, errmsg: 'not found' });
  }

  private aliyun(query: URLSearchParams, method: 'GET' | 'POST', res: ServerResponse): void {
    const params = Object.fromEntries(query.entries());
    const action = params.Action ?? '';
    this.count(action);
    if (params.AccessKeyId !== FAKE_PROVIDER_CREDENTIALS.accessKeyId) return reply(res, 404, { Code: 'InvalidAccessKeyId.NotFound', Message: 'Specified access key is not found.' });
    if (params.Signature !== signRpc(method, params, FAKE_PROVIDER_CREDENTIALS.accessKeySecret)) {
      return reply(res, 400, { Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched with our calculation.' });
    }
    if (action === 'SendSms') {
      if (this.failures.sms > 0) {
        this.failures.sms--;
        return reply(res, 503, { Code: 'ServiceUnavailable', Message: 'The request has failed due to a temporary failure of the server.' });
      }
      if (!/^1[3-9]\d{9}$/.test(params.PhoneNumbers ?? '')) return reply(res, 200, { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号' });
      // A repeated OutId is the same message (the dispatcher's at-least-once resend): same BizId, nothing new sent.
      const again = this.messages.find((m) => m.channel === 'sms' && m.outId !== undefined && m.outId === params.OutId);
      if (again) return reply(res, 200, { Code: 'OK', Message: 'OK', BizId: again.id, RequestId: `req-${++this.counter}` });
      const message: FakeMessage = {
        channel: 'sms',
        to: params.PhoneNumbers,
        id: `${100000 + ++this.counter}^0`,
        outId: params.OutId,
        content: { signName: params.SignName, templateCode: params.TemplateCode, ...(JSON.parse(params.TemplateParam ?? '{}') as Record<string, unknown>) },
        at: new Date(),
      };
      this.messages.push(message);
      this.options.onMessage?.(message);
      return reply(res, 200, { Code: 'OK', Message: 'OK', BizId: message.id, RequestId: `req-${this.counter}` });
    }
    if (action === 'QuerySendDetails') {
      const found = this.messages.filter((m) => m.channel === 'sms' && m.id === params.BizId && m.to === params.PhoneNumber);
      const china = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
      return reply(res, 200, {
        Code: 'OK',
        Message: 'OK',
        TotalCount: found.length,
        SmsSendDetailDTOs: {
          SmsSendDetailDTO: found.map((m) => {
            const refused = this.refusedNumbers.has(m.to);
            return { PhoneNum: m.to, SendStatus: refused ? 2 : 3, ErrCode: refused ? 'MOBILE_NOT_ON_SERVICE' : 'DELIVERED', OutId: m.outId, SendDate: china(m.at), ReceiveDate: china(m.at), TemplateCode: m.content.templateCode };
          }),
        },
      });
    }
    reply(res, 400, { Code: 'InvalidAction.NotFound', Message: `Specified api is not found: ${action}` });
  }

  private getToken(url: URL, res: ServerResponse): void {
    this.count('gettoken');
    if (url.searchParams.get('corpid') !== FAKE_PROVIDER_CREDENTIALS.corpId) return reply(res, 200, { errcode: 40013, errmsg: 'invalid corpid' });
    if (url.searchParams.get('corpsecret') !== FAKE_PROVIDER_CREDENTIALS.corpSecret) return reply(res, 200, { errcode: 40001, errmsg: 'invalid credential' });
    const token = `fake-token-${++this.counter}`;
    this.tokens.add(token);
    reply(res, 200, { errcode: 0, errmsg: 'ok', access_token: token, expires_in: this.options.tokenLifetimeSeconds ?? 7200 });
  }

  private wecomSend(url: URL, body: string, res: ServerResponse): void {
    this.count('message/send');
    if (!this.tokens.has(url.searchParams.get('access_token') ?? '')) return reply(res, 200, { errcode: 42001, errmsg: 'access_token expired' });
    if (this.failures.wecom > 0) {
      this.failures.wecom--;
      return reply(res, 503, { errcode: -1, errmsg: 'system busy' });
    }
    const message = JSON.parse(body) as { touser: string; agentid: number; msgtype: string };
    if (message.agentid !== FAKE_PROVIDER_CREDENTIALS.agentId) return reply(res, 200, { errcode: 40056, errmsg: 'invalid agentid' });
    if (this.unknownUsers.has(message.touser)) return reply(res, 200, { errcode: 0, errmsg: 'ok', invaliduser: message.touser, msgid: '' });
    const taken: FakeMessage = { channel: 'wecom', to: message.touser, id: `msg-${++this.counter}`, content: message as unknown as Record<string, unknown>, at: new Date() };
    this.messages.push(taken);
    this.options.onMessage?.(taken);
    reply(res, 200, { errcode: 0, errmsg: 'ok', invaliduser: '', msgid: taken.id });
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
