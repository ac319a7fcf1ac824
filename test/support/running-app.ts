/**
 * The whole product as `npm start` composes it (src/bootstrap.ts): real Temporal dev server, real
 * PostgreSQL, API and worker, with a policy whose windows are seconds so escalation can be
 * watched in real time. The demo accounts are seeded (also with DATABASE_URL): log in with
 * test/support/auth.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { RunningBaoxue, startBaoxue } from '../../src/bootstrap';
import { BaoxueConfig, loadConfig } from '../../src/config';
import { INBOX_ONLY } from '../../src/notifications/channel-settings';
import { DEMO_PASSWORD, tokenFor, withToken } from './auth';
import { validIdNumber } from './fixtures';

export const SECONDS_POLICY = resolve(__dirname, '..', 'fixtures', 'policy-seconds.json');

export function testConfig(overrides: Partial<BaoxueConfig> = {}): BaoxueConfig {
  return {
    ...loadConfig({}),
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'baoxue-e2e-')),
    policyPath: SECONDS_POLICY,
    seedDemo: true,
    demoPassword: DEMO_PASSWORD,
    // The demo town's cases would change every count a test makes; test/browser turns them on.
    seedDemoCases: false,
    // Tests poll the API far faster than a caseworker types; the limits are tested where they are set tight.
    rateLimit: { limit: 100_000, windowMs: 60_000 },
    loginRateLimit: { limit: 1_000, windowMs: 60_000 },
    loginLockoutAfter: 1_000,
    // SMS and WeCom only where a test asks for them (test/e2e/notification-channels.test.ts): the others count inbox rows.
    channels: INBOX_ONLY,
    ...overrides,
  };
}

export async function startApp(config: BaoxueConfig): Promise<RunningBaoxue> {
  return startBaoxue({ config, roles: { api: true, worker: true } });
}

/** A report body as a school would send it. */
export function reportBody(overrides: Record<string, unknown> = {}) {
  return {
    child: {
      name: '李小花',
      idNumber: validIdNumber('2012-06-01', 'F'),
      birthDate: '2012-06-01',
      sex: 'F',
      school: '故陵小学',
      grade: 6,
      className: '六年级一班',
      area: '高坪村',
      guardians: [{ name: '李大树', phone: '13900000000', relation: '父亲' }],
    },
    cause: 'GUARDIAN_REFUSES',
    note: '开学两周未到校',
    ...overrides,
  };
}

/** Polls GET /api/cases/:id (as the coordinator, who reads every case) until `ready` holds; fails with what it last saw. */
export async function waitForCase(
  apiUrl: string,
  caseId: string,
  ready: (body: CaseView) => boolean,
  timeoutMs = 30_000,
): Promise<CaseView> {
  const deadline = Date.now() + timeoutMs;
  let last: CaseView | undefined;
  while (Date.now() < deadline) {
    // A log-in that fails (the database is down in a fault test) is retried like the read.
    const token = await tokenFor(apiUrl, 'coordinator').catch(() => undefined);
    const res = token ? await withToken(request(apiUrl).get(`/api/cases/${caseId}`), token) : { status: 0, body: undefined };
    if (res.status === 200) {
      last = res.body as CaseView;
      if (ready(last)) return last;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`case ${caseId} did not get there in ${timeoutMs} ms; last seen: stage ${last?.stage}, events ${last?.timeline.map((e) => e.type).join(',')}`);
}

export interface CaseView {
  id: string;
  stage: string;
  open: boolean;
  paused: boolean;
  allowedActions: string[];
  actionDueAt: string | null;
  windowEndsAt: string | null;
  nextDeadlineAt: string | null;
  policyVersion: string | null;
  timeline: Array<{ id: string; seq: number; type: string; automatic: boolean; actor: string; reason: string; stageBefore: string; stageAfter: string; occurredAt: string }>;
}
