/**
 * A headless Chromium for the browser tests (test/browser): Debian's /usr/bin/chromium driven by
 * playwright-core. When it is missing, the set-up installs it with apt-get as root (with the CJK
 * fonts the pages need), or fails saying how to install it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, Page, chromium } from 'playwright-core';

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

/**
 * Phone first, as every page must be (docs/web.md): no horizontal scroll, no serious or critical
 * axe-core violation (the context needs bypassCSP to inject axe), and a screenshot `name`.
 */
export async function expectPhoneFriendly(page: Page, name: string): Promise<void> {
  // Functions run in the browser reach document through globalThis (the tests compile without the DOM's types).
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
