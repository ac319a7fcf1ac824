/**
 * Each role's day through the pages only (issue 11), in headless Chromium at a phone's 390×844,
 * against the app as `npm start` composes it (real Temporal, real PostgreSQL, the demo town's
 * twelve cases). The policy is the default one but for the order to correct, whose window is a
 * few seconds, so a case reaches the justice office while the file runs. One app and one browser
 * for the file; every page is checked with axe-core (no serious or critical violation) and for
 * horizontal scroll; screenshots go to test-artifacts/.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { DEMO_PASSWORD, as } from '../support/auth';
import { PHONE, logInOnPage, screenshot, useBrowserApp } from '../support/browser';
import { expectPhoneFriendly } from '../support/page-checks';
import { validIdNumber } from '../support/fixtures';
import { waitForCase } from '../support/running-app';

let reportedCaseId = '';

const suite = useBrowserApp({
  config: () => {
    const policy = JSON.parse(readFileSync(loadConfig({}).policyPath, 'utf8'));
    policy.version = `${policy.version}-browser`;
    policy.stages.CORRECTION_DEADLINE.window = '4s';
    const dir = mkdtempSync(join(tmpdir(), 'baoxue-casework-'));
    writeFileSync(join(dir, 'policy.json'), JSON.stringify(policy));
    return { policyPath: join(dir, 'policy.json'), seedDemoCases: true };
  },
  // The pages show the API's refusals in words: 401 of an expired session, 400/409 refusals.
  expectedStatuses: [400, 401, 409],
});

/** /app as `username`, logged in through the page; waits for the first page (my tasks). */
const appAs = (username: string, viewport = PHONE) => suite.appAs(username, { viewport, bypassCSP: true });

const text = (page: Page, testid: string) => page.textContent(`[data-testid="${testid}"]`);
const chinaDay = (offsetDays = 0) => new Date(Date.now() + 8 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);

async function openCaseFromTasks(page: Page, childName: string): Promise<void> {
  await page.click(`[data-testid="tasks"] a:text("${childName}")`);
  await page.waitForSelector('[data-testid="case-stage"]');
}

async function confirm(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="check-answers"]');
  await page.click('[data-testid="check-answers"] [data-testid="confirm"]');
}

