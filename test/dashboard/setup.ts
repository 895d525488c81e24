/**
 * Shared setup of the dashboard browser tests: a server that serves dashboard/dist and the read API, and a
 * headless Chromium. The server is the real collector (collector-env.ts) where the test's data can be put
 * into it, else the fixture (test/dashboard/fixture), which follows collector/API.md.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { buildDashboard } from '../../scripts/build-dashboard.ts';
import { chromiumAvailable, type LaunchedBrowser, launchBrowser, watchPage } from '../helpers/browser.ts';
import { type CollectorEnv, demoAvailable, startCollector } from './collector-env.ts';
import { startFixture } from './fixture/server.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Env {
  kind: 'collector' | 'fixture';
  url: string;
  browser: LaunchedBrowser;
  close(): Promise<void>;
}

/** The collector app exists in this tree (it is being written concurrently; the fixture stands in until then). */
export function collectorAvailable(): boolean {
  return (
    existsSync(path.join(root, 'collector', 'app.ts')) &&
    existsSync(path.join(root, 'collector', 'storage', 'sqlite', 'index.ts'))
  );
}

/**
 * `uploads`: measurements the test needs; with the real collector they are uploaded as a probe would,
 * with the fixture they are already there. `demo`: the test needs the demo dataset (fixture until the
 * collector can load it here).
 */
export async function startEnv(opts: { uploads?: unknown[]; demo?: boolean } = {}): Promise<Env> {
  // `npm test` builds the dashboard first (pretest); a direct `npx ava` run builds it here if missing.
  if (!existsSync(path.join(root, 'dashboard', 'dist', 'index.html'))) await buildDashboard({ quiet: true });
  const useCollector =
    collectorAvailable() && (!opts.demo || demoAvailable()) && process.env.RAABTA_DASHBOARD_FIXTURE !== '1';
  const server = useCollector ? await startCollector({ demo: opts.demo }) : await startFixture();
  if (useCollector && opts.uploads?.length) {
    const res = await (server as CollectorEnv).upload(opts.uploads);
    if (res.status !== 200)
      throw new Error(`upload to the collector failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const browser = await launchBrowser();
  return {
    kind: useCollector ? 'collector' : 'fixture',
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

export interface EventRef {
  id: string;
  title: string;
  target_group: string;
}

/** The 10 November 2024 VPN event, found through the API (titles and ids differ between fixture and demo). */
export async function vpnEvent(env: Env): Promise<EventRef> {
  const q = 'since=2024-11-10T00:00:00Z&until=2024-11-11T00:00:00Z&limit=100';
  const res = (await (await fetch(`${env.url}/api/v1/events?${q}`)).json()) as {
    results: (EventRef & { start: string })[];
  };
  const vpn = res.results.find(
    (e) => ['openvpn', 'wireguard', 'ikev2'].includes(e.target_group) && e.start.startsWith('2024-11-10'),
  );
  if (!vpn)
    throw new Error(`no VPN event on 10 Nov 2024 among ${res.results.map((e) => e.title).join('; ')}`);
  return vpn;
}
