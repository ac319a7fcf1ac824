/**
 * Offline capture for home visits (issue 11), in headless Chromium at a phone's 390×844 against
 * the app as `npm start` composes it (real Temporal, real PostgreSQL): the class teacher opens a
 * case online, loses the network, reloads the case page (the offline worker answers it from its
 * cache), records the home visit into the queue, and sees it sent once the network is back; the
 * server has it exactly once, also when the answer to the first send was lost. An action queued
 * for a case that somebody else moved on meanwhile is shown refused with the API's reason, and
 * nothing is written. axe-core on each page.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD, as } from '../support/auth';
import { screenshot, useBrowserApp } from '../support/browser';
import { expectPhoneFriendly } from '../support/page-checks';
import { validIdNumber } from '../support/fixtures';
import { reportBody, waitForCase } from '../support/running-app';

// The default policy (days, not seconds): nothing escalates while the tests run. Offline, the browser
// logs each request it could not make; a refusal (409) is shown in words, an ended session (401) asks to log in.
const suite = useBrowserApp({ expectedStatuses: [401, 409], expectedErrors: /ERR_INTERNET_DISCONNECTED|ERR_FAILED/ });

// Functions run in the browser reach `document` through globalThis (the tests compile without the DOM's types).

let children = 0;
/** A case of the teacher's class (五年级二班 of 故陵小学), reported by the principal over the API. */
async function reportedCase(name: string): Promise<string> {
  children += 1;
  const birthDate = `2014-0${children}-1${children}`;
  const principal = await as(suite.app.apiUrl!, 'principal');
  const body = reportBody();
  const res = await principal
    .post('/api/cases')
    .send({ ...body, child: { ...body.child, name, idNumber: validIdNumber(birthDate, 'M'), birthDate, sex: 'M', grade: 5, className: '五年级二班' } })
    .expect(201);
  return res.body.id;
}

/** /app as the class teacher, logged in, the offline worker in control of the page (unless `worker` is false). */
async function teacherPage({ worker = true, indexedDB = true } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const page = await suite.appAs('teacher', {
    // bypassCSP only so that axe-core can be injected (dashboard.test.ts runs the pages under the real CSP).
    bypassCSP: true,
    serviceWorkers: worker ? 'allow' : 'block',
    // A browser without IndexedDB (some private windows).
    setUp: indexedDB ? undefined : (context) => context.addInitScript(() => Object.defineProperty(globalThis, 'indexedDB', { value: undefined })),
    // The worker installs on the first visit, while the teacher types the password.
    beforeLogIn: worker ? (p) => p.waitForFunction(() => (globalThis as any).navigator.serviceWorker.controller !== null) : undefined,
  });
  return { context: page.context(), page };
}

async function openCase(page: Page, childName: string): Promise<void> {
  await page.click(`[data-testid="tasks"] a:text("${childName}")`);
  await page.waitForSelector('[data-testid="case-stage"]');
  await page.waitForSelector('[data-testid="documents"] .buttons'); // its documents read too, so the page opens whole offline
}

/** Records the home visit on the case page (check answers, confirm). */
async function recordHomeVisit(page: Page, note: string): Promise<void> {
  const form = 'form[data-action="RECORD_HOME_VISIT"]';
  await page.selectOption(`${form} select[name=outcome]`, 'NOT_RETURNED');
  await page.fill(`${form} input[name=visitedOn]`, new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10));
  await page.fill(`${form} textarea[name=note]`, note);
  await page.click(`${form} button[type=submit]`);
  await page.waitForSelector('[data-testid="check-answers"]');
  await page.click('[data-testid="check-answers"] [data-testid="confirm"]');
}

const text = (page: Page, selector: string) => page.textContent(selector).then((s) => s ?? '');
const homeVisits = async (caseId: string) => (await waitForCase(suite.app.apiUrl!, caseId, () => true)).timeline.filter((e) => e.type === 'RECORD_HOME_VISIT');

