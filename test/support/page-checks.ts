/**
 * Checks every page of the browser tests passes (docs/web.md "Phone first"): no horizontal scroll,
 * no serious or critical axe-core violation, and a full-page screenshot in test-artifacts/.
 */
import type { Page } from 'playwright-core';
import { screenshot } from './browser';

/** axe-core in the page: the serious and critical violations, as "rule: targets". */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  // Functions run in the browser reach `document` through globalThis (the tests compile without the DOM's types).
  return page.evaluate(async () => {
    const result = await (globalThis as any).axe.run((globalThis as any).document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  });
}

/** No horizontal scroll, axe clean, and the screenshot `name`. */
export async function expectPhoneFriendly(page: Page, name: string): Promise<void> {
  const widths = await page.evaluate(() => ({ scroll: (globalThis as any).document.documentElement.scrollWidth as number, client: (globalThis as any).document.documentElement.clientWidth as number }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, name);
}
