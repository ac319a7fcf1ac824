/**
 * Which delivery channels a deployment has, from its settings (docs/notifications.md): the inbox
 * always; SMS (`BAOXUE_SMS`) and 企业微信 (`BAOXUE_WECOM`) each `off`, `fake` (the local fake
 * provider, fake-provider.ts) or the real provider with its credentials. Embedded (no
 * DATABASE_URL) both default to `fake`, so `npm start` shows messages going out; with DATABASE_URL
 * both default to `off`: a deployment sends real messages only once it is told how.
 * The projection writes an outbox row for every channel named here, the worker's dispatcher
 * delivers them: API and worker processes read the same settings.
 */
import type { DataSource } from 'typeorm';
import { AliyunSmsChannel } from './aliyun-sms-channel';
import { IN_APP_CHANNEL, NotificationChannel, SMS_CHANNEL, WECOM_CHANNEL } from './channel';
import { FAKE_PROVIDER_CREDENTIALS, FakeProvider } from './fake-provider';
import { InAppChannel } from './in-app-channel';
import { WecomChannel } from './wecom-channel';

export const DEFAULT_SMS_DAILY_CAP = 20;
export const DEFAULT_WECOM_DAILY_CAP = 50;
export const ALIYUN_SMS_ENDPOINT = 'https://dysmsapi.aliyuncs.com/';
export const WECOM_ENDPOINT = 'https://qyapi.weixin.qq.com';

export type SmsSetting =
  | { provider: 'off' }
  | { provider: 'fake'; dailyCap: number }
  | { provider: 'aliyun'; endpoint: string; accessKeyId: string; accessKeySecret: string; signName: string; templateCode: string; regionId: string; dailyCap: number };

export type WecomSetting =
  | { provider: 'off' }
  | { provider: 'fake'; dailyCap: number; appUrl?: string }
  | { provider: 'wecom'; endpoint: string; corpId: string; corpSecret: string; agentId: number; dailyCap: number; appUrl?: string };

export interface ChannelSettings {
  sms: SmsSetting;
  wecom: WecomSetting;
}

/** Only the inbox (tests that count outbox rows; a deployment with both set to off). */
export const INBOX_ONLY: ChannelSettings = { sms: { provider: 'off' }, wecom: { provider: 'off' } };

