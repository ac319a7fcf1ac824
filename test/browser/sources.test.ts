/**
 * The source imports page (web/sources, #/sources) in headless Chromium at a phone's 390×844,
 * against the app as `npm start` composes it (real PostgreSQL, the demo accounts, the job runner):
 * a coordinator chooses 学籍 and the school, checks a roll with a bad row (the report shows it,
 * nothing is written), checks the corrected file and imports it as version 1, sees it in the
 * versions table, and is told that the same file again changes nothing. A teacher is offered the
 * attendance of their class only. axe-core finds no serious or critical violation on each state.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningBaoxue } from '../../src/bootstrap';
import { DEMO_PASSWORD } from '../support/auth';
import { launchBrowser, logInOnPage, screenshot } from '../support/browser';
import { idNumberFor } from '../support/ledger-files';
import { csvOf, rollRows } from '../support/source-files';
import { startApp, testConfig } from '../support/running-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const PHONE = { width: 390, height: 844 };
let db: TestDatabase;
let app: RunningBaoxue;
let browser: Browser;
const contexts: BrowserContext[] = [];
const problems: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  [app, browser] = await Promise.all([startApp(testConfig({ databaseUrl: db.url })), launchBrowser()]);
}, 180_000);

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
  expect(problems.splice(0)).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await db?.drop();
});

async function appAs(username: string): Promise<Page> {
  // bypassCSP only so that axe-core can be injected.
  const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN', bypassCSP: true });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`${username}: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${username}: ${message.text()}`);
  });
  await page.goto(`${app.apiUrl}/app`);
  await logInOnPage(page, username, DEMO_PASSWORD);
  await page.waitForSelector('[data-testid="task-total"]');
  return page;
}

async function expectPhoneFriendly(page: Page, name: string): Promise<void> {
  const widths = await page.evaluate(() => ({ scroll: (globalThis as any).document.documentElement.scrollWidth as number, client: (globalThis as any).document.documentElement.clientWidth as number }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    const result = await (globalThis as any).axe.run((globalThis as any).document, { resultTypes: ['violations'] });
    return result.violations.filter((v: any) => v.impact === 'serious' || v.impact === 'critical').map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  });
  expect(violations).toEqual([]);
  await screenshot(page, name);
}

const count = (page: Page, scope: string, key: string) => page.textContent(`${scope} [data-testid="report-counts"] [data-count="${key}"]`);
const rollRecords = async () => (await db.dataSource.query(`SELECT count(*)::int AS n FROM roll_records`))[0].n as number;

async function check(page: Page, file: Buffer, name: string): Promise<void> {
  await page.setInputFiles('[data-testid="source-import"] input[name=file]', { name, mimeType: 'text/csv', buffer: file });
  await page.click('[data-testid="source-import"] button[type=submit]');
  await page.waitForSelector('[data-testid="import-report"] [data-testid="report-counts"]');
}

describe('the source imports page, phone first', () => {
  it('a coordinator checks a roll with a bad row, then imports the corrected one as version 1; the same file again changes nothing', async () => {
    const page = await appAs('coordinator');
    await page.click('nav a[href="#/sources"]');
    await page.waitForSelector('[data-testid="source-import"]');
    expect(await page.$$eval('input[name=kind]', (inputs) => inputs.map((i: any) => i.value))).toEqual(['HOUSEHOLD_REGISTER', 'SCHOOL_ROLL', 'ATTENDANCE', 'POVERTY_LIST']);
    expect(await page.isVisible('#source-school')).toBe(false); // the register is the whole town's
    await page.check('#kind-SCHOOL_ROLL');
    expect(await page.textContent('#source-file-hint')).toContain('学籍号');
    await expectPhoneFriendly(page, 'sources-empty');

    // No school chosen: the error summary says so, nothing is sent.
    await page.setInputFiles('[data-testid="source-import"] input[name=file]', { name: '学籍.csv', mimeType: 'text/csv', buffer: csvOf(rollRows([1])) });
    await page.click('[data-testid="source-import"] button[type=submit]');
    expect(await page.textContent('[data-testid="error-summary"]')).toContain('请选择学校');
    await page.selectOption('#source-school', 'GULING_PRIMARY');

    const rows = rollRows([1, 2, 3, 4]);
    rows[3][3] = idNumberFor(3).slice(0, 17) + (idNumberFor(3)[17] === '1' ? '2' : '1');
    await check(page, csvOf(rows), '学籍-有错.csv');
    expect(await count(page, '[data-testid="import-report"]', 'badRows')).toBe('1');
    const errors = await page.$$eval('[data-testid="row-errors"] tbody tr', (trs) => trs.map((r: any) => r.textContent as string));
    expect(errors).toEqual([expect.stringMatching(/^4身份证号.*校验位/)]);
    expect(await page.isVisible('[data-testid="confirm-import"]')).toBe(false);
    expect(await page.textContent('[data-testid="import-progress-words"]')).toBe('检查完毕');
    expect(await rollRecords()).toBe(0);
    await expectPhoneFriendly(page, 'sources-bad-row');

    const good = csvOf(rollRows([1, 2, 3, 4]));
    await check(page, good, '学籍.csv');
    expect(await count(page, '[data-testid="import-report"]', 'records')).toBe('4');
    await page.click('[data-testid="confirm-import"]');
    await page.waitForSelector('[data-testid="import-result"] [data-testid="report-title"]', { timeout: 60_000 });
    expect(await page.textContent('[data-testid="import-result"] [data-testid="report-title"]')).toBe('已导入：学籍（故陵小学）第 1 版');
    expect(await rollRecords()).toBe(4);
    await page.waitForSelector('[data-testid="source-versions"] tr[data-version="1"]');
    expect(await page.textContent('[data-testid="source-versions"] tr[data-version="1"]')).toMatch(/学籍故陵小学1（现行）学籍\.csvcoordinator/);
    await expectPhoneFriendly(page, 'sources-imported');

    await check(page, good, '学籍-副本.csv');
    expect(await page.textContent('[data-testid="same-file"]')).toContain('第 1 版');
    await page.click('[data-testid="confirm-import"]');
    await page.waitForSelector('[data-testid="import-result"] [data-testid="report-title"]');
    expect(await page.textContent('[data-testid="import-result"] [data-testid="report-title"]')).toBe('此文件已导入过（第 1 版），未改变任何数据');
    expect(await rollRecords()).toBe(4);
  }, 120_000);

  it('offers a teacher the attendance of their class only, without a school to choose', async () => {
    const page = await appAs('teacher');
    await page.click('nav a[href="#/sources"]');
    await page.waitForSelector('[data-testid="source-import"]');
    expect(await page.$$eval('input[name=kind]', (inputs) => inputs.map((i: any) => i.value))).toEqual(['ATTENDANCE']);
    expect(await page.isVisible('#source-school')).toBe(false);
    expect(await page.textContent('#source-file-hint')).toContain('出勤情况');
    await expectPhoneFriendly(page, 'sources-teacher');
  }, 60_000);

  it('is not in the menu of a village secretary', async () => {
    const page = await appAs('secretary');
    expect(await page.$('nav a[href="#/sources"]')).toBeNull();
  }, 60_000);
});
