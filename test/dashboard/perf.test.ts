import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { RESULTS_DIR } from '../helpers/browser.ts';
import { chromiumAvailable, type Env, startEnv } from './setup.ts';

let env: Env;
test.before(async () => {
  env = await startEnv({ demo: true });
});
test.after.always(async () => {
  await env?.close();
});

const run = chromiumAvailable() ? test.serial : test.skip;

/**
 * Time to first chart on a "cheap phone": 4× CPU slowdown, 150 ms latency, 1.6 Mbit/s down, 360×740 viewport,
 * cold cache. Measured from navigation to the heatmap being in the DOM. Figures go to test-results/perf.json
 * (and into dashboard/README.md by hand).
 */
async function timeToChart(hash: string, phone: boolean): Promise<number> {
  const page = await env.browser.context.newPage();
  const cdp = await env.browser.context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (phone) {
    await page.setViewportSize({ width: 360, height: 740 });
    const net = { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 100_000 };
    await cdp.send('Network.emulateNetworkConditions', net);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  }
  const t0 = Date.now();
  await page.goto(`${env.url}/${hash}`);
  await page.waitForSelector('main[data-chart="ready"]', { timeout: 30_000 });
  const ms = Date.now() - t0;
  await page.close();
  return ms;
}

run('time to first chart on a throttled phone profile, and the bundle size budget', async (t) => {
  const sizes = JSON.parse(
    await readFile(path.resolve(RESULTS_DIR, '../dashboard/dist/build-info.json'), 'utf8'),
  ).sizes;
  t.true(sizes['app.js'].gzip < 60_000, `app.js gzip ${sizes['app.js'].gzip} B`);
  const figures: Record<string, number> = {};
  const views = [
    ['overview', '#/overview'],
    ['timeline_year_1d', '#/timeline?from=2024-01-01T00:00Z&to=2025-01-01T00:00Z'],
    ['timeline_day_10m', '#/timeline?from=2024-11-09T19:00Z&to=2024-11-10T19:00Z'],
  ] as const;
  for (const profile of ['desktop', 'phone'] as const) {
    for (const [name, hash] of views)
      figures[`${profile}_${name}`] = await timeToChart(hash, profile === 'phone');
  }
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(
    path.join(RESULTS_DIR, 'perf.json'),
    `${JSON.stringify({ sizes, time_to_first_chart_ms: figures }, null, 2)}\n`,
  );
  t.log(figures);
  for (const [k, v] of Object.entries(figures)) t.true(v < 15_000, `${k}: ${v} ms`);
});
