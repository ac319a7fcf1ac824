/**
 * The dashboard and the caseworker page in a real browser (Debian's Chromium, headless) against
 * the app as `npm start` composes it: real Temporal, real PostgreSQL, the demo town's twelve
 * cases opened through the engine (src/dashboard/demo-cases.ts) under the default policy (windows
 * in days, so nothing escalates while the tests run). One app and one browser for the file; every
 * test saves a screenshot under test-artifacts/.
 */
import { Client, Connection } from '@temporalio/client';
import type { Page } from 'playwright-core';
import { monthOf, previousMonth } from '../../src/dashboard/china-time';
import { MONTHLY_REPORT_SCHEDULE_ID } from '../../src/workflows/monthly-report-messages';
import { DEMO_PASSWORD, as } from '../support/auth';
import { logInOnPage, screenshot, useBrowserApp } from '../support/browser';

// Console errors and page errors of every page fail the test: no script error, no CSP violation (the
// pages run under the real CSP here). The pages expect one failed request: a refused log-in or an
// expired token (401), shown in words.
const suite = useBrowserApp({ config: () => ({ seedDemoCases: true }), expectedStatuses: [401] });

const openPage = (path: string, viewport = { width: 1280, height: 900 }): Promise<Page> => suite.open(path, { viewport });

async function dashboardAs(username: string, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await openPage('/dashboard', viewport);
  await logInOnPage(page, username, DEMO_PASSWORD);
  await page.waitForSelector('body[data-ready]', { timeout: 30_000 });
  return page;
}

// Functions run in the browser (evaluate, waitForFunction) reach `document` through globalThis: the
// tests compile without the DOM's types, and the pages' CSP forbids evaluating strings instead.
const text = (page: Page, testid: string) => page.textContent(`[data-testid="${testid}"]`);
const cell = (page: Page, area: string, stage: string) => page.textContent(`[data-cell="${area}:${stage}"]`);

