/**
 * The source imports page (web/sources, #/sources) in headless Chromium at a phone's 390×844,
 * against the app as `npm start` composes it (real PostgreSQL, the demo accounts, the job runner):
 * a coordinator chooses 学籍 and the school, checks a roll with a bad row (the report shows it,
 * nothing is written), checks the corrected file and imports it as version 1, sees it in the
 * versions table, and is told that the same file again changes nothing. A teacher is offered the
 * attendance of their class only. axe-core finds no serious or critical violation on each state.
 */
import type { Page } from 'playwright-core';
import { useBrowserApp } from '../support/browser';
import { expectPhoneFriendly } from '../support/page-checks';
import { idNumberFor } from '../support/ledger-files';
import { csvOf, rollRows } from '../support/source-files';

const suite = useBrowserApp();
const appAs = (username: string) => suite.appAs(username, { bypassCSP: true });

const count = (page: Page, scope: string, key: string) => page.textContent(`${scope} [data-testid="report-counts"] [data-count="${key}"]`);
const rollRecords = async () => (await suite.db.dataSource.query(`SELECT count(*)::int AS n FROM roll_records`))[0].n as number;

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
