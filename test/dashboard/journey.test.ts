import test from 'ava';
import { screenshot } from '../helpers/browser.ts';
import { chromiumAvailable, type Env, open, ready, startEnv } from './setup.ts';

let env: Env;
test.before(async () => {
  env = await startEnv({ demo: true });
});
test.after.always(async () => {
  await env?.close();
});

const run = chromiumAvailable() ? test.serial : test.skip;

run(
  'journalist: overview → timeline → 10 Nov 2024 → VPN event with ISPs and evidence; URL reloads to the same view',
  async (t) => {
    const { page, seen } = await open(env, '#/overview');
    t.truthy(await page.locator('table.state-grid').count(), 'state grid');
    t.true(
      (await page.locator('table.state-grid th .isp-name').allTextContents()).includes('PTCL'),
      'ISP names, not only AS numbers',
    );
    t.is(await page.locator('.simulated-banner:not([hidden])').count(), 1, 'simulated data is marked');
    t.true((await page.locator('a.atom-link[href="/events.atom"]').count()) >= 1, 'Atom feed link');
    await screenshot(page, 'overview');

    await page.click('header nav a[data-nav="timeline"]');
    await page.waitForSelector('.controls input.date-jump');
    await ready(page);
    await page.fill('.controls input.date-jump', '2024-11-10');
    await page.click('.controls button.date-go');
    await page.waitForFunction(() => location.hash.includes('from=2024-11-09T19:00Z'));
    await ready(page);
    t.regex(await page.locator('.bucket-info').innerText(), /10 minutes/);
    t.true((await page.locator('svg.chart a.event-band').count()) >= 1, 'event bands on the chart');
    const vpnRow = await page.locator('.row-summary tr[data-row="openvpn"]').textContent();
    t.regex(
      vpnRow ?? '',
      /\d+% · 10 Nov 2024, 13:\d0 PKT/,
      'the numbers under the colours: the worst bucket',
    );
    await screenshot(page, 'timeline');

    // The VPN event of that day: a card of a VPN protocol that started on 10 Nov 2024 (UTC).
    const link = page
      .locator(
        '.events-in-range .event-card:is([data-group="openvpn"], [data-group="wireguard"], [data-group="ikev2"])[data-start^="2024-11-10"] a.event-link',
      )
      .first();
    await link.click();
    await page.waitForFunction(() => location.hash.startsWith('#/event/'));
    await ready(page);
    await page.waitForSelector('.evidence-trace[data-ready="1"]');
    const isps = await page.locator('.isp-list li').allTextContents();
    t.true(
      isps.some((s) => s.startsWith('PTCL')) && isps.some((s) => s.startsWith('Jazz')),
      `ISPs by name: ${isps}`,
    );
    t.regex(await page.locator('.how').innerText(), /handshake|UDP/i);
    t.regex(await page.locator('.facts').innerText(), /PKT[\s\S]*UTC/);
    const trace = await page.locator('.evidence-trace .trace').innerText();
    t.regex(trace, /openvpn\/udp|generic_timeout_error/i, 'evidence step trace');
    t.true((await page.locator('.evidence-trace .col.control li').count()) >= 1, 'control side shown');
    t.regex(
      (await page.locator('.event-data a.api-link').getAttribute('href')) ?? '',
      /^\/api\/v1\/measurements\?since=2024-11-10T08/,
      'the data behind the event',
    );
    await screenshot(page, 'event');

    const url = page.url();
    const title = await page.locator('h1.event-title').innerText();
    await page.reload();
    await ready(page);
    t.is(page.url(), url);
    t.is(await page.locator('h1.event-title').innerText(), title, 'reload shows the same event');
    t.deepEqual(seen.dialogs, []);
    t.deepEqual(seen.errors, []);
  },
);

run(
  'timeline: drag to zoom, select a row (stacked view) and a bucket; the state is in the URL',
  async (t) => {
    const { page, seen } = await open(env, '#/timeline?from=2024-01-01T00:00Z&to=2025-01-01T00:00Z');
    t.regex(await page.locator('.bucket-info').innerText(), /1 day/);
    const brush = page.locator('svg.chart rect.brush');
    const box = (await brush.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.85, box.y + 5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.9, box.y + 5, { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction(() => !location.hash.includes('from=2024-01-01'));
    await ready(page);
    t.regex(await page.locator('.bucket-info').innerText(), /1 hour|1 day/);
    const b2 = (await page.locator('svg.chart rect.brush').boundingBox())!;
    await page.mouse.click(b2.x + b2.width / 2, b2.y + 24 * 4 + 10); // fifth row: OpenVPN
    await page.waitForFunction(() => location.hash.includes('sel='));
    t.is(await page.locator('.stacked-box svg.chart').count(), 1, 'stacked ok/blocked view for the row');
    t.is(await page.locator('.bucket-detail .detail').count(), 1);
    const url = page.url();
    await page.reload();
    await ready(page);
    t.is(await page.locator('.stacked-box svg.chart').count(), 1, 'selection survives reload');
    t.is(page.url(), url);
    t.deepEqual(seen.errors, []);
  },
);

run('keyboard: the heatmap is focusable; arrows move, Enter selects the row, + zooms in', async (t) => {
  const { page } = await open(env, '#/timeline?from=2024-11-09T19:00Z&to=2024-11-10T19:00Z');
  await page.focus('.heatmap-box svg.chart');
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
  for (let i = 0; i < 80; i++) await page.keyboard.press('ArrowRight');
  t.regex(
    await page.locator('.hover-info').innerText(),
    /^OpenVPN · 10 Nov 2024, 13:20 PKT–13:30: \d+% blocked/,
  );
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.includes('sel=openvpn'));
  t.is(await page.locator('.stacked-box svg.chart').count(), 1);
  await page.keyboard.press('+');
  await page.waitForFunction(() => !location.hash.includes('from=2024-11-09T19:00Z'));
  await ready(page);
  t.regex(await page.locator('.bucket-info').innerText(), /10 minutes/);
});

run('no data is drawn differently from ok, and sparse coverage is marked', async (t) => {
  const { page } = await open(env, '#/timeline?from=2024-02-01T00:00Z&to=2024-05-01T00:00Z&rows=isp&g=news');
  const nayatel = page.locator('svg.chart g[data-row="AS23674"]');
  const cells = await nayatel.locator('rect.cell').count();
  const ptcl = await page.locator('svg.chart g[data-row="AS17557"] rect.cell').count();
  t.true(cells < ptcl, 'the March gap has no cells: the hatched "no data" background shows');
  t.regex(
    (await page.locator('svg.chart g[data-row="AS23674"] rect').first().getAttribute('fill')) ?? '',
    /^url\(#nodata-/,
  );
  const faded = await page.locator('svg.chart g[data-row="AS38193"] rect.cell[fill-opacity="0.4"]').count();
  t.true(faded > 0, 'cells of a network with one probe are faded');
});
