/**
 * The real collector's start() with the demo and a datasets directory, as `npm start` runs it: the
 * publishing job fills the directory in the background, so the 10 Nov 2024 VPN event's page shows the daily
 * files of its days under "Data behind this event", and the data page lists them; what the page shows
 * downloads with the SHA-256 it states.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { pino } from 'pino';
import { start } from '../../collector/server.ts';
import { buildDashboard } from '../../scripts/build-dashboard.ts';
import { chromiumAvailable, type LaunchedBrowser, launchBrowser, watchPage } from '../helpers/browser.ts';
import { demoAvailable } from './collector-env.ts';
import { ADMIN_TOKEN } from './fixture/server.ts';
import { type Env, ready, vpnEvent } from './setup.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Listed {
  date: string;
  files: { name: string; format: string; bytes: number; sha256: string; url: string }[];
}

async function poll<T>(what: string, fn: () => Promise<T | null>, timeoutMs = 150_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const v = await fn();
    if (v !== null) return v;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

let env: Env;
let dir: string;
test.before(async () => {
  if (!existsSync(path.join(root, 'dashboard', 'dist', 'index.html'))) await buildDashboard({ quiet: true });
  dir = await mkdtemp(path.join(os.tmpdir(), 'raabta-event-data-'));
  const running = await start({
    adminToken: ADMIN_TOKEN,
    db: path.join(dir, 'collector.db'),
    port: 0,
    demo: demoAvailable(),
    dashboardDir: path.join(root, 'dashboard', 'dist'),
    datasetsDir: path.join(dir, 'datasets'),
    log: pino({ level: 'silent' }),
    prepareWorkers: 0,
    detectEveryMs: 2000,
  });
  let browser: LaunchedBrowser | null = null;
  env = {
    kind: 'collector',
    url: running.url,
    get browser() {
      if (!browser) throw new Error('no browser');
      return browser;
    },
    async close() {
      await browser?.close();
      await running.close();
    },
  };
  if (chromiumAvailable()) browser = await launchBrowser();
});
test.after.always(async () => {
  await env?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const run = chromiumAvailable() && demoAvailable() ? test.serial : test.skip;

run(
  'the demo VPN event page lists the published files of its days, and they download with the stated SHA-256',
  async (t) => {
    const vpn = await poll('the VPN event', () => vpnEvent(env).catch(() => null));
    const event = (await (await fetch(`${env.url}/api/v1/events/${vpn.id}`)).json()) as {
      start: string;
      end: string | null;
    };
    const firstDay = event.start.slice(0, 10);
    t.is(firstDay, '2024-11-10');
    // published by the job start() runs (no export command): wait until the event's first day is listed
    const listed = await poll('the event day in the datasets index', async () => {
      const sets = ((await (await fetch(`${env.url}/api/v1/datasets`)).json()) as { results: Listed[] })
        .results;
      return sets.find((d) => d.date === firstDay) ?? null;
    });
    t.deepEqual(listed.files.map((f) => f.format).sort(), ['csv', 'jsonl.gz', 'ooni.jsonl.gz', 'parquet']);

    const page = await env.browser.context.newPage();
    const seen = watchPage(page);
    await page.goto(`${env.url}/#/event/${encodeURIComponent(vpn.id)}`);
    await ready(page);
    await page.waitForSelector('.event-data a.dataset-link');
    const links = page.locator('.event-data a.dataset-link');
    const texts = await links.allTextContents();
    t.true(
      texts.some((s) => s.startsWith(`${firstDay} · jsonl.gz`)),
      `files of ${firstDay} under "Data behind this event": ${texts}`,
    );
    const item = page.locator('.event-data li', { hasText: `${firstDay} · csv` });
    const href = await item.locator('a.dataset-link').getAttribute('href');
    const shown = (await item.locator('code.sha').textContent()) ?? '';
    const csv = listed.files.find((f) => f.format === 'csv');
    t.is(href, csv?.url ?? null);
    const body = Buffer.from(await (await fetch(`${env.url}${href}`)).arrayBuffer());
    t.is(createHash('sha256').update(body).digest('hex'), shown, 'the file has the checksum the page shows');
    t.regex(body.toString('utf8').split('\r\n')[0], /^measurement_uid,measurement_start_time,/);

    await page.goto(`${env.url}/#/data?date=${firstDay}`);
    await ready(page);
    t.true(
      (await page.locator(`tr[data-date="${firstDay}"] a.dataset-link`).count()) >= 3,
      'the data page lists the day with its JSONL.gz, CSV and Parquet files',
    );
    t.deepEqual(seen.errors, []);
  },
);