/** Reads BAOXUE_SMS* and BAOXUE_WECOM*; problems are added to the list (config.ts fails fast on them). */
export function readChannelSettings(value: (name: string) => string | undefined, embedded: boolean, problems: string[]): ChannelSettings {
  const cap = (name: string, fallback: number): number => {
    const text = value(name);
    if (text === undefined) return fallback;
    if (/^\d{1,5}$/.test(text) && Number(text) >= 1) return Number(text);
    problems.push(`${name}: "${text}" is not a number of messages per person and day (at least 1)`);
    return fallback;
  };
  const required = (name: string, because: string): string => {
    const text = value(name);
    if (text === undefined) problems.push(`${name}: required with ${because}`);
    return text ?? '';
  };
  const url = (name: string, fallback: string): string => {
    const text = value(name) ?? fallback;
    if (!/^https?:\/\/[^\s/]+/.test(text)) problems.push(`${name}: "${text}" is not an http(s) address`);
    return text;
  };

  let sms: SmsSetting = { provider: 'off' };
  const smsText = (value('BAOXUE_SMS') ?? (embedded ? 'fake' : 'off')).toLowerCase();
  if (smsText === 'fake') sms = { provider: 'fake', dailyCap: cap('BAOXUE_SMS_DAILY_CAP', DEFAULT_SMS_DAILY_CAP) };
  else if (smsText === 'aliyun') {
    const because = 'BAOXUE_SMS=aliyun';
    sms = {
      provider: 'aliyun',
      endpoint: url('BAOXUE_SMS_ENDPOINT', ALIYUN_SMS_ENDPOINT),
      accessKeyId: required('BAOXUE_SMS_ACCESS_KEY_ID', because),
      accessKeySecret: required('BAOXUE_SMS_ACCESS_KEY_SECRET', because),
      signName: required('BAOXUE_SMS_SIGN_NAME', because),
      templateCode: required('BAOXUE_SMS_TEMPLATE_CODE', because),
      regionId: value('BAOXUE_SMS_REGION') ?? 'cn-hangzhou',
      dailyCap: cap('BAOXUE_SMS_DAILY_CAP', DEFAULT_SMS_DAILY_CAP),
    };
  } else if (smsText !== 'off') problems.push(`BAOXUE_SMS: "${smsText}" is not off, fake or aliyun`);

  let wecom: WecomSetting = { provider: 'off' };
  const wecomText = (value('BAOXUE_WECOM') ?? (embedded ? 'fake' : 'off')).toLowerCase();
  const appUrl = value('BAOXUE_WECOM_APP_URL');
  if (appUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(appUrl)) problems.push(`BAOXUE_WECOM_APP_URL: "${appUrl}" is not an http(s) address`);
  if (wecomText === 'fake') wecom = { provider: 'fake', dailyCap: cap('BAOXUE_WECOM_DAILY_CAP', DEFAULT_WECOM_DAILY_CAP), appUrl };
  else if (wecomText === 'wecom') {
    const because = 'BAOXUE_WECOM=wecom';
    const agentText = required('BAOXUE_WECOM_AGENT_ID', because);
    if (agentText && !/^\d{1,10}$/.test(agentText)) problems.push(`BAOXUE_WECOM_AGENT_ID: "${agentText}" is not the application's AgentId (a number)`);
    wecom = {
      provider: 'wecom',
      endpoint: url('BAOXUE_WECOM_ENDPOINT', WECOM_ENDPOINT),
      corpId: required('BAOXUE_WECOM_CORP_ID', because),
      corpSecret: required('BAOXUE_WECOM_CORP_SECRET', because),
      agentId: Number(agentText),
      dailyCap: cap('BAOXUE_WECOM_DAILY_CAP', DEFAULT_WECOM_DAILY_CAP),
      appUrl,
    };
  } else if (wecomText !== 'off') problems.push(`BAOXUE_WECOM: "${wecomText}" is not off, fake or wecom`);
  return { sms, wecom };
}

/** The outbox channels: one row per notification and name. */
export function notificationChannelNames(settings: ChannelSettings): string[] {
  return [IN_APP_CHANNEL, ...(settings.sms.provider !== 'off' ? [SMS_CHANNEL] : []), ...(settings.wecom.provider !== 'off' ? [WECOM_CHANNEL] : [])];
}

export function usesFakeProvider(settings: ChannelSettings): boolean {
  return settings.sms.provider === 'fake' || settings.wecom.provider === 'fake';
}

/** The dispatcher's channels; `fake` is the embedded fake provider when a setting says fake. */
export function buildNotificationChannels(settings: ChannelSettings, dataSource: DataSource, fake?: FakeProvider): NotificationChannel[] {
  const channels: NotificationChannel[] = [new InAppChannel(dataSource)];
  const fakeUrl = () => {
    if (!fake) throw new Error('BAOXUE_SMS=fake / BAOXUE_WECOM=fake need the fake provider started');
    return fake.url;
  };
  const { sms, wecom } = settings;
  if (sms.provider === 'aliyun') channels.push(new AliyunSmsChannel(sms));
  if (sms.provider === 'fake') channels.push(new AliyunSmsChannel({ ...FAKE_PROVIDER_CREDENTIALS, endpoint: `${fakeUrl()}/`, dailyCap: sms.dailyCap }));
  if (wecom.provider === 'wecom') channels.push(new WecomChannel(wecom));
  if (wecom.provider === 'fake') channels.push(new WecomChannel({ ...FAKE_PROVIDER_CREDENTIALS, endpoint: fakeUrl(), dailyCap: wecom.dailyCap, appUrl: wecom.appUrl }));
  return channels;
}
