/**
 * The children registry (web/registry, #/registry) through the pages only, in headless Chromium at a
 * phone's 390×844, against the app as `npm start` composes it (real Temporal, real PostgreSQL, the
 * demo town's twelve cases): a coordinator finds children, registers one (the error summary first,
 * then the ID number checked as typed), filters by a flag, corrects the child's class and flags, and
 * opens a child's case from its page, where the responsibility chain names who is on it; the leader
 * reads the same child masked and cannot change it. axe-core finds no serious or critical violation
 * on each page; screenshots go to test-artifacts/.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, PHONE, useBrowserApp } from '../support/browser';
import { expectPhoneFriendly } from '../support/page-checks';
import { validIdNumber } from '../support/fixtures';

// The API's refusals the tests provoke, shown in words: a phone it refuses (400), a second registration of one ID number (409); the browser logs each failed request.
const suite = useBrowserApp({ config: () => ({ seedDemoCases: true }), expectedStatuses: [400, 409] });
const appAs = (username: string) => suite.appAs(username, { viewport: PHONE, bypassCSP: true });

const NEW_CHILD = { name: '钱小雨', idNumber: validIdNumber('2014-05-01', 'F') };
let newChildId = '';

const text = (page: Page, testid: string) => page.textContent(`[data-testid="${testid}"]`);

async function childRow(idNumber: string): Promise<{ id: string; class_name: string; is_left_behind: boolean; is_registered_poor: boolean } | undefined> {
  const [row] = await suite.db.dataSource.query(`SELECT id, class_name, is_left_behind, is_registered_poor FROM children WHERE id_number = $1`, [idNumber]);
  return row;
}

/** The new child's details but the ID number and flags, on the registration form. */
async function fillNewChild(page: Page): Promise<void> {
  const form = '[data-testid="new-child-form"]';
  await page.fill(`${form} input[name=name]`, NEW_CHILD.name);
  await page.selectOption(`${form} select[name=school]`, 'GULING_PRIMARY');
  await page.selectOption(`${form} select[name=grade]`, '6');
  await page.fill(`${form} input[name=className]`, '六年级一班');
  await page.selectOption(`${form} select[name=area]`, 'LANCAO');
  await page.fill(`${form} input[name="guardians.0.name"]`, '钱大江');
  await page.fill(`${form} input[name="guardians.0.phone"]`, '13800002222');
  await page.fill(`${form} input[name="guardians.0.relation"]`, '祖父');
}