describe('offline capture of a home visit, phone first', () => {
  it('the class teacher reloads the case page offline, records the home visit (pending), and it is sent once when the network returns', async () => {
    const caseId = await reportedCase('钱小川');
    const { context, page } = await teacherPage();
    await openCase(page, '钱小川');

    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector('[data-testid="case-stage"]');
    expect(await text(page, '[data-testid="case-stage"]')).toBe('家访');
    expect(await text(page, '[data-testid="offline-copy"]')).toMatch(/^离线副本：\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} 保存的内容/);
    expect(await page.isVisible('[data-testid="offline-banner"]')).toBe(true);
    expect(await text(page, '[data-testid="offline-banner"]')).toBe('离线 — 记录会在联网后发送');

    await recordHomeVisit(page, '家长外出务工，孩子在家（村里无信号）');
    await page.waitForSelector('[data-testid="case-queue"] [data-testid="queue-entry"][data-status="pending"]');
    expect(await text(page, '[data-testid="action-message"]')).toBe('离线 — 记录会在联网后发送：记录家访');
    expect(await text(page, '[data-testid="case-queue"] [data-testid="queue-status"]')).toBe('待发送');
    expect(await text(page, '[data-testid="outbox-link"]')).toBe('离线记录（待发送 1）');
    await expectPhoneFriendly(page, 'app-offline-pending');
    // The English toggle: the same state in English beside.
    await page.click('[data-testid="lang-toggle"]');
    await page.waitForFunction(() => /Offline — records are sent/.test((globalThis as any).document.querySelector('[data-testid="offline-banner"]').textContent));
    expect(await text(page, '[data-testid="case-queue"] [data-testid="queue-status"]')).toBe('Pending');
    await page.click('[data-testid="lang-toggle"]');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-testid="case-queue"] [data-testid="queue-status"]')?.textContent === '待发送');
    expect(await homeVisits(caseId)).toHaveLength(0); // nothing reached the server

    await context.setOffline(false);
    await page.waitForSelector('[data-testid="case-queue"] [data-testid="queue-entry"][data-status="sent"]');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-testid="case-stage"]')?.textContent === '劝返'); // the case drawn again, as it now is
    expect(await text(page, '[data-testid="action-message"]')).toBe('已发送：记录家访');
    expect(await page.isHidden('[data-testid="offline-banner"]')).toBe(true);
    expect(await page.locator('[data-testid="offline-copy"]').count()).toBe(0);
    await expectPhoneFriendly(page, 'app-offline-sent');

    const visits = await homeVisits(caseId);
    expect(visits).toHaveLength(1);
    expect(visits[0].actor).toContain('五年级二班班主任');
    expect((await waitForCase(suite.app.apiUrl!, caseId, () => true)).stage).toBe('PERSUASION');
  });

  it('a send whose answer was lost is sent again with its key and recorded once', async () => {
    const caseId = await reportedCase('孔小宇');
    // The queue alone, on an open page (the worker would stand between the page and the route below).
    const { page } = await teacherPage({ worker: false });
    await openCase(page, '孔小宇');
    // The request reaches the API and is recorded, but its answer never comes back (the signal dropped).
    let lost = 0;
    const keys: string[] = [];
    await page.route('**/api/cases/*/actions', async (route) => {
      keys.push(route.request().headers()['idempotency-key']);
      if (lost++ > 0) return route.continue();
      await route.fetch().catch((err) => suite.problem(`the first send did not reach the API: ${err}`));
      await route.abort('internetdisconnected');
    });
    await recordHomeVisit(page, '第一次发送没有收到回答');
    await page.waitForSelector('[data-testid="case-queue"] [data-testid="queue-entry"][data-status="pending"]');
    expect(await homeVisits(caseId)).toHaveLength(1); // the server has it already

    await page.click('[data-testid="outbox-link"]');
    await page.waitForSelector('[data-testid="outbox"] [data-testid="send-now"]');
    await page.click('[data-testid="send-now"]');
    await page.waitForSelector('[data-testid="outbox"] [data-testid="queue-entry"][data-status="sent"]');
    expect(await text(page, '[data-testid="outbox"] [data-testid="queue-reason"]')).toContain('阶段：劝返');
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]); // the same Idempotency-Key
    expect(await homeVisits(caseId)).toHaveLength(1); // and still once
    await expectPhoneFriendly(page, 'app-outbox');
  });

  it('an action queued offline for a case that somebody else moved on is shown refused with the reason, and nothing is written', async () => {
    const caseId = await reportedCase('褚小峰');
    const { context, page } = await teacherPage();
    await openCase(page, '褚小峰');
    await context.setOffline(true);
    await recordHomeVisit(page, '家访时孩子不在家');
    await page.waitForSelector('[data-testid="case-queue"] [data-testid="queue-entry"][data-status="pending"]');

    // Meanwhile the coordinator records the child back at school: the home visit no longer fits.
    const coordinator = await as(suite.app.apiUrl!, 'coordinator');
    await coordinator.post(`/api/cases/${caseId}/actions`).send({ type: 'RECORD_RETURN', note: '孩子已回校上课' }).expect(200);

    await context.setOffline(false);
    await page.waitForSelector('[data-testid="case-queue"] [data-testid="queue-entry"][data-status="refused"]');
    expect(await text(page, '[data-testid="case-queue"] [data-testid="queue-status"]')).toBe('被拒绝');
    expect(await text(page, '[data-testid="case-queue"] [data-testid="queue-reason"]')).toMatch(/^原因：案件当前阶段不能进行此操作/);
    await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-testid="case-stage"]')?.textContent === '已复学（跟踪）');
    expect(await text(page, '[data-testid="action-message"]')).toBe('被拒绝：记录家访（原因见下）');
    await expectPhoneFriendly(page, 'app-offline-refused');

    const c = await waitForCase(suite.app.apiUrl!, caseId, () => true);
    expect(c.timeline.filter((e) => e.type === 'RECORD_HOME_VISIT')).toHaveLength(0);
    expect(c.stage).toBe('RETURNED');

    await page.click('[data-testid="outbox-link"]');
    await page.waitForSelector('[data-testid="outbox"] [data-testid="queue-entry"][data-status="refused"]');
    expect(await text(page, '[data-testid="outbox-link"]')).toBe('离线记录');
    await expectPhoneFriendly(page, 'app-outbox-refused');
  });

  it('a token that ran out offline is renewed before the queue is sent; an ended session asks to log in and keeps the queue', async () => {
    const first = await reportedCase('卫小松');
    const second = await reportedCase('蒋小楠');
    const { context, page } = await teacherPage();
    const calls: string[] = [];
    page.on('request', (r) => /\/api\/(auth\/refresh|cases\/[^/]+\/actions)$/.test(new URL(r.url()).pathname) && calls.push(`${r.method()} ${new URL(r.url()).pathname.replace(/[0-9a-f-]{36}/, '<id>')}`));

    // The access token runs out while the teacher is in the village.
    await openCase(page, '卫小松');
    await context.setOffline(true);
    await recordHomeVisit(page, '路上没有信号');
    await page.waitForSelector('[data-testid="case-queue"] [data-testid="queue-entry"][data-status="pending"]');
    await page.evaluate(() => {
      (globalThis as any).sessionStorage.setItem('baoxue.token', 'expired.token.value');
      (globalThis as any).sessionStorage.setItem('baoxue.expires', String(Date.now() - 1000));
    });
    calls.splice(0);
    await context.setOffline(false);
    await page.waitForSelector('[data-testid="case-queue"] [data-testid="queue-entry"][data-status="sent"]');
    expect(calls).toEqual(['POST /api/auth/refresh', 'POST /api/cases/<id>/actions']); // renewed first, then sent once
    expect(await homeVisits(first)).toHaveLength(1);

    // The session itself ends (no refresh token left): the queue waits for a log-in and keeps the entry.
    await page.click('a[href="#/tasks"]');
    await openCase(page, '蒋小楠');
    await context.setOffline(true);
    await recordHomeVisit(page, '家长不在家');
    await page.waitForSelector('[data-testid="case-queue"] [data-testid="queue-entry"][data-status="pending"]');
    await page.evaluate(() => {
      (globalThis as any).sessionStorage.setItem('baoxue.token', 'expired.token.value');
      (globalThis as any).sessionStorage.removeItem('baoxue.refresh');
    });
    await context.setOffline(false);
    await page.waitForSelector('[data-testid="relogin"] [data-testid="login-again-form"]');
    expect(await page.inputValue('[data-testid="relogin"] input[name=username]')).toBe('teacher');
    expect(await page.locator('[data-testid="case-queue"] [data-testid="queue-entry"][data-status="pending"]').count()).toBe(1);
    expect(await homeVisits(second)).toHaveLength(0);
    await screenshot(page, 'app-offline-session-ended');
    await page.fill('[data-testid="relogin"] input[name=password]', DEMO_PASSWORD);
    await page.click('[data-testid="relogin"] button[type=submit]');
    await page.waitForSelector('[data-testid="case-queue"] [data-testid="queue-entry"][data-status="sent"]');
    expect(await homeVisits(second)).toHaveLength(1);
  });

  it('without IndexedDB an action is sent at once, as before the queue', async () => {
    const caseId = await reportedCase('沈小禾');
    const { page } = await teacherPage({ indexedDB: false });
    await openCase(page, '沈小禾');
    await recordHomeVisit(page, '家长外出务工');
    await page.waitForSelector('[data-testid="action-message"].ok');
    expect(await text(page, '[data-testid="action-message"]')).toBe('已记录：记录家访。阶段：家访 → 劝返');
    expect(await page.locator('[data-testid="queue-entry"]').count()).toBe(0);
    expect(await homeVisits(caseId)).toHaveLength(1);
  });
});
