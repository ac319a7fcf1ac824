/**
 * The cross-check page (web/finding-lists, #/finding) in headless Chromium at a phone's 390×844,
 * against the app as `npm start` composes it: a principal sees the verification tasks in 我的待办
 * (labelled 四查比对), finds the pupil absent 6 school days on the suspected list, opens it, confirms it into a case after checking the answers (the opening
 * note shows the absence days) and lands on the real case; clears another with a reason after
 * checking; sees the child's movements on the ledger. axe-core finds no serious or critical
 * violation on each page, and nothing scrolls sideways.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningBaoxue } from '../../src/bootstrap';
import { crossCheckTown } from '../../src/finding/check/cross-check';
import { loadFindingPolicy } from '../../src/finding/check/finding-policy';
import { loadTown } from '../../src/read-model/town';
import { loadResponsibilityChains } from '../../src/responsibility/chains';
import { DEMO_PASSWORD } from '../support/auth';
import { launchBrowser, logInOnPage, screenshot } from '../support/browser';
import { schoolDays, writeSource } from '../support/finding-sources';
import { idNumberFor } from '../support/ledger-files';
import { birthOf } from '../support/source-files';
import { startApp, testConfig } from '../support/running-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const PHONE = { width: 390, height: 844 };
let db: TestDatabase;
let app: RunningBaoxue;
let browser: Browser;
const contexts: BrowserContext[] = [];
const problems: string[] = [];
const DAYS = schoolDays('2026-11-09', 10);

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  [app, browser] = await Promise.all([startApp(testConfig({ databaseUrl: db.url })), launchBrowser()]);
  const pupils = [1000, 1003];
  await writeSource(app.dataSource, 'GULING', 'HOUSEHOLD_REGISTER', '', pupils.map((n) => ({ id_number: idNumberFor(n), name: `学生${n}`, birth_date: birthOf(n), sex: 'M', area: 'GAOPING' })));
  await writeSource(app.dataSource, 'GULING', 'SCHOOL_ROLL', 'GULING_MIDDLE', pupils.map((n) => ({ school: 'GULING_MIDDLE', student_number: `G${n}`, id_number: idNumberFor(n), name: `学生${n}`, birth_date: birthOf(n), sex: 'M', grade: 7, class_name: '七年级一班' })));
  await writeSource(
    app.dataSource,
    'GULING',
    'ATTENDANCE',
    'GULING_MIDDLE',
    pupils.flatMap((n) => DAYS.map((day, i) => ({ school: 'GULING_MIDDLE', student_number: `G${n}`, id_number: null, name: `学生${n}`, day, absent: i >= 4, reason: null }))),
  );
  const town = loadTown();
  await crossCheckTown(
    { dataSource: app.dataSource, policy: loadFindingPolicy(), chainsFor: () => loadResponsibilityChains('towns/guling.responsibility.json', town) },
    { runId: '00000000-0000-4000-8000-000000000001', town: 'GULING', now: new Date() },
  );
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
  // bypassCSP only so that axe-core can be injected; the pages themselves run under the real CSP in dashboard.test.ts.
  const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN', bypassCSP: true });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`${username}: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(`${username}: ${message.text()}`);
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

const itemLink = (page: Page, name: string) => page.locator('[data-testid="finding-items"] a', { hasText: name });

describe('the cross-check page, phone first', () => {
  it('a principal confirms the absent pupil into a case after checking the answers, and clears another with a reason', async () => {
    const page = await appAs('principal-middle');
    // The first page, 我的待办, holds both verification tasks, labelled 四查比对 and linking their items.
    await page.waitForSelector('[data-testid="tasks"] li[data-finding]');
    const mine = page.locator('[data-testid="tasks"] li[data-finding]');
    expect(await mine.count()).toBe(2);
    expect(await mine.first().locator('[data-testid="task-source"]').textContent()).toBe('四查比对');
    expect(await mine.locator('a').first().getAttribute('href')).toMatch(/^#\/finding\/item\/[0-9a-f-]{36}$/);
    await expectPhoneFriendly(page, 'tasks-with-finding');
    await page.click('nav a[href="#/finding"]');
    await page.waitForSelector('[data-testid="finding-items"]');
    expect(await page.textContent('[data-testid="finding-figures"]')).toContain('疑似辍学');
    expect(await page.locator('[data-testid="finding-tasks"] li').count()).toBe(2);
    await expectPhoneFriendly(page, 'finding-lists');

    await itemLink(page, '学生1000').click();
    await page.waitForSelector('[data-testid="confirm-form"]');
    expect(await page.textContent('[data-testid="item-facts"]')).toContain(DAYS[4]);
    await expectPhoneFriendly(page, 'finding-item');
    // Without a cause the error summary names it, and nothing is sent.
    await page.click('[data-testid="confirm-form"] button[type=submit]');
    expect(await page.textContent('[data-testid="confirm-form"] [data-testid="error-summary"]')).toContain('请选择辍学原因');
    await page.selectOption('[data-testid="confirm-form"] select[name=cause]', 'OTHER');
    await page.fill('[data-testid="confirm-form"] textarea[name=note]', '班主任家访：家长称孩子外出');
    await page.fill('[data-testid="confirm-form"] input[name="guardians.0.name"]', '家长1000');
    await page.fill('[data-testid="confirm-form"] input[name="guardians.0.phone"]', '13800000000');
    await page.fill('[data-testid="confirm-form"] input[name="guardians.0.relation"]', '父亲');
    await page.click('[data-testid="confirm-form"] button[type=submit]');
    await page.waitForSelector('[data-testid="check-answers"]');
    expect(await page.textContent('[data-testid="check-answers"]')).toContain('连续无故缺课 6 个上学日');
    expect((await app.dataSource.query(`SELECT count(*)::int AS n FROM cases`))[0].n).toBe(0);
    await expectPhoneFriendly(page, 'finding-confirm-check');
    await page.click('[data-testid="check-answers"] [data-testid="confirm"]');
    await page.waitForURL(/#\/case\//);
    const caseId = page.url().split('#/case/')[1];
    const [row] = await app.dataSource.query(`SELECT stage, note FROM cases WHERE id = $1`, [caseId]);
    expect(row.stage).toBe('HOME_VISIT');
    expect(row.note).toContain('班主任家访');

    await page.click('nav a[href="#/finding"]');
    await itemLink(page, '学生1003').click();
    await page.waitForSelector('[data-testid="clear-form"]');
    await page.selectOption('[data-testid="clear-form"] select[name=reason]', 'ILL_WITH_CERTIFICATE');
    await page.fill('[data-testid="clear-form"] textarea[name=note]', '县医院诊断证明');
    await page.click('[data-testid="clear-form"] button[type=submit]');
    await page.waitForSelector('[data-testid="check-answers"]');
    await page.click('[data-testid="check-answers"] [data-testid="confirm"]');
    await page.waitForSelector('[data-testid="item-facts"] >> text=已排除');
    expect(await page.textContent('[data-testid="item-facts"]')).toContain('县医院诊断证明');

    await page.click('a:has-text("台账变动记录")');
    await page.waitForSelector('[data-testid="movements"]');
    expect(await page.textContent('[data-testid="movements"]')).toContain('核实排除');
    await expectPhoneFriendly(page, 'finding-movements');
  }, 120_000);
});
