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
import type { Page } from 'playwright-core';
import { useBrowserApp } from '../support/browser';
import { expectPhoneFriendly } from '../support/page-checks';
import { idNumberFor, ledgerCsv } from '../support/ledger-files';

const ROWS = 500;
const suite = useBrowserApp();

const appAs = (username: string) => suite.appAs(username, { bypassCSP: true });

const count = (page: Page, scope: string, key: string) => page.textContent(`${scope} [data-testid="report-counts"] [data-count="${key}"]`);

async function childrenOfFile(): Promise<number> {
  const rows: Array<{ n: string }> = await suite.db.dataSource.query(`SELECT count(*) AS n FROM children WHERE id_number LIKE '500235%' AND name LIKE '学生%'`);
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
    // What to do next, in words: no parameter name (it was "（goodRowsOnly=true）").
    const advice = await page.textContent('[data-testid="import-error"]');
    expect(advice).toContain('或选择只导入合格的行');
    expect(advice).not.toMatch(/goodRowsOnly|=/);
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
      await page.goto(`${suite.app.apiUrl}/app#/tasks`);
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
    await suite.db.dataSource.query(`UPDATE cases SET stage = 'CLOSED', open = false, ended_at = now() WHERE child_id = (SELECT id FROM children WHERE id_number = $1)`, [idNumberFor(300_001)]);
    await checkAndImport(true);
    const [{ n }] = await suite.db.dataSource.query(`SELECT count(*)::int AS n FROM cases WHERE open AND child_id = (SELECT id FROM children WHERE id_number = $1)`, [idNumberFor(300_001)]);
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
