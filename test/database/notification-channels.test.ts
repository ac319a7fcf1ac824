/**
 * The SMS and 企业微信 channels behind the outbox, on real PostgreSQL, against the local fake
 * provider over HTTP (it checks Aliyun's signature and WeCom's token like the real ones): the
 * dispatcher's retries, the receipts (SENT → DELIVERED / UNDELIVERED), a person's opt-out, the
 * daily cap per person and channel (the rest wait for the next China day), the token cache and
 * its refresh on 42001, and a resend after a crash taken as the same message (OutId).
 */
import { AliyunSmsChannel, FAKE_PROVIDER_CREDENTIALS, FakeProvider, InAppChannel, insertNotifications, OutboxDispatcher, WecomChannel } from '../../src/notifications';
import type { NotificationChannel } from '../../src/notifications';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;
let fake: FakeProvider;
let serial = 0;

const sms = (dailyCap?: number) => new AliyunSmsChannel({ ...FAKE_PROVIDER_CREDENTIALS, endpoint: `${fake.url}/`, dailyCap });
const wecom = () => new WecomChannel({ ...FAKE_PROVIDER_CREDENTIALS, endpoint: fake.url });
const dispatcher = (channels: NotificationChannel[], options: ConstructorParameters<typeof OutboxDispatcher>[2] = {}) =>
  new OutboxDispatcher(db.dataSource, channels, { backoffMs: 1, receiptRecheckMs: 0, ...options });

/** A person of the town with the given addresses; answers the user name. */
async function person(contact: { phone?: string | null; wecomUserId?: string | null } = {}): Promise<string> {
  const username = `user${++serial}`;
  await db.dataSource.query(
    `INSERT INTO users (username, display_name, password_hash, role, town, phone, wecom_user_id) VALUES ($1, $2, '$argon2id$not-a-real-hash', 'LEADER', 'GULING', $3, $4)`,
    [username, `测试${serial}`, contact.phone === undefined ? `1390000${String(serial).padStart(4, '0')}` : contact.phone, contact.wecomUserId ?? null],
  );
  return username;
}

/** A notification to `recipient` with outbox rows for the channels; answers its id. */
async function notify(recipient: string, channels: string[]): Promise<string> {
  const id = `test-notification-${++serial}`;
  await insertNotifications(
    db.dataSource.manager,
    [{ id, town: 'GULING', recipient, kind: 'TASK_ASSIGNED', case_id: null, task_id: null, event_id: null, title_zh: '【新任务】季度复核', title_en: '[New task] Quarterly re-check', body_zh: '请于 3 天内完成', body_en: 'Due in 3 days', occurred_at: new Date().toISOString() }],
    channels,
  );
  return id;
}

const outbox = async (notificationId: string, channel: string) =>
  (await db.dataSource.query(`SELECT status, attempts, last_error, sent_to, provider_message_id, receipt_at, receipt_error, next_attempt_at FROM notification_outbox WHERE id = $1`, [`${notificationId}:${channel}`]))[0];

beforeAll(async () => {
  db = await createTestDatabase();
  fake = await FakeProvider.start();
});

afterAll(async () => {
  await fake?.close();
  await db?.drop();
});

