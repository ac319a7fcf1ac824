/**
 * 政策推演 through the page only, in headless Chromium at a phone's 390×844, against the app as
 * `npm start` composes it (real Temporal, real PostgreSQL): the leader opens it from the menu,
 * uploads a draft whose home visit is due in 1 day instead of 3, and reads the forecast per week,
 * stage and area, current → draft; a broken draft gets the error summary with each problem; axe-core
 * finds no serious or critical violation; screenshots go to test-artifacts/.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLICY_PATH } from '../../src/policy/load-policy';
import { as } from '../support/auth';
import { PHONE, useBrowserApp } from '../support/browser';
import { validIdNumber } from '../support/fixtures';
import { expectPhoneFriendly } from '../support/page-checks';
import { reportBody } from '../support/running-app';

// The draft's problems are answered 400 and shown in words: the browser logs the status.
const suite = useBrowserApp({ expectedStatuses: [400] });
const appAs = (username: string) => suite.appAs(username, { viewport: PHONE, bypassCSP: true });

const current = JSON.parse(readFileSync(DEFAULT_POLICY_PATH, 'utf8'));
const draft = { ...current, version: 'guling-draft-1d', stages: { ...current.stages, HOME_VISIT: { ...current.stages.HOME_VISIT, due: '1d', window: '1d' } } };

beforeAll(async () => {
  const coordinator = await as(suite.app.apiUrl!, 'coordinator');
  for (const [n, area] of [[1, '高坪村'], [2, '桥亭村']] as const) {
    const birthDate = `2012-07-0${n}`;
    const body = reportBody();
    await coordinator
      .post('/api/cases')
      .send({ ...body, child: { ...body.child, name: `推演${n}`, idNumber: validIdNumber(birthDate, 'M'), birthDate, sex: 'M', area } })
      .expect(201);
  }
}, 60_000);

describe('政策推演 / the what-if page', () => {
  it('the leader uploads a draft and reads what it would do, current → draft, per week, stage and area', async () => {
    const page = await appAs('leader');
    await page.click('nav a[data-nav="what-if"]');
    await page.waitForSelector('[data-testid="what-if-form"]');
    const file = join(mkdtempSync(join(tmpdir(), 'baoxue-what-if-')), 'draft.json');
    writeFileSync(file, JSON.stringify(draft, null, 2));
    await page.setInputFiles('input[type="file"]', file);
    await page.waitForFunction(() => (globalThis as any).document.querySelector('textarea[name="policy"]').value.includes('guling-draft-1d'));
    await page.fill('input[name="weeks"]', '2');
    await page.click('[data-testid="what-if-form"] button[type="submit"]');
    await page.waitForSelector('[data-testid="what-if-results"]');

    const results = (await page.textContent('[data-testid="what-if-results"]'))!;
    expect(results).toContain('2 件在办案件');
    expect(results).toContain('现行政策（guling-2026.1）→ 草案（guling-draft-1d）');
    expect(results).toContain('按周自动升级');
    expect(results).toContain('转入劝返');
    expect(results).toContain('高坪村');
    expect(results).toContain('桥亭村');
    // Both cases reach 劝返 within the first week either way: the same count, on other days.
    expect(await page.textContent('[data-testid="what-if-changed"] b')).toBe('0 → 2');
    expect(await page.locator('[data-testid="what-if-changed-cases"] li').count()).toBe(2);
    expect(await page.locator('[data-testid="what-if-changed-cases"] li a').first().getAttribute('href')).toMatch(/^#\/case\/[0-9a-f-]{36}$/);
    expect(results).toMatch(/\d{4}年\d{1,2}月\d{1,2}日（星期.）/);
    await expectPhoneFriendly(page, 'what-if');
  });

  it('is reached from the dashboard too, by the roles that read the whole town', async () => {
    const page = await appAs('deputy');
    await page.goto(`${suite.app.apiUrl}/dashboard`);
    await page.click('[data-testid="what-if-link"]');
    await page.waitForSelector('[data-testid="what-if-form"]');
    expect(page.url()).toMatch(/\/app#\/what-if$/);
  });

  it('shows the error summary with each of the draft\'s problems, and a JSON mistake before sending', async () => {
    const page = await appAs('coordinator');
    await page.click('nav a[data-nav="what-if"]');
    await page.waitForSelector('[data-testid="what-if-form"]');
    await page.fill('textarea[name="policy"]', '{ "version": "x", ');
    await page.click('[data-testid="what-if-form"] button[type="submit"]');
    await page.waitForSelector('[data-testid="error-summary"]');
    expect(await page.textContent('[data-testid="error-summary"]')).toContain('不是有效的 JSON');

    const broken = { ...draft, stages: { ...draft.stages, HOME_VISIT: { ...draft.stages.HOME_VISIT, window: 'ten days' } } };
    await page.fill('textarea[name="policy"]', JSON.stringify(broken));
    await page.click('[data-testid="what-if-form"] button[type="submit"]');
    await page.waitForFunction(() => /有 1 处问题/.test((globalThis as any).document.querySelector('[data-testid="error-summary"]')?.textContent ?? ''));
    const summary = (await page.textContent('[data-testid="error-summary"]'))!;
    expect(summary).toContain('stages.HOME_VISIT.window');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.dataset?.testid)).toBe('error-summary');
    await expectPhoneFriendly(page, 'what-if-problems');
  });
});
