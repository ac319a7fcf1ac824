/**
 * Accounts and sessions through the pages only, in headless Chromium at a phone's 390×844,
 * against the app as `npm start` composes it (real Temporal, real PostgreSQL, the demo accounts):
 * the town administrator creates a class teacher, who logs in with the one-time password, is made
 * to change it before anything else, and works; the page renews its session silently when the
 * access token runs out mid-form, and when the session itself has ended asks for the password
 * over the page, so what was typed stays. One app and one browser for the file; screenshots go to
 * test-artifacts/.
 */
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../support/auth';
import { expectNoHorizontalScroll, logInOnPage, screenshot, useBrowserApp } from '../support/browser';
import { expectPhoneFriendly } from '../support/page-checks';
import { eventually } from '../support/eventually';

// The browser logs every failed request: the expired tokens (401) are what these tests provoke, and a taken user name (409) is shown in words.
const suite = useBrowserApp({ expectedStatuses: [400, 401, 403, 409] });

// Functions run in the browser reach document and sessionStorage through globalThis (the tests compile without the DOM's types).
// bypassCSP only so that axe-core can be injected (dashboard.test.ts runs the pages under the real CSP).
const openApp = (name: string) => suite.open('/app', { who: name, bypassCSP: true });

async function adminOnAccounts(): Promise<Page> {
  const page = await openApp('admin');
  await logInOnPage(page, 'admin', DEMO_PASSWORD);
  // The administrator reads no case: its first page after log-in is 账号管理 (web/shell/navigation.js firstPageFor).
  await page.waitForSelector('[data-testid="create-account"]');
  return page;
}

async function fillTeacher(page: Page, username: string, displayName: string): Promise<void> {
  const form = '[data-testid="create-account"]';
  await page.fill(`${form} input[name=username]`, username);
  await page.fill(`${form} input[name=displayName]`, displayName);
  await page.selectOption(`${form} select[name=role]`, 'TEACHER');
  await page.selectOption(`${form} select[name=school]`, 'GULING_PRIMARY');
  await page.fill(`${form} input[name=grade]`, '3');
  await page.fill(`${form} input[name=className]`, '三年级二班');
}