describe('SMS through the Aliyun adapter', () => {
  it('sends SendSms with the sign name, template, TemplateParam and OutId = the outbox row, and the receipt marks the row DELIVERED', async () => {
    const to = await person({ phone: '13912345678' });
    const id = await notify(to, ['in-app', 'sms']);
    const d = dispatcher([new InAppChannel(db.dataSource), sms()]);
    expect(await d.drain()).toMatchObject({ sent: 2, retried: 0 });

    const [message] = fake.messages.filter((m) => m.to === '13912345678');
    expect(message).toMatchObject({ channel: 'sms', outId: `${id}:sms`, content: { signName: FAKE_PROVIDER_CREDENTIALS.signName, templateCode: FAKE_PROVIDER_CREDENTIALS.templateCode, title: '【新任务】季度复核', content: '请于 3 天内完成' } });
    expect(await outbox(id, 'sms')).toMatchObject({ status: 'SENT', attempts: 1, sent_to: '13912345678', provider_message_id: message.id, receipt_at: null });

    expect(await d.pollReceipts()).toBe(1);
    const row = await outbox(id, 'sms');
    expect(row).toMatchObject({ status: 'DELIVERED', receipt_error: null });
    expect(row.receipt_at).toBeInstanceOf(Date);
  });

  it('retries while the provider fails (HTTP 503 twice), then sends once; the row counts three attempts', async () => {
    const to = await person();
    const id = await notify(to, ['sms']);
    fake.failNext('sms', 2);
    const d = dispatcher([sms()]);
    expect(await d.runOnce()).toMatchObject({ retried: 1 });
    expect((await outbox(id, 'sms')).last_error).toMatch(/ServiceUnavailable/);
    await new Promise((r) => setTimeout(r, 20));
    expect(await d.runOnce()).toMatchObject({ retried: 1 });
    await new Promise((r) => setTimeout(r, 20));
    expect(await d.runOnce()).toMatchObject({ sent: 1 });
    expect(await outbox(id, 'sms')).toMatchObject({ status: 'SENT', attempts: 3, last_error: null });
    expect(fake.messages.filter((m) => m.outId === `${id}:sms`)).toHaveLength(1);
  });

  it('marks the row UNDELIVERED with the carrier’s code when the receipt says it failed', async () => {
    const to = await person({ phone: '13700000099' });
    fake.refuseNumber('13700000099');
    const id = await notify(to, ['sms']);
    const d = dispatcher([sms()]);
    await d.drain();
    await d.pollReceipts();
    expect(await outbox(id, 'sms')).toMatchObject({ status: 'UNDELIVERED', receipt_error: expect.stringContaining('MOBILE_NOT_ON_SERVICE') });
  });

  it('takes a resend after a crash (the row sent but not marked) as the same message: one SMS, the same BizId', async () => {
    const to = await person();
    const id = await notify(to, ['sms']);
    const d = dispatcher([sms()]);
    await d.drain();
    const first = await outbox(id, 'sms');
    await db.dataSource.query(`UPDATE notification_outbox SET status = 'PENDING', sent_at = NULL, provider_message_id = NULL WHERE id = $1`, [`${id}:sms`]);
    await d.drain();
    expect(fake.messages.filter((m) => m.outId === `${id}:sms`)).toHaveLength(1);
    expect((await outbox(id, 'sms')).provider_message_id).toBe(first.provider_message_id);
  });

  it('skips a person without a number on file, saying so, and sends nothing (no retries)', async () => {
    const to = await person({ phone: null });
    const id = await notify(to, ['sms']);
    const before = fake.requests.SendSms ?? 0;
    expect(await dispatcher([sms()]).drain()).toMatchObject({ skipped: 1, retried: 0 });
    expect(await outbox(id, 'sms')).toMatchObject({ status: 'SKIPPED', last_error: expect.stringContaining('no mobile number') });
    expect(fake.requests.SendSms ?? 0).toBe(before);
  });
});

describe('a person’s opt-out', () => {
  it('skips the channel the person turned off, the inbox still delivering; turned back on, new notifications go out again', async () => {
    const to = await person({ phone: '13611112222' });
    await db.dataSource.query(`INSERT INTO notification_opt_outs (town, username, channel) VALUES ('GULING', $1, 'sms')`, [to]);
    const off = await notify(to, ['in-app', 'sms']);
    const d = dispatcher([new InAppChannel(db.dataSource), sms()]);
    expect(await d.drain()).toMatchObject({ sent: 1, skipped: 1 });
    expect(await outbox(off, 'sms')).toMatchObject({ status: 'SKIPPED', last_error: expect.stringContaining('turned this channel off') });
    expect(await outbox(off, 'in-app')).toMatchObject({ status: 'SENT' });
    expect(fake.messages.some((m) => m.to === '13611112222')).toBe(false);

    await db.dataSource.query(`DELETE FROM notification_opt_outs WHERE username = $1`, [to]);
    const on = await notify(to, ['sms']);
    await d.drain();
    expect(await outbox(on, 'sms')).toMatchObject({ status: 'SENT' });
    expect(fake.messages.filter((m) => m.to === '13611112222')).toHaveLength(1);
  });
});

describe('the daily cap per person and channel', () => {
  it('sends the cap’s number of messages on a China day; the rest wait until 00:00 Asia/Shanghai and go out then; another person has their own count', async () => {
    const busy = await person();
    const other = await person();
    const ids = [await notify(busy, ['sms']), await notify(busy, ['sms']), await notify(busy, ['sms'])];
    const otherId = await notify(other, ['sms']);
    await db.dataSource.query(`UPDATE notification_outbox SET next_attempt_at = '2026-01-01T00:00:00Z' WHERE id = ANY($1::text[])`, [[...ids, otherId].map((id) => `${id}:sms`)]);

    let now = new Date('2026-12-07T15:30:00Z'); // 23:30 in China
    const d = dispatcher([sms(2)], { clock: () => now });
    expect(await d.drain()).toMatchObject({ sent: 3, deferred: 1 });
    const statuses = await Promise.all(ids.map((id) => outbox(id, 'sms')));
    expect(statuses.map((r) => r.status).sort()).toEqual(['PENDING', 'SENT', 'SENT']);
    const waiting = statuses.find((r) => r.status === 'PENDING');
    expect(waiting).toMatchObject({ attempts: 0, last_error: expect.stringContaining('daily cap of 2') });
    expect(new Date(waiting.next_attempt_at).toISOString()).toBe('2026-12-07T16:00:00.000Z'); // 00:00 of 12-08 in China
    expect(await outbox(otherId, 'sms')).toMatchObject({ status: 'SENT' });

    now = new Date('2026-12-07T15:59:00Z');
    expect(await d.drain()).toMatchObject({ sent: 0, deferred: 0 });
    now = new Date('2026-12-07T16:00:01Z');
    expect(await d.drain()).toMatchObject({ sent: 1, deferred: 0 });
    expect((await Promise.all(ids.map((id) => outbox(id, 'sms')))).map((r) => r.status)).toEqual(['SENT', 'SENT', 'SENT']);
    const counts = await db.dataSource.query(`SELECT day::text, sent FROM notification_daily_counts WHERE username = $1 ORDER BY day`, [busy]);
    expect(counts).toEqual([{ day: '2026-12-07', sent: 2 }, { day: '2026-12-08', sent: 1 }]);
  });

  it('gives a failed send back to the day’s count (only messages the provider took count)', async () => {
    const to = await person();
    const id = await notify(to, ['sms']);
    fake.failNext('sms', 1);
    const d = dispatcher([sms(1)]);
    expect(await d.runOnce()).toMatchObject({ retried: 1 });
    await new Promise((r) => setTimeout(r, 20));
    expect(await d.runOnce()).toMatchObject({ sent: 1, deferred: 0 });
    expect(await outbox(id, 'sms')).toMatchObject({ status: 'SENT' });
  });
});

