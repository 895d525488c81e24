import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { RESULTS_DIR } from '../helpers/browser.ts';
import { chromiumAvailable, type Env, open, ready, startEnv, vpnEvent } from './setup.ts';

let env: Env;
test.before(async () => {
  env = await startEnv({ demo: true });
});
test.after.always(async () => {
  await env?.close();
});

const run = chromiumAvailable() ? test.serial : test.skip;
const DAY = '#/timeline?from=2024-11-09T19:00Z&to=2024-11-10T19:00Z';

async function downloaded(
  page: import('playwright-core').Page,
  selector: string,
): Promise<{ name: string; data: Buffer }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), data: await readFile(file) };
}

run('SVG, PNG and CSV exports carry the chart, its caption, the source and the simulated mark', async (t) => {
  const { page, seen } = await open(env, DAY);
  const svg = await downloaded(page, '.share-bar button.export-svg');
  const text = svg.data.toString('utf8');
  t.regex(svg.name, /\.svg$/);
  t.true(text.startsWith('<?xml'));
  t.regex(text, /Source: Raabta, http:\/\/127\.0\.0\.1:\d+\/#\/timeline\?from=2024-11-09T19:00Z/);
  t.regex(text, /SIMULATED DATA/);
  t.regex(text, /<a href="http:\/\/127\.0\.0\.1:\d+\/#\/event\//, 'event links are absolute in the export');
  const png = await downloaded(page, '.share-bar button.export-png');
  t.deepEqual([...png.data.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG');
  t.true(png.data.length > 5000, `PNG of ${png.data.length} bytes`);
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(path.join(RESULTS_DIR, 'timeline-export.png'), png.data);
  await writeFile(path.join(RESULTS_DIR, 'timeline-export.svg'), svg.data);
  const csv = await downloaded(page, '.share-bar button.export-csv');
  const lines = csv.data.toString('utf8').trim().split('\r\n');
  t.is(
    lines[0],
    '"row","bucket_start_utc","bucket","ok","blocked","down","error","inconclusive","probes","simulated"',
  );
  t.true(lines.length > 100);
  t.deepEqual(seen.errors, [], 'exports work under the CSP');
});

run(
  'the embeddable chart renders alone, with its caption and a link back; the embed code points at it',
  async (t) => {
    const { page } = await open(env, DAY);
    const code = await page.locator('textarea.embed-code').inputValue();
    t.regex(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/#\/embed\/timeline\?from=2024-11-09T19:00Z/);
    const src = /src="([^"]+)"/.exec(code)?.[1] ?? '';
    const embed = await env.browser.context.newPage();
    await embed.goto(src);
    await ready(embed);
    t.is(await embed.locator('header').count(), 0, 'no site chrome');
    t.is(await embed.locator('svg.chart').count(), 1);
    t.regex((await embed.locator('.embed-foot a').getAttribute('href')) ?? '', /#\/timeline\?/);
    // Inside an <iframe> of another page (the server must not forbid framing).
    const host = await env.browser.context.newPage();
    await host.setContent(`<iframe src="${src}" width="800" height="420" title="Raabta"></iframe>`);
    const frame = host.frameLocator('iframe');
    await frame.locator('#app[data-chart="ready"] svg.chart').waitFor({ timeout: 20_000 });
    t.pass();
  },
);

run('feeds: site-wide Atom link on every page, per-service and per-network feeds on an event', async (t) => {
  const vpn = await vpnEvent(env);
  const { page } = await open(env, `#/event/${encodeURIComponent(vpn.id)}`);
  const hrefs = await page
    .locator('a.atom-link')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  t.true(hrefs.includes('/events.atom'));
  t.true(hrefs.includes(`/events.atom?target_group=${vpn.target_group}`));
  t.true(hrefs.some((h) => /^\/events\.atom\?probe_asn=AS\d+$/.test(h)));
  const res = await fetch(`${env.url}/events.atom`);
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type') ?? '', /atom\+xml/);
  // a real XML parser (the browser's) reads the feed: no parse error, Atom namespace, the demo's events
  const xml = await res.text();
  const feed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    const entries = [...doc.getElementsByTagNameNS('http://www.w3.org/2005/Atom', 'entry')];
    return {
      parseError: doc.getElementsByTagName('parsererror').length > 0,
      root: `${doc.documentElement.namespaceURI} ${doc.documentElement.localName}`,
      ids: entries.map((e) => e.getElementsByTagName('id')[0]?.textContent ?? ''),
      categories: entries.map((e) => e.getElementsByTagName('category')[0]?.getAttribute('term') ?? ''),
    };
  }, xml);
  t.false(feed.parseError);
  t.is(feed.root, 'http://www.w3.org/2005/Atom feed');
  t.true(
    feed.ids.some((id) => id.endsWith(`/api/v1/events/${encodeURIComponent(vpn.id)}`)),
    'the VPN event',
  );
  for (const group of ['x', 'whatsapp_media', vpn.target_group])
    t.true(feed.categories.includes(group), group);
});

run('data page: downloads with sizes and checksums, schema link, curl examples', async (t) => {
  const { page } = await open(env, '#/data');
  const manifest = (await (await fetch(`${env.url}/api/v1/datasets`)).json()) as { results: unknown[] };
  const days = Math.min(31, manifest.results.length);
  t.is(await page.locator('table.datasets tbody tr').count(), days, 'one row per day (latest month)');
  if (days) t.regex(await page.locator('table.datasets').innerText(), /[KM]iB|\d B[\s\S]*[0-9a-f]{64}/);
  t.is(await page.locator('a.schema-link').getAttribute('href'), '/schemas/measurement.schema.json');
  t.regex(await page.locator('pre.curl').innerText(), /curl -s '.*\/api\/v1\/timeline\?/);
  const schema = await fetch(`${env.url}/schemas/measurement.schema.json`);
  t.is(schema.status, 200, 'the schema is served from dashboard/dist/schemas/');
  t.is(((await schema.json()) as { $id: string }).$id, 'urn:raabta:schema:measurement:v1');
});
