/**
 * A headless Chromium for the browser tests (test/browser): Debian's /usr/bin/chromium driven by
 * playwright-core. When it is missing, the set-up installs it with apt-get as root (with the CJK
 * fonts the pages need), or fails saying how to install it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, BrowserContext, Page, chromium } from 'playwright-core';
import type { RunningBaoxue } from '../../src/bootstrap';
import { BaoxueConfig, loadConfig } from '../../src/config';
import { DEMO_PASSWORD } from './auth';
import { startApp, testConfig } from './running-app';
import { createTestDatabase, TestDatabase } from './test-database';

export const CHROMIUM = process.env.BAOXUE_CHROMIUM?.trim() || '/usr/bin/chromium';
export const ARTIFACTS = resolve(__dirname, '..', '..', 'test-artifacts');

export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() === 0) {
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium', 'fonts-noto-cjk'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (existsSync(CHROMIUM)) return;
  }
  throw new Error(
    `the browser tests need Chromium at ${CHROMIUM} and it is not there. Install it: ` +
      '`sudo apt-get install -y chromium fonts-noto-cjk` (Debian/Ubuntu), or point BAOXUE_CHROMIUM at a Chromium binary.',
  );
}

export async function launchBrowser(): Promise<Browser> {
  ensureChromium();
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** Saves a full-page screenshot as test-artifacts/<name>.png (gitignored). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Logs in through the page's own form. */
export async function logInOnPage(page: Page, username: string, password: string): Promise<void> {
  await page.fill('[data-testid="login-form"] input[name=username]', username);
  await page.fill('[data-testid="login-form"] input[name=password]', password);
  await page.click('[data-testid="login-form"] button[type=submit]');
}

/** A phone's screen: every page is checked there (docs/web.md). */
export const PHONE = { width: 390, height: 844 };

export interface BrowserAppOptions {
  /** The app's configuration beside the test defaults (the default policy; called in beforeAll). */
  config?: () => Partial<BaoxueConfig>;
  /**
   * HTTP statuses of failed requests the file provokes and the pages show in words: the browser
   * logs each as a console error ("status of 401"), which otherwise fails the test.
   */
  expectedStatuses?: number[];
  /** Other console errors the file provokes (offline: the requests the browser could not make). */
  expectedErrors?: RegExp;
}

export interface OpenOptions {
  /** Who the page is, in the list of problems. */
  who?: string;
  viewport?: { width: number; height: number };
  /** Only so that axe-core can be injected; the pages run under the real CSP where it is false (dashboard.test.ts). */
  bypassCSP?: boolean;
  /** Whether the app's offline worker may run (playwright's default is to allow it). */
  serviceWorkers?: 'allow' | 'block';
  /** Runs on the new context before its page opens (an init script). */
  setUp?: (context: BrowserContext) => Promise<unknown>;
}

export interface BrowserApp {
  readonly app: RunningBaoxue;
  readonly db: TestDatabase;
  readonly browser: Browser;
  /** A new browser context (its own session) at `path` of the app. */
  open(path: string, options?: OpenOptions): Promise<Page>;
  /** /app logged in as `username` through the page's form (after `beforeLogIn`), once `waitFor` (the first page) is there. */
  appAs(username: string, options?: OpenOptions & { waitFor?: string; beforeLogIn?: (page: Page) => Promise<unknown> }): Promise<Page>;
  /** A problem a test saw outside the page (it fails the test after it, as a console error does). */
  problem(text: string): void;
}

/**
 * One app as `npm start` composes it (real Temporal, real PostgreSQL, the demo accounts) and one
 * browser for a test file, with jest's hooks: every context closed after each test, and each test
 * fails on a script error or a console error the file does not expect (a CSP violation, a failed
 * request). Call at the top of the file.
 */
export function useBrowserApp(options: BrowserAppOptions = {}): BrowserApp {
  let db: TestDatabase;
  let app: RunningBaoxue;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  const expected = options.expectedStatuses?.length ? new RegExp(`status of (${options.expectedStatuses.join('|')})\\b`) : null;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    const config = testConfig({ databaseUrl: db.url, policyPath: loadConfig({}).policyPath, ...options.config?.() });
    [app, browser] = await Promise.all([startApp(config), launchBrowser()]);
    if (config.seedDemoCases) await app.demoSeeded;
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

  async function open(path: string, { who = path, viewport = PHONE, bypassCSP = false, serviceWorkers = 'allow', setUp }: OpenOptions = {}): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'zh-CN', acceptDownloads: true, bypassCSP, serviceWorkers });
    contexts.push(context);
    await setUp?.(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`${who}: ${err.message}`));
    page.on('console', (message) => {
      const text = message.text();
      if (message.type() === 'error' && !(expected && expected.test(text)) && !options.expectedErrors?.test(text)) problems.push(`${who}: ${text}`);
    });
    await page.goto(`${app.apiUrl}${path}`);
    return page;
  }

  return {
    get app() {
      return app;
    },
    get db() {
      return db;
    },
    get browser() {
      return browser;
    },
    open,
    async appAs(username, { waitFor = '[data-testid="task-total"]', beforeLogIn, ...rest } = {}) {
      const page = await open('/app', { who: username, ...rest });
      await beforeLogIn?.(page);
      await logInOnPage(page, username, DEMO_PASSWORD);
      await page.waitForSelector(waitFor);
      return page;
    },
    problem: (text) => problems.push(text),
  };
}

// Functions run in the browser reach `document` through globalThis (the tests compile without the DOM's types).

/** The page is no wider than the screen (no horizontal scroll); with axe-core and a screenshot: expectPhoneFriendly in page-checks.ts. */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const widths = await page.evaluate(() => ({ scroll: (globalThis as any).document.documentElement.scrollWidth as number, client: (globalThis as any).document.documentElement.clientWidth as number }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
}