describe('accounts in the browser, phone first', () => {
  let oneTimePassword = '';

  it('the administrator creates a class teacher: the place follows the role, the one-time password is shown once', async () => {
    const page = await adminOnAccounts();
    expect(await page.textContent('[data-testid="accounts"] [data-account="teacher"]')).toContain('故陵小学五年级二班班主任（包班）');
    // The place fields follow the role.
    const form = '[data-testid="create-account"]';
    expect(await page.isHidden(`${form} [data-field=school]`)).toBe(true);
    await page.selectOption(`${form} select[name=role]`, 'TEACHER');
    expect(await page.isVisible(`${form} [data-field=school]`)).toBe(true);
    expect(await page.isHidden(`${form} [data-field=area]`)).toBe(true);
    // Nothing filled: the error summary names each field once, in Chinese.
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector('[data-testid="error-summary"]');
    const summary = await page.textContent('[data-testid="error-summary"]');
    expect(summary).toContain('用户名：请填写用户名');
    expect(summary).toContain('学校：该岗位须填写学校');

    await fillTeacher(page, 'zhang.san', '张三');
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector('[data-testid="one-time-password"]');
    oneTimePassword = (await page.textContent('[data-testid="otp-value"]'))!.trim();
    expect(oneTimePassword).toMatch(/^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$/);
    expect(await page.textContent('[data-testid="one-time-password"]')).toContain('只显示这一次');
    await expectPhoneFriendly(page, 'accounts-created');

    // The same user name again: the API's refusal beside the field.
    await fillTeacher(page, 'zhang.san', '张三');
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector('[data-testid="error-summary"]');
    expect(await page.textContent('[data-field=username] .field-error')).toContain('该用户名已被使用');
  });

  it('the new teacher logs in with it, must change the password first, then works', async () => {
    const page = await openApp('zhang.san');
    await logInOnPage(page, 'zhang.san', oneTimePassword);
    await page.waitForSelector('[data-testid="forced-password-change"]');
    expect(await page.$$eval('#menu a', (links) => links.length)).toBe(0); // nothing else to click until it is done
    // The page a new colleague meets first: axe-core checks it too.
    await expectPhoneFriendly(page, 'accounts-forced-change');

    const form = '[data-testid="forced-password-change"]';
    await page.fill(`${form} input[name=oldPassword]`, oneTimePassword);
    await page.fill(`${form} input[name=newPassword]`, 'sanban-2027-guling');
    await page.fill(`${form} input[name=repeat]`, 'sanban-2027-gulinx');
    await page.click(`${form} button[type=submit]`);
    expect(await page.textContent('[data-testid="error-summary"]')).toContain('两次输入的新密码不一致');
    await page.fill(`${form} input[name=repeat]`, 'sanban-2027-guling');
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector('[data-testid="task-total"]');
    expect(await page.textContent('#who')).toContain('张三');

    // Later, their own password page: the old one is checked by the API.
    await page.click('[data-nav="password"]');
    await page.waitForSelector('[data-testid="own-password"]');
    await page.fill('[data-testid="own-password"] input[name=oldPassword]', 'not-the-password1');
    await page.fill('[data-testid="own-password"] input[name=newPassword]', 'erban-2028-guling');
    await page.fill('[data-testid="own-password"] input[name=repeat]', 'erban-2028-guling');
    await page.click('[data-testid="own-password"] button[type=submit]');
    await page.waitForSelector('[data-testid="error-summary"]');
    expect(await page.textContent('[data-field=oldPassword] .field-error')).toContain('原密码不正确');
    await page.fill('[data-testid="own-password"] input[name=oldPassword]', 'sanban-2027-guling');
    await page.click('[data-testid="own-password"] button[type=submit]');
    await page.waitForSelector('[data-testid="password-changed"]');
    await screenshot(page, 'accounts-own-password');
  });

  it('the administrator switches the account off and resets its password from its page', async () => {
    const page = await adminOnAccounts();
    await page.click('[data-testid="accounts"] [data-account="zhang.san"] a');
    await page.waitForSelector('[data-testid="edit-account"]');
    await page.click('[data-testid="toggle-active"]');
    await page.click('[data-testid="check-answers"] [data-testid="confirm"]');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-testid="active"]')?.textContent === '已停用');
    await page.click('[data-testid="toggle-active"]');
    await page.click('[data-testid="check-answers"] [data-testid="confirm"]');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-testid="active"]')?.textContent === '在用');
    await page.click('[data-testid="reset-password"]');
    await page.click('[data-testid="check-answers"] [data-testid="confirm"]');
    await page.waitForSelector('[data-testid="one-time-password"]');
    await expectNoHorizontalScroll(page);
    await screenshot(page, 'accounts-reset');
  });
});

describe('where an account’s notifications go', () => {
  it('the administrator enters a mobile number and a WeCom userid on the account’s page: a wrong number is named in the error summary, a right one saved and shown', async () => {
    const page = await adminOnAccounts();
    await page.click('[data-testid="accounts"] [data-account="zhang.san"] a');
    await page.waitForSelector('[data-testid="edit-account"]');
    expect(await page.textContent('[data-testid="contact"]')).toBe('只有站内通知');
    const form = '[data-testid="edit-account"]';
    await page.fill(`${form} input[name=phone]`, '12345678901');
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector('[data-testid="error-summary"]');
    expect(await page.textContent('[data-testid="error-summary"]')).toContain('手机号：须为 11 位大陆手机号');
    await page.fill(`${form} input[name=phone]`, '13912345678');
    await page.fill(`${form} input[name=wecomUserId]`, 'ZhangSan');
    await page.click(`${form} button[type=submit]`);
    await page.waitForFunction(() => /13912345678/.test((globalThis as any).document.querySelector('[data-testid="contact"]')?.textContent ?? ''));
    expect(await page.textContent('[data-testid="contact"]')).toBe('短信 13912345678，企业微信 ZhangSan');
    await expectPhoneFriendly(page, 'accounts-contact');
  });
});

