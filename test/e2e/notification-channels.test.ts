/**
 * SMS end to end, on the app as `npm start` composes it (real Temporal dev server, real
 * PostgreSQL, the worker's dispatcher), with the SMS channel configured as Aliyun's and pointed at
 * the local fake provider: a case action (REASSIGN) gives the new holder a notification; the
 * provider fails twice, the dispatcher retries, the SMS goes out once with the notification's
 * words, and its receipt marks the outbox row DELIVERED. A person who turned SMS off
 * (PATCH /api/me/channels/sms) gets the inbox only.
 */
import type { RunningBaoxue } from '../../src/bootstrap';
import { FAKE_PROVIDER_CREDENTIALS, FakeProvider } from '../../src/notifications';
import { as } from '../support/auth';
import { eventually } from '../support/eventually';
import { reportBody, startApp, testConfig, waitForCase } from '../support/running-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

let db: TestDatabase;
let app: RunningBaoxue;
let api: string;
let fake: FakeProvider;

beforeAll(async () => {
  fake = await FakeProvider.start();
  db = await createTestDatabase({ migrate: false });
  app = await startApp(
    testConfig({
      databaseUrl: db.url,
      channels: {
        sms: { provider: 'aliyun', endpoint: `${fake.url}/`, ...FAKE_PROVIDER_CREDENTIALS, regionId: 'cn-hangzhou', dailyCap: 20 },
        wecom: { provider: 'off' },
      },
    }),
  );
  api = app.apiUrl!;
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await db?.drop();
  await fake?.close();
});

const phoneOf = async (username: string): Promise<string> => (await db.dataSource.query(`SELECT phone FROM users WHERE username = $1`, [username]))[0].phone;

async function openCase(): Promise<string> {
  const res = await (await as(api, 'coordinator')).post('/api/cases').send(reportBody());
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** The SMS outbox row of the notification of `kind` to `recipient` about the case, once it has a final state. */
const settledSms = (caseId: string, recipient: string, kind: string, states: string[]) =>
  eventually(`the SMS of ${kind} to ${recipient} in ${states.join('/')}`, async () => {
    const [row] = await db.dataSource.query(
      `SELECT o.status, o.attempts, o.last_error, o.sent_to, o.provider_message_id, o.receipt_at
       FROM notification_outbox o JOIN notifications n ON n.id = o.notification_id
       WHERE o.channel = 'sms' AND n.case_id = $1 AND n.recipient = $2 AND n.kind = $3`,
      [caseId, recipient, kind],
    );
    return row && states.includes(row.status) ? row : undefined;
  });

describe('a notification by SMS through the provider', () => {
  it('goes out after the provider failed twice (the dispatcher retries) and its receipt marks it DELIVERED', async () => {
    const caseId = await openCase();
    // The opening's task notifications go out first; then the provider fails the next two sends.
    await settledSms(caseId, 'cadre', 'TASK_ASSIGNED', ['DELIVERED']);
    fake.failNext('sms', 2);
    const res = await (await as(api, 'coordinator')).post(`/api/cases/${caseId}/actions`).send({ type: 'REASSIGN', assignee: 'secretary', reason: '村支书接手' });
    expect(res.status).toBe(200);

    const row = await settledSms(caseId, 'secretary', 'TASK_REASSIGNED', ['DELIVERED', 'FAILED', 'UNDELIVERED']);
    expect(row).toMatchObject({ status: 'DELIVERED', attempts: 3, last_error: null, sent_to: await phoneOf('secretary') });
    expect(row.receipt_at).toBeInstanceOf(Date);
    const sent = fake.messages.filter((m) => m.to === row.sent_to && m.id === row.provider_message_id);
    expect(sent).toHaveLength(1);
    expect(sent[0].content).toMatchObject({ title: expect.stringContaining('转交'), signName: FAKE_PROVIDER_CREDENTIALS.signName });
    await waitForCase(api, caseId, (c) => c.timeline.some((e) => e.type === 'REASSIGN'));
  });
});

describe('/api/me/channels', () => {
  it('lists the inbox and SMS with the masked number; turned off, the person’s SMS are SKIPPED while the inbox still gets them', async () => {
    const cadre = await as(api, 'cadre');
    const listed = await cadre.get('/api/me/channels').expect(200);
    const phone = await phoneOf('cadre');
    expect(listed.body.items).toEqual([
      { channel: 'in-app', label: { zh: '站内通知', en: 'In-app inbox' }, optional: false, enabled: true, address: 'cadre' },
      { channel: 'sms', label: { zh: '短信', en: 'SMS' }, optional: true, enabled: true, address: `${phone.slice(0, 3)}****${phone.slice(-4)}` },
    ]);
    expect((await cadre.patch('/api/me/channels/sms').send({ enabled: false }).expect(200)).body).toMatchObject({ channel: 'sms', enabled: false });

    const caseId = await openCase();
    const row = await settledSms(caseId, 'cadre', 'TASK_ASSIGNED', ['SKIPPED', 'DELIVERED']);
    expect(row).toMatchObject({ status: 'SKIPPED', attempts: 0 });
    expect(fake.messages.filter((m) => m.to === phone)).toHaveLength(1); // the first case's, before turning it off
    await eventually('the inbox notification', async () => {
      const inbox = await cadre.get('/api/me/notifications?pageSize=100').expect(200);
      return inbox.body.items.find((n: { caseId: string; kind: string }) => n.caseId === caseId && n.kind === 'TASK_ASSIGNED');
    });
    expect((await cadre.patch('/api/me/channels/sms').send({ enabled: true }).expect(200)).body.enabled).toBe(true);
  });

  it('refuses what it cannot do, in the error shape: the inbox cannot be turned off (400), no such channel (404), enabled not a boolean (400)', async () => {
    const cadre = await as(api, 'cadre');
    const inApp = await cadre.patch('/api/me/channels/in-app').send({ enabled: false });
    expect(inApp.status).toBe(400);
    expect(inApp.body).toMatchObject({ code: 'CHANNEL.NOT_OPTIONAL', message: '站内通知不能关闭', messageEn: expect.any(String) });
    const unknown = await cadre.patch('/api/me/channels/wecom').send({ enabled: false });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'CHANNEL.UNKNOWN', details: { known: ['in-app', 'sms'] } });
    const bad = await cadre.patch('/api/me/channels/sms').send({ enabled: 'no' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('REQUEST.VALIDATION_FAILED');
  });
});