describe('a day’s casework in the browser, phone first', () => {
  it('a principal reports a child: registry look-up, the ID number checked as typed, the error summary, check answers, the case opened', async () => {
    const page = await appAs('principal');
    await page.click('[data-nav="report"]');
    await page.waitForSelector('[data-testid="lookup-form"]');
    await page.fill('[data-testid="lookup-form"] input[name=q]', '孙小林');
    await page.click('[data-testid="lookup-form"] button[type=submit]');
    await page.waitForFunction(() => /名册中没有找到/.test((globalThis as any).document.querySelector('[data-testid="lookup-results"]').textContent));
    expect(await page.inputValue('input[name="child.name"]')).toBe('孙小林'); // carried over from the look-up

    // A wrong check digit is named as it is typed; the right number tells birth date, sex and age.
    const good = validIdNumber('2014-03-01', 'M');
    await page.fill('input[name="child.idNumber"]', good.slice(0, 17) + (good[17] === '1' ? '2' : '1'));
    expect(await page.textContent('[data-field="child.idNumber"] .field-error')).toContain('校验位不正确');
    await page.fill('input[name="child.idNumber"]', good);
    expect(await page.isHidden('[data-field="child.idNumber"] .field-error')).toBe(true);
    expect(await text(page, 'id-facts')).toContain('出生日期 2014-03-01，男');
    await page.selectOption('select[name="child.school"]', 'GULING_PRIMARY');
    await page.selectOption('select[name="child.grade"]', '5');
    await page.fill('input[name="child.className"]', '五年级二班');
    await page.selectOption('select[name="child.area"]', 'GAOPING');

    // Missing answers: the error summary, focused, one link per field, worded as beside the field.
    await page.click('[data-testid="report-form"] button[type=submit]');
    await page.waitForSelector('[data-testid="error-summary"]');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement.dataset.testid)).toBe('error-summary');
    const summary = await page.locator('[data-testid="error-summary"] li').allTextContents();
    expect(summary).toEqual(['请填写监护人 1 姓名', '请填写监护人 1 电话', '请填写监护人 1 与儿童关系', '请填写辍学原因']);
    expect(await page.textContent('[data-field="cause"] .field-error')).toBe('请填写辍学原因');
    await expectPhoneFriendly(page, 'app-report-errors');

    await page.fill('input[name="child.guardians.0.name"]', '孙大海');
    await page.fill('input[name="child.guardians.0.phone"]', '13800001111');
    await page.fill('input[name="child.guardians.0.relation"]', '父亲');
    await page.selectOption('select[name="cause"]', 'GUARDIAN_REFUSES');
    await page.fill('textarea[name="note"]', '开学两周未到校');
    await page.click('[data-testid="report-form"] button[type=submit]');
    await page.waitForSelector('[data-testid="check-answers"]');
    expect(await text(page, 'check-answers')).toContain('孙大海（父亲）13800001111');
    await screenshot(page, 'app-report-check-answers');
    await confirm(page);
    await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-testid="case-stage"]')?.textContent === '家访');
    expect(await text(page, 'action-message')).toContain('已立案');
    reportedCaseId = decodeURIComponent(new URL(page.url()).hash.split('/')[2].split('?')[0]);
    expect(reportedCaseId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('the class teacher records the home visit on a phone: a day in the future is refused on the page, an expired session asks to log in again and keeps what was typed', async () => {
    const page = await appAs('teacher');
    await openCaseFromTasks(page, '孙小林');
    const form = 'form[data-action="RECORD_HOME_VISIT"]';
    expect(await page.isVisible(form)).toBe(true); // the stage's own work opens first
    await page.selectOption(`${form} select[name=outcome]`, 'NOT_RETURNED');
    await page.fill(`${form} input[name=visitedOn]`, chinaDay(1));
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector(`${form} [data-testid="error-summary"]`);
    expect(await page.textContent(`${form} [data-testid="error-summary"] li`)).toBe('家访日期不能晚于今天');

    await page.fill(`${form} input[name=visitedOn]`, chinaDay());
    expect(await page.textContent(`${form} .date-words`)).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日（星期[日一二三四五六]）$/);
    await page.fill(`${form} textarea[name=note]`, '家长外出务工，孩子在家');
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector('[data-testid="check-answers"]');
    await expectPhoneFriendly(page, 'app-home-visit-check-answers');

    // The session expires before the confirmation: the log-in dialog opens over the form, and the action is sent after.
    // The session has ended (no refresh token left to renew it with, test/browser/accounts.test.ts covers the silent renewal).
    await page.evaluate(() => {
      (globalThis as any).sessionStorage.setItem('baoxue.token', 'expired.token.value');
      (globalThis as any).sessionStorage.removeItem('baoxue.refresh');
    });
    await page.click('[data-testid="check-answers"] [data-testid="confirm"]');
    await page.waitForSelector('[data-testid="relogin"] [data-testid="login-again-form"]');
    expect(await page.inputValue('[data-testid="relogin"] input[name=username]')).toBe('teacher');
    expect(await page.inputValue(`${form} textarea[name=note]`)).toBe('家长外出务工，孩子在家');
    await screenshot(page, 'app-session-expired');
    await page.fill('[data-testid="relogin"] input[name=password]', DEMO_PASSWORD);
    await page.click('[data-testid="relogin"] button[type=submit]');
    await page.waitForSelector('[data-testid="action-message"].ok');
    expect(await text(page, 'action-message')).toContain('家访 → 劝返');
    expect(await text(page, 'case-stage')).toBe('劝返');
    const c = await waitForCase(suite.app.apiUrl!, reportedCaseId, (x) => x.stage === 'PERSUASION');
    expect(c.timeline.filter((e) => e.type === 'RECORD_HOME_VISIT')).toHaveLength(1); // sent once
    await screenshot(page, 'app-home-visit-recorded');

    // Logging out and in as somebody else lands on their first page, never on this case.
    await page.click('#logout');
    await logInOnPage(page, 'secretary', DEMO_PASSWORD);
    await page.waitForSelector('[data-testid="task-total"]');
    expect(new URL(page.url()).hash).toBe('#/tasks');
    expect(await page.locator('[data-testid="case-title"]').count()).toBe(0);
  });

  it('the town official issues the order to correct, then issues, previews and downloads the notice', async () => {
    const page = await appAs('town');
    await openCaseFromTasks(page, '刘小东');
    expect(await text(page, 'case-stage')).toBe('批评教育');
    const form = 'form[data-action="ISSUE_CORRECTION_ORDER"]';
    await page.fill(`${form} textarea[name=note]`, '已当面批评教育');
    await page.click(`${form} button[type=submit]`);
    await confirm(page);
    await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-testid="case-stage"]')?.textContent === '责令限期改正');
    await page.click('[data-issue="CORRECTION_ORDER"]');
    await page.waitForFunction(() => /已制发：责令限期改正通知书/.test((globalThis as any).document.querySelector('[data-testid="document-message"]')?.textContent ?? ''));
    await page.click('[data-preview="CORRECTION_ORDER"]');
    const frame = page.frameLocator('[data-testid="document-preview"] iframe');
    await frame.locator('body').waitFor();
    expect(await frame.locator('body').textContent()).toContain('责令限期改正通知书');
    const download = page.waitForEvent('download');
    await page.click('[data-download="CORRECTION_ORDER"]');
    expect((await download).suggestedFilename()).toMatch(/^责令限期改正通知书-.*\.pdf$/);
    await expectPhoneFriendly(page, 'app-correction-order');
  });

  it('the justice office issues the judicial document once the time to correct has passed', async () => {
    const town = await as(suite.app.apiUrl!, 'town');
    const listed = await town.get('/api/cases?area=QIAOTING&open=true').expect(200);
    const zhao = listed.body.items.find((c: { child: { name: string } }) => c.child.name === '赵小梅');
    await waitForCase(suite.app.apiUrl!, zhao.id, (c) => c.stage === 'JUDICIAL_DOCUMENT');
    const page = await appAs('justice');
    await openCaseFromTasks(page, '赵小梅');
    const form = 'form[data-action="ISSUE_JUDICIAL_DOCUMENT"]';
    await page.click(`${form} button[type=submit]`); // empty: the summary names the number
    await page.waitForSelector(`${form} [data-testid="error-summary"]`);
    expect(await page.textContent(`${form} [data-testid="error-summary"] li`)).toBe('请填写司法文书编号');
    await page.fill(`${form} input[name=documentNumber]`, '故司督〔2026〕1号');
    await page.fill(`${form} input[name=issuedOn]`, chinaDay());
    await page.click(`${form} button[type=submit]`);
    await confirm(page);
    await page.waitForSelector('[data-testid="action-message"].ok');
    expect(await text(page, 'action-message')).toContain('已记录');
    await page.click('[data-issue="JUDICIAL_COVER"]');
    await page.waitForFunction(() => /已制发：司法文书送达封面/.test((globalThis as any).document.querySelector('[data-testid="document-message"]')?.textContent ?? ''));
    const download = page.waitForEvent('download');
    await page.click('[data-testid="evidence-pack"]');
    expect((await download).suggestedFilename()).toBe(`证据链-${zhao.id}.pdf`);
    await expectPhoneFriendly(page, 'app-judicial-document');
  });

  it('a coordinator reassigns three tasks at once from the town’s list, filtered by area', async () => {
    const page = await appAs('coordinator');
    await page.click('[data-testid="scope-town"]');
    await page.waitForSelector('[data-testid="task-filters"]', { state: 'attached' });
    await page.click('.filter-box > summary');
    await page.selectOption('[data-testid="task-filters"] select[name=area]', 'GAOPING');
    await page.click('[data-testid="task-filters"] button[type=submit]');
    await page.waitForFunction(() => /area=GAOPING/.test((globalThis as any).location.hash) && (globalThis as any).document.querySelectorAll('[data-testid="tasks"] li').length > 0);
    const names = await page.locator('[data-testid="tasks"] li a').allTextContents();
    expect(names.length).toBeGreaterThanOrEqual(3);
    for (const box of (await page.locator('[data-testid="tasks"] li input.pick').all()).slice(0, 3)) await box.check();
    expect(await text(page, 'selected-count')).toBe('已选 3 件');
    await page.fill('[data-testid="bulk-reassign"] input[name=assignee]', 'secretary');
    await page.fill('[data-testid="bulk-reassign"] textarea[name=reason]', '驻村干部调整');
    await page.click('[data-testid="bulk-reassign"] button[type=submit]');
    await confirm(page);
    await page.waitForSelector('[data-testid="reassign-summary"]');
    expect(await text(page, 'reassign-summary')).toBe('已转交 3 / 3 件');
    await expectPhoneFriendly(page, 'app-bulk-reassign');
    const secretary = await as(suite.app.apiUrl!, 'secretary');
    const held = (await secretary.get('/api/me/tasks?pageSize=100').expect(200)).body.items.filter((t: { reassignedBy: string | null }) => t.reassignedBy);
    expect(new Set(held.map((t: { caseId: string }) => t.caseId)).size).toBe(3);
  });

  it('the account administrator starts on the accounts page, with no tasks or dashboard in the menu', async () => {
    const page = await suite.appAs('admin', { bypassCSP: true, waitFor: '[data-testid="accounts"]' });
    expect(await page.$$eval('#menu a', (links) => links.map((a) => a.getAttribute('data-nav')))).toEqual(['accounts', 'password']);
    await expectPhoneFriendly(page, 'app-accounts');
  });

  it('the leader drills from the dashboard into an area and a case', async () => {
    const page = await suite.open('/dashboard', { who: 'leader', bypassCSP: true });
    await logInOnPage(page, 'leader', DEMO_PASSWORD);
    await page.waitForSelector('body[data-ready]');
    await expectPhoneFriendly(page, 'dashboard-phone');
    await page.click('[data-cell="GAOPING:PERSUASION"] a');
    await page.waitForSelector('[data-testid="case-list"] tbody tr');
    await page.click('[data-testid="case-list"] tbody tr a');
    await page.waitForSelector('[data-testid="timeline"] li');
    expect(await text(page, 'case-title')).toBeTruthy();
    await expectPhoneFriendly(page, 'dashboard-case');
  });
});