describe('sessions in the browser', () => {
  it('an access token that ran out mid-form is renewed silently: what was typed is sent, the refresh token rotated', async () => {
    const page = await adminOnAccounts();
    await fillTeacher(page, 'li.si', '李四');
    const before = await page.evaluate(() => (globalThis as any).sessionStorage.getItem('baoxue.refresh'));
    // The access token is no longer good (as after 15 minutes); the refresh token still is.
    await page.evaluate(() => (globalThis as any).sessionStorage.setItem('baoxue.token', 'expired.access.token'));
    await page.click('[data-testid="create-account"] button[type=submit]');
    await page.waitForSelector('[data-testid="one-time-password"]');
    expect(await page.textContent('[data-testid="one-time-password"]')).toContain('李四（li.si）');
    expect(await page.isHidden('[data-testid="relogin"]').catch(() => true)).toBe(true);
    const after = await page.evaluate(() => (globalThis as any).sessionStorage.getItem('baoxue.refresh'));
    expect(after).not.toBe(before);
  });

  it('the page renews before the access token runs out, without any request failing', async () => {
    const page = await adminOnAccounts();
    const before = await page.evaluate(() => (globalThis as any).sessionStorage.getItem('baoxue.token'));
    // Say the token runs out in 61 s: the renewal is due at once. Reloading plans it from the stored expiry.
    await page.evaluate(() => (globalThis as any).sessionStorage.setItem('baoxue.expires', String(Date.now() + 61_000)));
    await page.reload();
    await page.waitForFunction((old) => (globalThis as any).sessionStorage.getItem('baoxue.token') !== old, before);
  });

  it('a session that has ended asks for the password over the page: the half-filled form stays and is sent after', async () => {
    const page = await adminOnAccounts();
    await fillTeacher(page, 'wang.wu', '王五');
    await page.evaluate(() => {
      (globalThis as any).sessionStorage.setItem('baoxue.token', 'expired.access.token');
      (globalThis as any).sessionStorage.setItem('baoxue.refresh', 'A'.repeat(43)); // revoked, or past the working day
    });
    await page.click('[data-testid="create-account"] button[type=submit]');
    await page.waitForSelector('[data-testid="relogin"]');
    expect(await page.inputValue('[data-testid="create-account"] input[name=displayName]')).toBe('王五');
    await page.fill('[data-testid="login-again-form"] input[name=password]', DEMO_PASSWORD);
    await page.click('[data-testid="login-again-form"] button[type=submit]');
    await page.waitForSelector('[data-testid="one-time-password"]');
    expect(await page.textContent('[data-testid="one-time-password"]')).toContain('王五（wang.wu）');
    await screenshot(page, 'accounts-relogin-kept-form');
  });

  it('logging out ends the session on the server too', async () => {
    const page = await adminOnAccounts();
    const refreshToken = await page.evaluate(() => (globalThis as any).sessionStorage.getItem('baoxue.refresh'));
    await page.click('#logout');
    await page.waitForSelector('[data-testid="login-form"]');
    // The page does not wait for the log-out call: look for its row in the audit log.
    await eventually('the log-out reaches the API', async () => {
      const [row] = await suite.db.dataSource.query(`SELECT 1 FROM audit_log WHERE what = 'LOGOUT' AND username = 'admin' AND status = 204`);
      return row;
    }, 10_000);
    const res = await fetch(`${suite.app.apiUrl}/api/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }) });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { details: unknown }).details).toEqual({ reason: 'REVOKED' });
  });
});
