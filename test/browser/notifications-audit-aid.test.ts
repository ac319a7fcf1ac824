/**
 * The pages that follow the work, through the pages only, in headless Chromium at a phone's
 * 390×844, against the app as `npm start` composes it (real Temporal, real PostgreSQL, the demo
 * town's twelve cases): a class teacher's notifications with the unread count in the menu, which
 * follows a notification marked read and one that arrives; the leader's audit log with its filters,
 * pages and the actions in Chinese; the education-aid list, priority groups first; a person turning
 * SMS off for themselves on the notifications page (SMS through the embedded fake provider). axe-core finds no
 * serious or critical violation on each page; screenshots go to test-artifacts/.
 */
import type { Page } from 'playwright-core';
import { as } from '../support/auth';
import { PHONE, useBrowserApp } from '../support/browser';
import { expectPhoneFriendly } from '../support/page-checks';

const suite = useBrowserApp({ config: () => ({ seedDemoCases: true, channels: { sms: { provider: 'fake', dailyCap: 20 }, wecom: { provider: 'off' } } }) });
const appAs = (username: string) => suite.appAs(username, { viewport: PHONE, bypassCSP: true });

const text = (page: Page, testid: string) => page.textContent(`[data-testid="${testid}"]`);
/** The number in the menu's badge (the words for screen readers aside); 0 when there is none. */
const badge = (page: Page) => page.evaluate(() => Number((globalThis as any).document.querySelector('[data-testid="badge-notifications"]')?.firstChild?.textContent ?? 0));

async function unreadOf(username: string): Promise<number> {
  const user = await as(suite.app.apiUrl!, username);
  return (await user.get('/api/me/notifications?unread=true').expect(200)).body.unread;
}

describe('notifications with the unread count in the menu', () => {
  it('the class teacher sees the count, marks one read, and the count follows; a new one shows after the next page', async () => {
    // The demo cases gave the teacher a task (王小军, 五年级二班): its notification is delivered by the outbox.
    let unread = await unreadOf('teacher');
    for (let i = 0; i < 50 && unread === 0; i += 1) {
      await new Promise((r) => setTimeout(r, 200));
      unread = await unreadOf('teacher');
    }
    expect(unread).toBeGreaterThan(0);
    const page = await appAs('teacher');
    await page.waitForFunction((n) => Number((globalThis as any).document.querySelector('[data-testid="badge-notifications"]')?.firstChild?.textContent ?? 0) === n, unread);
    expect(await page.textContent('[data-testid="badge-notifications"]')).toBe(`${unread} 条未读`);

    await page.click('nav a[data-nav="notifications"]');
    await page.waitForSelector('[data-testid="notifications"] li');
    expect(await text(page, 'notification-total')).toContain(`未读 ${unread} 条`);
    const first = page.locator('[data-testid="notifications"] li.unread').first();
    expect(await first.textContent()).toMatch(/新任务|任务/);
    await expectPhoneFriendly(page, 'notifications');
    await first.locator('[data-testid="mark-read"]').click();
    await page.waitForFunction(() => /已标为已读/.test((globalThis as any).document.querySelector('[data-testid="notification-message"]').textContent));
    await page.waitForFunction((n) => Number((globalThis as any).document.querySelector('[data-testid="badge-notifications"]')?.firstChild?.textContent ?? 0) === n, unread - 1);
    expect(await unreadOf('teacher')).toBe(unread - 1);

    // A coordinator hands the teacher's case to the principal and back: the teacher's new notification
    // (任务转交) shows in the count with the next page the teacher opens.
    const coordinator = await as(suite.app.apiUrl!, 'coordinator');
    const listed = await coordinator.get('/api/cases?area=GAOPING&open=true').expect(200);
    const wang = listed.body.items.find((c: { child: { name: string } }) => c.child.name === '王小军');
    for (const assignee of ['principal', 'teacher']) {
      await coordinator.post(`/api/cases/${wang.id}/actions`).send({ type: 'REASSIGN', assignee, reason: '班主任请假后返岗' }).expect(200);
    }
    for (let i = 0; i < 50 && (await unreadOf('teacher')) < unread; i += 1) await new Promise((r) => setTimeout(r, 200));
    await page.click('nav a[data-nav="tasks"]');
    await page.waitForFunction((n) => Number((globalThis as any).document.querySelector('[data-testid="badge-notifications"]')?.firstChild?.textContent ?? 0) === n, unread);
    expect(await badge(page)).toBe(unread);
  });
});

describe('the channels on the notifications page', () => {
  it('the cadre sees the inbox (always on) and SMS with the masked number, turns SMS off with a confirmation in words, and the API says it is off', async () => {
    const page = await appAs('cadre');
    await page.click('nav a[data-nav="notifications"]');
    await page.waitForSelector('[data-testid="channels"]');
    expect(await page.isDisabled('[data-testid="channel-in-app"]')).toBe(true);
    expect(await page.isChecked('[data-testid="channel-in-app"]')).toBe(true);
    expect(await page.isChecked('[data-testid="channel-sms"]')).toBe(true);
    expect(await text(page, 'channels')).toMatch(/短信 · 138\*\*\*\*\d{4}/);
    await expectPhoneFriendly(page, 'notifications-channels');
    await page.click('label[for="channel-sms"]');
    await page.waitForFunction(() => /已关闭短信/.test((globalThis as any).document.querySelector('[data-testid="channel-message"]').textContent));
    const cadre = await as(suite.app.apiUrl!, 'cadre');
    const channels = (await cadre.get('/api/me/channels').expect(200)).body.items;
    expect(channels.find((c: { channel: string }) => c.channel === 'sms')).toMatchObject({ enabled: false });
    await page.reload();
    await page.waitForSelector('[data-testid="channels"]');
    expect(await page.isChecked('[data-testid="channel-sms"]')).toBe(false);
  });
});

