/**
 * Approvals (审批) through the pages, in headless Chromium at a phone's 390×844, against the app as
 * `npm start` composes it (real Temporal, real PostgreSQL) under a policy in seconds with an
 * `approvals` section: the principal asks for the closure on the case page through check answers;
 * the leader finds the request in 我的待办, opens the case from it and approves it with a comment,
 * again through check answers. axe-core finds no serious or critical violation on each page.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { as } from '../support/auth';
import { PHONE, useBrowserApp } from '../support/browser';
import { expectPhoneFriendly } from '../support/page-checks';
import { validIdNumber } from '../support/fixtures';
import { reportBody, waitForCase } from '../support/running-app';
import { loadPolicy } from '../../src/policy/load-policy';

function approvalsPolicy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'baoxue-approvals-browser-'));
  const policy = {
    ...loadPolicy(resolve(__dirname, '..', 'fixtures', 'policy-seconds.json')),
    version: 'test-approvals-browser.1',
    approvals: { decisions: { CLOSURE: { approverRoles: ['LEADER', 'DEPUTY_LEADER'] } } },
  };
  writeFileSync(join(dir, 'policy.json'), JSON.stringify(policy));
  return join(dir, 'policy.json');
}

const suite = useBrowserApp({ config: () => ({ policyPath: approvalsPolicy() }) });
const appAs = (username: string) => suite.appAs(username, { viewport: PHONE, bypassCSP: true });
const text = (page: Page, testid: string) => page.textContent(`[data-testid="${testid}"]`);

async function confirm(page: Page, name: string): Promise<void> {
  await page.waitForSelector('[data-testid="check-answers"]');
  await expectPhoneFriendly(page, name);
  await page.click('[data-testid="check-answers"] [data-testid="confirm"]');
  await page.waitForSelector('[data-testid="action-message"].ok');
}

describe('a closure through approval, on a phone', () => {
  let caseId: string;

  beforeAll(async () => {
    const coordinator = await as(suite.app.apiUrl!, 'coordinator');
    const child = { ...reportBody().child, name: '周小雨', idNumber: validIdNumber('2012-06-01', 'F') };
    caseId = (await coordinator.post('/api/cases').send({ ...reportBody(), child }).expect(201)).body.id;
    await coordinator.post(`/api/cases/${caseId}/actions`).send({ type: 'RECORD_RETURN' }).expect(200);
    await waitForCase(suite.app.apiUrl!, caseId, (c) => c.allowedActions.includes('REQUEST_APPROVAL'));
  }, 60_000);

  it('the principal requests it on the case page; the leader decides it from 我的待办', async () => {
    const principal = await appAs('principal');
    await principal.evaluate((id) => ((globalThis as any).location.hash = `#/case/${id}`), caseId);
    await principal.waitForSelector('[data-testid="approvals"]');
    expect(await text(principal, 'approvals')).toContain('尚无审批申请');
    await principal.click('[data-action-panel="REQUEST_APPROVAL"] summary');
    const ask = 'form[data-action="REQUEST_APPROVAL"]';
    await principal.selectOption(`${ask} select[name=decision]`, 'CLOSURE');
    await principal.fill(`${ask} textarea[name=reason]`, '跟踪期满，学生稳定在校');
    await principal.click(`${ask} button[type=submit]`);
    expect(await text(principal, 'check-answers')).toContain('跟踪期满，学生稳定在校');
    await confirm(principal, 'app-approval-request-check-answers');
    expect(await text(principal, 'approvals')).toContain('销号 · 待审批');
    await expectPhoneFriendly(principal, 'app-approval-requested');

    const leader = await appAs('leader');
    // The leader sees no identities: the child's name is masked in the list.
    const row = leader.locator(`[data-testid="tasks"] li[data-approval][data-case="${caseId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('审批：销号');
    expect(await row.textContent()).toContain('周*雨');
    await expectPhoneFriendly(leader, 'app-tasks-approval');
    await row.locator('a').click();
    await leader.waitForSelector('[data-action-panel="APPROVE_REQUEST"]');
    await leader.click('[data-action-panel="APPROVE_REQUEST"] summary');
    const decide = 'form[data-action="APPROVE_REQUEST"]';
    const option = await leader.locator(`${decide} select[name=approvalId] option:not([value=""])`).first().getAttribute('value');
    await leader.selectOption(`${decide} select[name=approvalId]`, option!);
    await leader.fill(`${decide} textarea[name=comment]`, '同意销号');
    await leader.click(`${decide} button[type=submit]`);
    await confirm(leader, 'app-approval-decide-check-answers');
    expect(await text(leader, 'case-stage')).toBe('已销号');
    expect(await text(leader, 'approvals')).toContain('同意销号');
    await expectPhoneFriendly(leader, 'app-approval-approved');
  });
});