describe('the children registry, phone first', () => {
  it('a coordinator finds the demo children, by name too', async () => {
    const page = await appAs('coordinator');
    await page.click('nav a[data-nav="registry"]');
    await page.waitForSelector('[data-testid="children"] li');
    expect(await text(page, 'registry-total')).toBe('共 12 名儿童');
    // ID numbers are masked in the list, for every role.
    expect(await page.locator('[data-testid="children"] li').first().textContent()).toMatch(/\d{6}\*{8}[\dX]{4}/);
    await expectPhoneFriendly(page, 'registry-list');

    await page.fill('[data-testid="registry-filters"] input[name=q]', '王小');
    await page.click('[data-testid="registry-filters"] button[type=submit]');
    await page.waitForFunction(() => /q=/.test((globalThis as any).location.hash) && (globalThis as any).document.querySelector('[data-testid="registry-total"]'));
    expect(await page.locator('[data-testid="children"] li a').first().textContent()).toBe('王小军');
    expect(await text(page, 'registry-total')).toBe('共 1 名儿童');
  });

  it('a coordinator registers a child: the error summary first, the ID number checked as typed, then the child’s page with its flag', async () => {
    const page = await appAs('coordinator');
    await page.click('nav a[data-nav="registry"]');
    await page.click('[data-testid="new-child"]');
    const form = '[data-testid="new-child-form"]';
    await page.waitForSelector(form);
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector('[data-testid="error-summary"]');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement.dataset.testid)).toBe('error-summary');
    const summary = await page.locator('[data-testid="error-summary"] li').allTextContents();
    expect(summary).toEqual(expect.arrayContaining(['请填写儿童姓名', '请填写身份证号码', '请填写学校', '请填写监护人 1 电话']));
    await expectPhoneFriendly(page, 'registry-new-errors');

    // A wrong check digit is named as it is typed.
    const good = NEW_CHILD.idNumber;
    await page.fill(`${form} input[name=idNumber]`, good.slice(0, 17) + (good[17] === '1' ? '2' : '1'));
    expect(await page.textContent(`${form} [data-field=idNumber] .field-error`)).toContain('校验位不正确');
    await page.fill(`${form} input[name=idNumber]`, good);
    expect(await text(page, 'id-facts')).toBe('出生日期 2014-05-01，女');
    await page.selectOption(`${form} select[name=school]`, 'GULING_PRIMARY');
    // The grades follow the school: 故陵小学 has 1 to 6.
    expect(await page.locator(`${form} select[name=grade] option`).allTextContents()).toEqual(['请选择', '1 年级', '2 年级', '3 年级', '4 年级', '5 年级', '6 年级']);
    await fillNewChild(page);
    await page.check(`${form} input[name=isLeftBehind]`);
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector('[data-testid="child-message"]');
    expect(await text(page, 'child-message')).toBe('已登记。');
    expect(await text(page, 'child-name')).toBe(NEW_CHILD.name);
    const details = await text(page, 'child-details');
    expect(details).toContain('留守儿童');
    expect(details).toContain(good); // the coordinator sees the full identity
    expect(details).toContain('钱大江（祖父）13800002222');
    expect(await page.locator('[data-testid="child-cases"]').count()).toBe(0); // no case yet
    expect(await page.textContent('main')).toContain('没有案件');
    await expectPhoneFriendly(page, 'registry-child');
    const stored = await childRow(good);
    expect(stored).toMatchObject({ class_name: '六年级一班', is_left_behind: true, is_registered_poor: false });
    newChildId = stored!.id;
    expect(new URL(page.url()).hash).toBe(`#/registry/${newChildId}?saved=created`);

    // The same ID number again: the API's refusal, in words, with the way to the child on file.
    await page.click('a:text("← 儿童名册")');
    await page.click('[data-testid="new-child"]');
    await page.fill(`${form} input[name=idNumber]`, good);
    await fillNewChild(page);
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector('[data-testid="already-registered"] a');
    expect(await text(page, 'error-summary')).toContain('已在本镇儿童名册中');
    await page.click('[data-testid="already-registered"] a');
    await page.waitForFunction((id) => (globalThis as any).location.hash === `#/registry/${id}`, newChildId);
  });

  it('filters by a flag, then corrects the child’s class and flags', async () => {
    expect(newChildId).not.toBe('');
    const page = await appAs('coordinator');
    await page.click('nav a[data-nav="registry"]');
    await page.waitForSelector('[data-testid="registry-filters"]');
    // The flags are the API's own list (GET /api/dashboard/vocabulary), one checkbox each.
    const flagLabels = await page.locator('[data-testid="filter-flags"] label').allTextContents();
    expect(flagLabels).toEqual(expect.arrayContaining(['留守儿童', '建档立卡贫困户']));
    await page.click('[data-testid="registry-filters"] .filter-box > summary');
    await page.check('[data-testid="filter-flags"] input[name=isLeftBehind]');
    await page.click('[data-testid="registry-filters"] button[type=submit]');
    await page.waitForFunction(() => /flags=isLeftBehind/.test((globalThis as any).location.hash));
    await page.waitForSelector('[data-testid="children"] li');
    expect(await page.locator('[data-testid="children"] li a').allTextContents()).toEqual([NEW_CHILD.name]);
    await expectPhoneFriendly(page, 'registry-filtered');

    await page.click(`[data-testid="children"] li a:text("${NEW_CHILD.name}")`);
    await page.click('[data-testid="edit-child"]');
    const form = '[data-testid="edit-child-form"]';
    await page.waitForSelector(form);
    expect(await page.inputValue(`${form} input[name=className]`)).toBe('六年级一班');
    expect(await page.isChecked(`${form} input[name=isLeftBehind]`)).toBe(true);
    await page.fill(`${form} input[name=className]`, '六年级二班');
    await page.uncheck(`${form} input[name=isLeftBehind]`);
    await page.check(`${form} input[name=isRegisteredPoor]`);
    // A phone the API refuses: its message beside the field.
    await page.fill(`${form} input[name="guardians.0.phone"]`, '12345');
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector(`${form} [data-field="guardians.0.phone"].has-error`);
    await expectPhoneFriendly(page, 'registry-edit-refused');
    await page.fill(`${form} input[name="guardians.0.phone"]`, '023-55123456');
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector('[data-testid="child-message"]');
    expect(await text(page, 'child-message')).toBe('已保存更正。');
    const details = await text(page, 'child-details');
    expect(details).toContain('建档立卡贫困户');
    expect(details).not.toContain('留守儿童');
    expect(await childRow(NEW_CHILD.idNumber)).toMatchObject({ class_name: '六年级二班', is_left_behind: false, is_registered_poor: true });
  });

  it('a child’s page lists its cases; the case page names who is on each post of the responsibility chain', async () => {
    const page = await appAs('coordinator');
    await page.click('nav a[data-nav="registry"]');
    await page.click('[data-testid="children"] li a:text("王小军")');
    await page.waitForSelector('[data-testid="child-cases"] li');
    expect(await page.locator('[data-testid="child-cases"] li').count()).toBe(1);
    expect(await page.textContent('[data-testid="child-cases"] li')).toContain('家访');
    await page.click('[data-testid="child-cases"] li a');
    await page.waitForSelector('[data-testid="case-stage"]');
    await page.waitForSelector('[data-testid="responsibility"] li');
    // 王小军, 五年级二班 of 故陵小学 at the home visit: the class teacher holds the task.
    const chain = await page.locator('[data-testid="responsibility"] li').allTextContents();
    expect(chain.some((line) => /班主任/.test(line) && /（teacher）/.test(line) && /期限 \d{4}年/.test(line))).toBe(true);
    await expectPhoneFriendly(page, 'case-responsibility');
    // The screen with the section, for docs/web.md (the full page is in test-artifacts/case-responsibility.png).
    await page.evaluate(() => (globalThis as any).document.querySelector('[data-testid="responsibility"]').previousElementSibling.scrollIntoView());
    await page.screenshot({ path: join(ARTIFACTS, 'case-responsibility-screen.png') });
  });

  it('the leader reads a child masked, with no way to change it', async () => {
    const page = await appAs('leader');
    await page.click('nav a[data-nav="registry"]');
    await page.waitForSelector('[data-testid="children"] li');
    expect(await page.locator('[data-testid="new-child"]').count()).toBe(0);
    await page.click(`[data-testid="children"] li a:text("${NEW_CHILD.name}")`);
    await page.waitForSelector('[data-testid="child-details"]');
    const details = await text(page, 'child-details');
    expect(details).toContain('（已掩码）');
    expect(details).not.toContain(NEW_CHILD.idNumber);
    expect(details).not.toContain('023-55123456');
    expect(await page.locator('[data-testid="edit-child"]').count()).toBe(0);
    await expectPhoneFriendly(page, 'registry-child-leader');
  });
});
