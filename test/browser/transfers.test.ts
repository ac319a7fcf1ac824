/**
 * A transfer through the pages, phone first (390 px, axe on each page): Guling's coordinator asks
 * on the case page; Xinhe's coordinator finds it in 我的待办, opens the case and accepts it with the
 * child's place in Xinhe. Two towns in one app as `npm start` composes it (real Temporal and PostgreSQL).
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { DEFAULT_TOWN_PATH } from '../../src/read-model/town';
import { seedDemoAccounts } from '../../src/api/auth/demo-accounts';
import { DEMO_PASSWORD, as } from '../support/auth';
import { useBrowserApp } from '../support/browser';
import { expectPhoneFriendly } from '../support/page-checks';
import { validIdNumber } from '../support/fixtures';
import { reportBody } from '../support/running-app';

const suite = useBrowserApp({
  config: () => ({ townPaths: [DEFAULT_TOWN_PATH, resolve(__dirname, '..', 'fixtures', 'towns', 'xinhe.json')] }),
  // The page shows the API's refusal of a town it does not know in words.
  expectedStatuses: [400],
});

const appAs = (username: string) => suite.appAs(username, { bypassCSP: true });

async function sendAction(page: Page, type: string, fill: Record<string, string>): Promise<void> {
  const form = `form[data-action="${type}"]`;
  if (!(await page.isVisible(form))) await page.click(`[data-action-panel="${type}"] summary`);
  for (const [name, value] of Object.entries(fill)) await page.fill(`${form} [name="${name}"]`, value);
  await page.click(`${form} button[type=submit]`);
}

async function confirm(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="check-answers"]');
  await page.click('[data-testid="check-answers"] [data-testid="confirm"]');
  // The answer: the case drawn again with the news, or the refusal in the form's error summary (which fails here with its words).
  await page.waitForSelector('[data-testid="action-message"].ok, [data-testid="error-summary"]');
  expect(await page.locator('[data-testid="error-summary"]').allTextContents()).toEqual([]);
}

describe('a transfer between towns in the browser', () => {
  it('asked on the case page, found in the receiving town’s tasks, accepted there with the child’s new place', async () => {
    await seedDemoAccounts(suite.db.dataSource, DEMO_PASSWORD, [{ username: 'xinhe-coordinator', displayName: '测试统筹', role: 'COORDINATOR' }], 'XINHE');
    const body = reportBody();
    const reported = await (await as(suite.app.apiUrl!, 'principal'))
      .post('/api/cases')
      .send({ ...body, child: { ...body.child, name: '周小移', idNumber: validIdNumber('2012-06-01', 'F') } });
    expect(reported.status).toBe(201);
    const caseId = reported.body.id as string;

    const guling = await appAs('coordinator');
    await guling.goto(`${suite.app.apiUrl}/app#/case/${caseId}`);
    await guling.waitForSelector('[data-testid="case-stage"]');
    // A town the deployment does not serve: the API's words in the error summary.
    await sendAction(guling, 'REQUEST_TRANSFER', { toTown: '不存在镇', reason: '该生随父母在新河镇务工地被发现' });
    await guling.waitForSelector('[data-testid="check-answers"]');
    await guling.click('[data-testid="check-answers"] [data-testid="confirm"]');
    await guling.waitForSelector('form[data-action="REQUEST_TRANSFER"] [data-testid="error-summary"]');
    expect(await guling.textContent('form[data-action="REQUEST_TRANSFER"] [data-testid="error-summary"]')).toContain('XINHE');
    await sendAction(guling, 'REQUEST_TRANSFER', { toTown: '新河镇', reason: '该生随父母在新河镇务工地被发现' });
    await expectPhoneFriendly(guling, 'app-transfer-request-check-answers');
    await confirm(guling);
    expect(await guling.textContent('[data-testid="transfer-pending"]')).toContain('XINHE');
    await expectPhoneFriendly(guling, 'app-transfer-pending');

    const xinhe = await appAs('xinhe-coordinator');
    await xinhe.waitForSelector('[data-testid="tasks"] a');
    expect(await xinhe.textContent('[data-testid="tasks"]')).toContain('待接收');
    await expectPhoneFriendly(xinhe, 'app-transfer-task');
    await xinhe.click('[data-testid="tasks"] a');
    await xinhe.waitForSelector('form[data-action="ACCEPT_TRANSFER"]');
    await expectPhoneFriendly(xinhe, 'app-transfer-answer');
    await sendAction(xinhe, 'ACCEPT_TRANSFER', { area: '高坪村', school: '新河九年制学校', grade: '6', className: '六年级一班' });
    await confirm(xinhe);
    expect(await xinhe.textContent('[data-testid="timeline"]')).toContain('接收移交');
    await expectPhoneFriendly(xinhe, 'app-transfer-accepted');
  }, 120_000);
});
