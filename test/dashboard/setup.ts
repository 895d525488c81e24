/**
 * Shared setup of the dashboard browser tests: a server that serves dashboard/dist and the read API, and a
 * headless Chromium. The server is the fixture (test/dashboard/fixture), which follows collector/API.md.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { buildDashboard } from '../../scripts/build-dashboard.ts';
import { chromiumAvailable, type LaunchedBrowser, launchBrowser, watchPage } from '../helpers/browser.ts';
import { startFixture } from './fixture/server.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Env {
  url: string;
  browser: LaunchedBrowser;
  close(): Promise<void>;
}

export async function startEnv(): Promise<Env> {
  // `npm test` builds the dashboard first (pretest); a direct `npx ava` run builds it here if missing.
  if (!existsSync(path.join(root, 'dashboard', 'dist', 'index.html'))) await buildDashboard({ quiet: true });
  const server = await startFixture();
  const browser = await launchBrowser();
  return {
    url: server.url,
    browser,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

export { chromiumAvailable };

/** Opens a page at `hash` and waits for the view to finish rendering. */
export async function open(
  env: Env,
  hash: string,
): Promise<{ page: Page; seen: ReturnType<typeof watchPage> }> {
  const page = await env.browser.context.newPage();
  const seen = watchPage(page);
  await page.goto(`${env.url}/${hash}`);
  await ready(page);
  return { page, seen };
}

/** Waits until the current view has rendered (views set data-chart="ready" when done). */
export async function ready(page: Page): Promise<void> {
  await page.waitForSelector('main[data-chart="ready"], #app[data-chart="ready"]', { timeout: 20_000 });
}