describe('企业微信 through the WeCom adapter', () => {
  it('gets a token once and keeps it, sends a text to the userid with the agentid, and marks the row DELIVERED', async () => {
    const channel = wecom();
    const to = await person({ wecomUserId: 'WangLi' });
    const tokensBefore = fake.requests.gettoken ?? 0;
    const first = await notify(to, ['wecom']);
    const second = await notify(to, ['wecom']);
    expect(await dispatcher([channel]).drain()).toMatchObject({ sent: 2 });
    expect((fake.requests.gettoken ?? 0) - tokensBefore).toBe(1);
    const sent = fake.messages.filter((m) => m.channel === 'wecom' && m.to === 'WangLi');
    expect(sent).toHaveLength(2);
    expect(sent[0].content).toMatchObject({ touser: 'WangLi', agentid: FAKE_PROVIDER_CREDENTIALS.agentId, msgtype: 'text', text: { content: '【新任务】季度复核\n请于 3 天内完成' } });
    for (const id of [first, second]) expect(await outbox(id, 'wecom')).toMatchObject({ status: 'DELIVERED', sent_to: 'WangLi' });
  });

  it('sends a text card that opens the case, or my notifications outside a case, when the app’s address is configured', async () => {
    const to = await person({ wecomUserId: 'CardUser' });
    await notify(to, ['wecom']);
    const channel = new WecomChannel({ ...FAKE_PROVIDER_CREDENTIALS, endpoint: fake.url, appUrl: 'https://baoxue.example.gov.cn/app/' });
    await dispatcher([channel]).drain();
    const [card] = fake.messages.filter((m) => m.to === 'CardUser');
    expect(card.content).toMatchObject({
      msgtype: 'textcard',
      textcard: { title: '【新任务】季度复核', description: '请于 3 天内完成', url: 'https://baoxue.example.gov.cn/app/#/notifications', btntxt: '查看' },
    });
  });

  it('fetches a new token once when WeCom answers 42001 (token expired) and sends with it', async () => {
    const channel = wecom();
    const to = await person({ wecomUserId: 'LiuMing' });
    await dispatcher([channel]).drain(); // nothing due; the channel has no token yet
    await notify(to, ['wecom']);
    await dispatcher([channel]).drain();
    fake.expireTokens();
    const tokensBefore = fake.requests.gettoken ?? 0;
    const sendsBefore = fake.requests['message/send'] ?? 0;
    const id = await notify(to, ['wecom']);
    expect(await dispatcher([channel]).drain()).toMatchObject({ sent: 1, retried: 0 });
    expect((fake.requests.gettoken ?? 0) - tokensBefore).toBe(1);
    expect((fake.requests['message/send'] ?? 0) - sendsBefore).toBe(2);
    expect(await outbox(id, 'wecom')).toMatchObject({ status: 'DELIVERED' });
  });

  it('marks the row UNDELIVERED when WeCom answers the userid in invaliduser, with no retry', async () => {
    const to = await person({ wecomUserId: 'GoneUser' });
    fake.forgetUser('GoneUser');
    const id = await notify(to, ['wecom']);
    expect(await dispatcher([wecom()]).drain()).toMatchObject({ sent: 1, retried: 0 });
    expect(await outbox(id, 'wecom')).toMatchObject({ status: 'UNDELIVERED', receipt_error: expect.stringContaining('invaliduser GoneUser') });
  });

  it('retries while WeCom is busy and skips a person without a userid', async () => {
    const to = await person({ wecomUserId: 'ZhaoLei' });
    const nobody = await person({ wecomUserId: null });
    const id = await notify(to, ['wecom']);
    const none = await notify(nobody, ['wecom']);
    fake.failNext('wecom', 1);
    const d = dispatcher([wecom()]);
    expect(await d.runOnce()).toMatchObject({ retried: 1, skipped: 1 });
    await new Promise((r) => setTimeout(r, 20));
    expect(await d.runOnce()).toMatchObject({ sent: 1 });
    expect(await outbox(id, 'wecom')).toMatchObject({ status: 'DELIVERED', attempts: 2 });
    expect(await outbox(none, 'wecom')).toMatchObject({ status: 'SKIPPED', last_error: expect.stringContaining('no WeCom userid') });
  });
});
