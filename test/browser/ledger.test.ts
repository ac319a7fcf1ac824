/**
 * The ledger page (web/ledger, #/ledger) in headless Chromium at a phone's 390×844, against the app
 * as `npm start` composes it (real Temporal, real PostgreSQL, the demo accounts, the import job
 * runner): a coordinator uploads a CSV of 500 rows, one of them bad; the check (dryRun) shows the
 * progress bar and the row report (counts, the bad row in a table), writes nothing; the import of
 * the good rows then adds 499 children. A row of a child whose case was closed is listed, and 重新立案
 * opens a new case. The export downloads the .xlsx. axe-core finds no serious
 * or critical violation on each state. One app and one browser for the file; screenshots go to test-artifacts/.
 */
import { readFileSync } from 'fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningBaoxue } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { DEMO_PASSWORD } from '../support/auth';
import { launchBrowser, logInOnPage, screenshot } from '../support/browser';
import { idNumberFor, ledgerCsv } from '../support/ledger-files';
import { startApp, testConfig } from '../support/running-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const PHONE = { width: 390, height: 844 };
const ROWS = 500;
let db: TestDatabase;
let app: RunningBaoxue;
let browser: Browser;
const contexts: BrowserContext[] = [];
const problems: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  [app, browser] = await Promise.all([startApp(testConfig({ databaseUrl: db.url, policyPath: loadConfig({}).policyPath })), launchBrowser()]);
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

// Functions run in the browser reach document through globalThis (the tests compile without the DOM's types).
async function appAs(username: string): Promise<Page> {
  // bypassCSP only so that axe-core can be injected; the pages themselves run under the real CSP in dashboard.test.ts.
  const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN', acceptDownloads: true, bypassCSP: true });
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

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const result = await (globalThis as any).axe.run((globalThis as any).document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  });
}

async function expectPhoneFriendly(page: Page, name: string): Promise<void> {
  const widths = await page.evaluate(() => ({ scroll: (globalThis as any).document.documentElement.scrollWidth as number, client: (globalThis as any).document.documentElement.clientWidth as number }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, name);
}

const count = (page: Page, scope: string, key: string) => page.textContent(`${scope} [data-testid="report-counts"] [data-count="${key}"]`);

async function childrenOfFile(): Promise<number> {
  const rows: Array<{ n: string }> = await db.dataSource.query(`SELECT count(*) AS n FROM children WHERE id_number LIKE '500235%' AND name LIKE '学生%'`);
  return Number(rows[0].n);
}

describe('the ledger page, phone first', () => {
  it('a coordinator checks a CSV of 500 rows, sees the progress bar and the row report, and imports the good rows', async () => {
    const page = await appAs('coordinator');
    await page.click('nav a[href="#/ledger"]');
    await page.waitForSelector('[data-testid="ledger-import"]');
    await expectPhoneFriendly(page, 'ledger-empty');

    const csv = ledgerCsv({ count: ROWS, start: 200_000, bad: { 3: { 出生日期: '2099-13-40' } } });
    await page.setInputFiles('[data-testid="ledger-import"] input[name=file]', { name: '台账.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.click('[data-testid="ledger-import"] button[type=submit]');
    await page.waitForSelector('[data-testid="import-progress"]');
    await page.waitForSelector('[data-testid="import-report"] [data-testid="report-counts"]');
    expect(await count(page, '[data-testid="import-report"]', 'rows')).toBe(String(ROWS));
    expect(await count(page, '[data-testid="import-report"]', 'badRows')).toBe('1');
    // The bad row is the 4th data row: spreadsheet row 5 (the header is row 1).
    const errors = await page.$$eval('[data-testid="row-errors"] tbody tr', (rows) => rows.map((r: any) => r.textContent as string));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(/^5出生日期2099-13-40/);
    expect(await page.textContent('[data-testid="import-progress-words"]')).toBe('检查完毕');
    expect(await childrenOfFile()).toBe(0); // the check writes nothing
    expect(await page.getAttribute('[data-testid="import-progress"]', 'value')).toBe(await page.getAttribute('[data-testid="import-progress"]', 'max'));
    await expectPhoneFriendly(page, 'ledger-checked');

    await page.check('#good-rows-only');
    await page.click('[data-testid="confirm-import"]');
    await page.waitForSelector('[data-testid="import-result"] [data-testid="report-counts"]', { timeout: 60_000 });
    expect(await page.textContent('[data-testid="import-result"] [data-testid="report-title"]')).toBe('导入结果');
    expect(await count(page, '[data-testid="import-result"]', 'created')).toBe(String(ROWS - 1));
    expect(await childrenOfFile()).toBe(ROWS - 1);
    await expectPhoneFriendly(page, 'ledger-imported');
  }, 120_000);

  it('a row of a child whose case was closed (销号) is listed in the check, and 重新立案 opens a new case', async () => {
    const page = await appAs('coordinator');
    const csv = Buffer.from(ledgerCsv({ count: 3, start: 300_000, cases: { 0: '因贫' } }), 'utf8');
    const checkAndImport = async (reopen: boolean) => {
      await page.goto(`${app.apiUrl}/app#/tasks`);
      await page.click('nav a[href="#/ledger"]');
      await page.setInputFiles('[data-testid="ledger-import"] input[name=file]', { name: '台账.csv', mimeType: 'text/csv', buffer: csv });
      await page.click('[data-testid="ledger-import"] button[type=submit]');
      await page.waitForSelector('[data-testid="confirm-import"]');
      if (reopen) {
        expect(await page.textContent('[data-testid="closed-cases"]')).toContain('该儿童的案件已销号');
        expect(await count(page, '[data-testid="import-report"]', 'casesClosedNotReopened')).toBe('1');
        await expectPhoneFriendly(page, 'ledger-closed-case');
        await page.check('[data-testid="reopen-closed"]');
      }
      await page.click('[data-testid="confirm-import"]');
      await page.waitForSelector('[data-testid="import-result"] [data-testid="report-counts"]', { timeout: 60_000 });
      expect(await count(page, '[data-testid="import-result"]', 'casesOpened')).toBe('1');
    };
    await checkAndImport(false);
    // Closed in the read model only (as test/e2e/ledger.test.ts does): the engine's closing is not what this page is about.
    await db.dataSource.query(`UPDATE cases SET stage = 'CLOSED', open = false, ended_at = now() WHERE child_id = (SELECT id FROM children WHERE id_number = $1)`, [idNumberFor(300_001)]);
    await checkAndImport(true);
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM cases WHERE open AND child_id = (SELECT id FROM children WHERE id_number = $1)`, [idNumberFor(300_001)]);
    expect(n).toBe(1);
  }, 180_000);

  it('the coordinator downloads the ledger as .xlsx', async () => {
    const page = await appAs('coordinator');
    await page.click('nav a[href="#/ledger"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="ledger-export"]')]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const bytes = readFileSync((await download.path())!);
    expect(bytes.subarray(0, 2).toString()).toBe('PK'); // an .xlsx is a zip
    expect(await page.textContent('[data-testid="export-status"]')).toBe('已下载台账（.xlsx）');
  }, 60_000);
});