describe('the audit log for the leading group', () => {
  it('the leader reads it in Chinese words, filters by kind and user, and pages through it', async () => {
    // The leader's own reads are in it too: enough of them for more than one page.
    const leader = await as(suite.app.apiUrl!, 'leader');
    for (let i = 0; i < 25; i += 1) await leader.get('/api/dashboard/headline').expect(200);
    const page = await appAs('leader');
    await page.click('nav a[data-nav="audit"]');
    await page.waitForSelector('[data-testid="audit-entries"] li');
    const total = Number((await text(page, 'audit-total'))!.match(/共 (\d+) 条/)![1]);
    expect(total).toBeGreaterThan(20); // the test's own requests: more than one page
    expect(await page.locator('[data-testid="audit-entries"] li').count()).toBe(20);
    expect(await text(page, 'page-of')).toBe(`第 1 / ${Math.ceil(total / 20)} 页`);
    // The newest first: the leader's log-in on this page is on the first page, in words.
    const top = await page.locator('[data-testid="audit-entries"] li').allTextContents();
    expect(top.some((row) => row.startsWith('登录 · ') && row.includes('leader · 组长') && row.includes('POST /api/auth/login · 成功（'))).toBe(true);
    await expectPhoneFriendly(page, 'audit');

    await page.click('[data-testid="next-page"]');
    await page.waitForFunction(() => /page=2/.test((globalThis as any).location.hash) && /第 2 \//.test((globalThis as any).document.querySelector('[data-testid="page-of"]')?.textContent ?? ''));

    await page.click('.filter-box > summary');
    await page.selectOption('[data-testid="audit-filters"] select[name=what]', 'LOGIN');
    await page.fill('[data-testid="audit-filters"] input[name=username]', 'teacher');
    await page.click('[data-testid="audit-filters"] button[type=submit]');
    await page.waitForFunction(() => /what=LOGIN/.test((globalThis as any).location.hash) && (globalThis as any).document.querySelector('[data-testid="audit-entries"]'));
    const rows = await page.locator('[data-testid="audit-entries"] li').allTextContents();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatch(/^登录 · .*teacher · 班主任/);
    // The kinds of the filter are the API's, each in words.
    const kinds = await page.locator('[data-testid="audit-filters"] select[name=what] option').allTextContents();
    expect(kinds).toEqual(expect.arrayContaining(['登录', '查看案件', '办理案件', '更正儿童信息', '重置密码']));

    // A case id that is not one: said on the page, before asking.
    await page.fill('[data-testid="audit-filters"] input[name=caseId]', '12345');
    await page.click('[data-testid="audit-filters"] button[type=submit]');
    expect(await text(page, 'error-summary')).toContain('案件编号：格式不正确');

    // English under the toggle: the kinds too.
    await page.click('[data-testid="lang-toggle"]');
    await page.waitForSelector('h2:has-text("Audit log")');
    expect(await page.locator('[data-testid="audit-entries"] li').first().textContent()).toMatch(/^Logged in · \d{4}-\d{2}-\d{2} \d{2}:\d{2}teacher · Class teacher/);
  });
});

describe('the town-wide education-aid list', () => {
  it('the coordinator sees the pending aid, priority groups first, and opens the case from it', async () => {
    const coordinator = await as(suite.app.apiUrl!, 'coordinator');
    // 周小燕 (因贫) has the demo's pending aid; flag her left-behind so she is in a priority group.
    const found = (await coordinator.get(`/api/children?q=${encodeURIComponent('周小燕')}`).expect(200)).body.items[0];
    await coordinator.patch(`/api/children/${found.id}`).send({ isLeftBehind: true }).expect(200);

    const page = await appAs('coordinator');
    await page.click('nav a[data-nav="education-aid"]');
    await page.waitForSelector('[data-testid="aid-list"] li');
    const first = await page.locator('[data-testid="aid-list"] li').first().textContent();
    expect(first).toContain('周小燕');
    expect(first).toContain('留守儿童');
    expect(first).toContain('办理中');
    await expectPhoneFriendly(page, 'education-aid');

    await page.selectOption('[data-testid="aid-filter"] select[name=outcome]', 'GRANTED');
    await page.waitForFunction(() => /outcome=GRANTED/.test((globalThis as any).location.hash) && /共 0 项/.test((globalThis as any).document.querySelector('[data-testid="aid-total"]')?.textContent ?? ''));
    await page.selectOption('[data-testid="aid-filter"] select[name=outcome]', 'PENDING');
    await page.waitForSelector('[data-testid="aid-list"] li');
    await page.click('[data-testid="aid-list"] li a:text("周小燕")');
    await page.waitForSelector('[data-testid="support"] li');
    expect(await text(page, 'case-title')).toBe('周小燕');
  });
});