describe('the leading group’s dashboard in a browser', () => {
  it('shows the seeded town’s figures: headline, areas at zero, the area × stage matrix', async () => {
    const page = await dashboardAs('leader');
    expect(await text(page, 'headline-open')).toBe('12');
    expect(await text(page, 'headline-returned')).toBe('3');
    expect(await text(page, 'headline-closed')).toBe('0');
    expect(await text(page, 'headline-overdue')).toBe('0');
    // 兰草村 and 红坪村 have no case: at zero; 高坪村 has three.
    expect(await page.getAttribute('[data-testid="area-zero"] [data-area="LANCAO"]', 'class')).toBe('zero');
    expect(await page.getAttribute('[data-testid="area-zero"] [data-area="HONGPING"]', 'class')).toBe('zero');
    expect(await page.textContent('[data-testid="area-zero"] [data-area="GAOPING"]')).toContain('未结 3');
    expect(await cell(page, 'GAOPING', 'HOME_VISIT')).toBe('1');
    expect(await cell(page, 'GAOPING', 'PERSUASION')).toBe('1');
    expect(await cell(page, 'GAOPING', 'TOWN_CRITICISM')).toBe('1');
    expect(await cell(page, 'QIAOTING', 'CORRECTION_DEADLINE')).toBe('1');
    expect(await cell(page, 'SHUANGDIAN', 'RETURNED')).toBe('1');
    expect(await cell(page, 'LANCAO', 'HOME_VISIT')).toBe('·');
    // The charts drew into their canvases; the ranking shows its rule.
    expect(await page.locator('#heatmap-chart canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('#trend-chart canvas').count()).toBeGreaterThan(0);
    expect(await text(page, 'ranking-rule')).toContain('逾期案件数少者在前');
    // The three ledgers of 四查三比对 (no source imported in the demo town yet: zeros, rates not defined).
    expect(await page.textContent('[data-testid="ledgers-section"]')).toContain('巩固率');
    expect(await page.locator('[data-testid="ledgers"] tbody tr').count()).toBe(9); // 8 areas and the total
    await screenshot(page, 'dashboard-seeded-town');
  });

  it('opens the cases of a matrix cell, then a case’s full timeline with time, actor and reason, and its documents', async () => {
    // The town office issues the order to correct of the case at CORRECTION_DEADLINE through the API.
    const town = await as(suite.app.apiUrl!, 'town');
    const listed = await town.get('/api/cases?area=QIAOTING&stage=CORRECTION_DEADLINE').expect(200);
    const order = (await town.post(`/api/cases/${listed.body.items[0].id}/documents`).send({ kind: 'CORRECTION_ORDER' }).expect(201)).body;

    const page = await dashboardAs('coordinator');
    await page.click('[data-cell="QIAOTING:CORRECTION_DEADLINE"] a');
    await page.waitForSelector('[data-testid="case-list"] tbody tr');
    expect(await page.locator('[data-testid="case-list"] tbody tr').count()).toBe(1);
    await page.click('[data-testid="case-list"] tbody tr a');
    await page.waitForSelector('[data-testid="timeline"] li');
    expect(await text(page, 'case-title')).toContain('赵小梅');
    const steps = await page.locator('[data-testid="timeline"] li').allTextContents();
    expect(steps).toHaveLength(5);
    expect(steps[3]).toContain('批评教育并责令限期改正');
    expect(steps[3]).toContain('李尚春（town）');
    expect(steps[3]).toContain('已当面批评教育并送达责令改正通知');
    expect(steps[3]).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/); // China time, in Chinese form
    // Issuing the order is itself a step: who, when, which paper and its number.
    expect(steps[4]).toContain('出具文书');
    expect(steps[4]).toContain('李尚春（town）');
    expect(steps[4]).toContain(`已出具《责令限期改正通知书》（${order.number}）`);
    expect(steps[4]).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
    // The town office issued the order to correct: the case page lists it with its 文号.
    await page.waitForFunction(() => /责令限期改正通知书 · 故陵.*〔\d{4}〕\d+号/.test((globalThis as any).document.querySelector('[data-testid="documents"]').textContent));
    await screenshot(page, 'dashboard-case-timeline');
  });

  it('moves the case in the open dashboard’s matrix when a caseworker records a home visit on /app (live, no reload)', async () => {
    const dashboard = await dashboardAs('leader');
    expect(await cell(dashboard, 'GAOPING', 'HOME_VISIT')).toBe('1');
    expect(await cell(dashboard, 'GAOPING', 'PERSUASION')).toBe('1');

    const caseworker = await openPage('/app', { width: 390, height: 844 });
    await logInOnPage(caseworker, 'cadre', DEMO_PASSWORD);
    await caseworker.waitForSelector('[data-testid="tasks"] li');
    await caseworker.click('[data-testid="tasks"] a:text("王小军")');
    await caseworker.waitForSelector('form[data-action="RECORD_HOME_VISIT"]');
    expect(await text(caseworker, 'case-stage')).toBe('家访');
    await caseworker.selectOption('form[data-action="RECORD_HOME_VISIT"] select[name=outcome]', 'NOT_RETURNED');
    await caseworker.fill('form[data-action="RECORD_HOME_VISIT"] textarea[name=note]', '家长外出务工，孩子在家');
    await caseworker.click('form[data-action="RECORD_HOME_VISIT"] button[type=submit]');
    await caseworker.click('[data-testid="check-answers"] [data-testid="confirm"]'); // an append-only step: check answers first
    await caseworker.waitForSelector('[data-testid="action-message"].ok');
    expect(await text(caseworker, 'action-message')).toContain('家访 → 劝返');
    expect(await text(caseworker, 'case-stage')).toBe('劝返');
    await screenshot(caseworker, 'app-home-visit-recorded');

    // The dashboard was not reloaded: its poll of /api/dashboard/version noticed the change.
    await dashboard.waitForFunction(
      () => (globalThis as any).document.querySelector('[data-cell="GAOPING:PERSUASION"]')?.textContent === '2' && (globalThis as any).document.querySelector('[data-cell="GAOPING:HOME_VISIT"]')?.textContent === '·',
      undefined,
      { timeout: 15_000 },
    );
    await screenshot(dashboard, 'dashboard-after-home-visit');
  });

  it('switches to English and back with the toggle; the trend names its months in Chinese form (2026年1月), in English under the toggle', async () => {
    const page = await dashboardAs('leader');
    expect(await page.textContent('[data-testid="matrix"] thead')).toContain('家访');
    const months = () => page.evaluate(() => {
      const g = globalThis as any;
      return g.echarts.getInstanceByDom(g.document.getElementById('trend-chart')).getOption().xAxis[0].data as string[];
    });
    const chinese = await months();
    expect(chinese.length).toBeGreaterThan(0);
    for (const m of chinese) expect(m).toMatch(/^\d{4}年([1-9]|1[0-2])月$/);
    expect(chinese).toContain(`${monthOf(new Date()).slice(0, 4)}年${Number(monthOf(new Date()).slice(5, 7))}月`);
    await page.click('[data-testid="lang-toggle"]');
    await page.waitForFunction(() => (globalThis as any).document.documentElement.lang === 'en');
    await page.waitForFunction(() => {
      const g = globalThis as any;
      const node = g.document.getElementById('trend-chart');
      return /^[A-Z][a-z]{2} \d{4}$/.test(node ? g.echarts.getInstanceByDom(node)?.getOption().xAxis[0].data[0] ?? '' : '');
    });
    expect(await page.textContent('.headline')).toContain('Open cases');
    expect(await page.textContent('[data-testid="matrix"] thead')).toContain('Home visit');
    expect(await text(page, 'ranking-rule')).toContain('fewer overdue cases first');
    expect(await page.textContent('header h1')).toContain('Dropout-control dashboard');
    await screenshot(page, 'dashboard-english');
    await page.click('[data-testid="lang-toggle"]');
    await page.waitForFunction(() => (globalThis as any).document.documentElement.lang === 'zh-CN');
    expect(await page.textContent('.headline')).toContain('未结案件');
  });

  it('has no horizontal scroll on a 375 px phone screen, dashboard and caseworker page', async () => {
    const phone = { width: 375, height: 812 };
    const dashboard = await dashboardAs('leader', phone);
    const widths = () => ({ scroll: (globalThis as any).document.documentElement.scrollWidth as number, client: (globalThis as any).document.documentElement.clientWidth as number });
    const d = await dashboard.evaluate(widths);
    expect(d.scroll).toBeLessThanOrEqual(d.client);
    await screenshot(dashboard, 'dashboard-phone-375');

    const caseworker = await openPage('/app', phone);
    await logInOnPage(caseworker, 'cadre', DEMO_PASSWORD);
    await caseworker.waitForSelector('[data-testid="tasks"] li');
    await caseworker.click('[data-testid="tasks"] li a');
    await caseworker.waitForSelector('[data-testid="case-stage"]');
    const a = await caseworker.evaluate(widths);
    expect(a.scroll).toBeLessThanOrEqual(a.client);
    await screenshot(caseworker, 'app-phone-375');
  });

  it('lists the report the monthly schedule generated, live, and downloads it', async () => {
    const page = await dashboardAs('leader');
    expect(await page.textContent('[data-testid="reports-section"]')).toContain('尚无报告');
    // What happens at 01:00 on the 1st: the schedule starts monthlyReportWorkflow, its activity stores the report.
    const connection = await Connection.connect({ address: suite.app.temporalAddress });
    try {
      await new Client({ connection }).schedule.getHandle(MONTHLY_REPORT_SCHEDULE_ID).trigger();
    } finally {
      await connection.close();
    }
    const month = previousMonth(monthOf(new Date()));
    const inWords = `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`; // the list names the month in Chinese form
    await page.waitForSelector(`[data-testid="reports"] li:has-text("${inWords}")`, { timeout: 30_000 });
    const stored = await suite.db.dataSource.query(`SELECT trigger, nil FROM monthly_reports WHERE month = $1`, [month]);
    expect(stored).toEqual([{ trigger: 'schedule', nil: true }]); // the demo town's cases were all opened this month
    expect(await page.textContent('[data-testid="reports"]')).toContain('零报告');
    const download = page.waitForEvent('download');
    await page.click(`[data-testid="reports"] li:has-text("${inWords}") button:has-text("PDF")`);
    expect((await download).suggestedFilename()).toBe(`动态监测书面报告-${month}.pdf`);
    await screenshot(page, 'dashboard-reports');
  });

  it('paints every heatmap cell in its colour and lists the areas top-down in the matrix’s order (issue 11: no cell was painted, areas reversed)', async () => {
    const page = await dashboardAs('leader');
    const cells: Array<{ area: string; y: number; pixel: number[] }> = await page.evaluate(() => {
      const g = globalThis as any;
      const node = g.document.getElementById('heatmap-chart');
      const chart = g.echarts.getInstanceByDom(node);
      const option = chart.getOption();
      // ECharts may paint a series on a layer of its own (progressive rendering): read every canvas.
      const layers = Array.from(node.querySelectorAll('canvas')).map((canvas: any) => ({ context: canvas.getContext('2d'), scale: canvas.width / node.clientWidth }));
      return option.series[0].data.map((d: any[]) => {
        const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, [d[0], d[1]]);
        const cellWidth = Math.abs(chart.convertToPixel({ xAxisIndex: 0 }, 1) - chart.convertToPixel({ xAxisIndex: 0 }, 0));
        // Beside the label, inside the cell.
        const alphas = layers.map((l: any) => l.context.getImageData(Math.round((x + cellWidth * 0.4) * l.scale), Math.round(y * l.scale), 1, 1).data[3]);
        const pixel = [Math.max(...alphas)];
        return { area: d[3].area, y, pixel };
      });
    });
    expect(cells.length).toBeGreaterThan(0);
    for (const c of cells) expect(c.pixel[0]).toBeGreaterThan(0); // painted (the bug left the canvas transparent there)
    const matrixOrder = await page.locator('[data-testid="matrix"] tbody tr').evaluateAll((rows) => rows.map((r: any) => r.querySelector('[data-cell]').dataset.cell.split(':')[0]));
    const byHeight = [...new Map(cells.sort((a, b) => a.y - b.y).map((c) => [c.area, c.y])).keys()];
    expect(byHeight).toEqual(matrixOrder.filter((area: string) => byHeight.includes(area)));
  });

  it('asks to log in again when the session expires (not “连接中断”), and its report panel speaks to a civil servant', async () => {
    const page = await dashboardAs('leader');
    expect(await page.textContent('[data-testid="reports-section"]')).not.toMatch(/npm|run report/);
    // The session has ended (past its working day): the access token is refused and so is the refresh token.
    await page.evaluate(() => {
      (globalThis as any).sessionStorage.setItem('baoxue.token', 'expired.token.value');
      (globalThis as any).sessionStorage.setItem('baoxue.refresh', 'x'.repeat(43)); // well-formed, unknown: 401
    });
    await page.waitForSelector('[data-testid="relogin"] [data-testid="login-again-form"]', { timeout: 10_000 });
    expect(await text(page, 'live')).not.toContain('连接中断');
    await page.fill('[data-testid="relogin"] input[name=password]', DEMO_PASSWORD);
    await page.click('[data-testid="relogin"] button[type=submit]');
    await page.waitForFunction(() => /实时更新/.test((globalThis as any).document.querySelector('[data-testid="live"]').textContent), undefined, { timeout: 10_000 });
  });

  it('gives the matrix counts tap targets of 44 px or more', async () => {
    const page = await dashboardAs('leader', { width: 390, height: 844 });
    const boxes = await page.locator('[data-testid="matrix"] td a').evaluateAll((links) => links.map((a: any) => a.getBoundingClientRect()).map((r: any) => [r.width, r.height]));
    expect(boxes.length).toBeGreaterThan(0);
    for (const [width, height] of boxes) {
      expect(width).toBeGreaterThanOrEqual(44);
      expect(height).toBeGreaterThanOrEqual(44);
    }
  });

  it('shows an API error in plain words on the caseworker page', async () => {
    const page = await openPage('/app');
    await logInOnPage(page, 'secretary', 'not-the-password');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-testid="login-error"]')?.textContent !== '');
    expect(await text(page, 'login-error')).toBe('用户名或密码不正确');
    await screenshot(page, 'app-login-error');
  });
});
