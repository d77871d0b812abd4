// How the tests read the inspector page: by the roles and names a person's screen reader uses.
import type { Page } from 'playwright-core';

/** Polls `check` from the test (real time, bounded) until it holds; returns the time it took. */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Selects an actor by clicking its row (the item's centre may fall on a child's row). */
export const select = (page: Page, name: string | RegExp) =>
  page
    .getByRole('treeitem', { name, exact: typeof name === 'string' })
    .locator(':scope > .row')
    .click();

/** Whether the diagram's state node `path` carries `aria-current="true"`. */
export const isCurrent = async (page: Page, path: string) =>
  (await page
    .getByRole('group', { name: path, exact: true })
    .getAttribute('aria-current', { timeout: 1_000 })
    .catch(() => null)) === 'true';
