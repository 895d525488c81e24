import test from 'ava';
import { screenshot } from '../helpers/browser.ts';
import { chromiumAvailable, type Env, open, ready, startEnv, vpnEvent } from './setup.ts';

let env: Env;
test.before(async () => {
  env = await startEnv({ demo: true });
});
test.after.always(async () => {
  await env?.close();
});

const run = chromiumAvailable() ? test.serial : test.skip;
const named = (s: string) => /[A-Za-z]{2,}/.test(s.replace(/\(?AS\d+\)?/g, ''));

run(
  'journalist: overview → timeline → 10 Nov 2024 → VPN event with ISPs and evidence; the URL reloads to the same view',
  async (t) => {
    t.log(`served by the ${env.kind}`);
    const vpn = await vpnEvent(env);
    const { page, seen } = await open(env, '#/overview');
    t.true((await page.locator('table.state-grid td.state').count()) > 0, 'state grid');
    const isps = await page.locator('table.state-grid th .isp-name').allTextContents();
    t.true(isps.length > 0 && isps.every(named), `ISP names, not only AS numbers: ${isps}`);
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
    t.true(
      (await page.locator(`svg.chart a.event-band[data-event="${vpn.id}"]`).count()) === 1,
      'the event is on the chart',
    );
    const vpnRow = await page.locator(`.row-summary tr[data-row="${vpn.target_group}"]`).textContent();
    t.regex(
      vpnRow ?? '',
      /\d+% · 10 Nov 2024, \d\d:\d0 PKT/,
      'the numbers under the colours: the worst bucket',
    );
    await screenshot(page, 'timeline');

    await page.click(`.events-in-range .event-card[data-event="${vpn.id}"] a.event-link`);
    await page.waitForFunction(() => location.hash.startsWith('#/event/'));
    await ready(page);
    await page.waitForSelector('.evidence-trace[data-ready="1"]');
    const affected = await page.locator('.isp-list li').allTextContents();
    t.true(affected.length >= 2 && affected.every(named), `affected ISPs by name: ${affected}`);
    t.true((await page.locator('.how li').count()) >= 1, 'how it was blocked');
    t.regex(
      (await page.locator('.event-summary').textContent()) ?? '',
      /disrupted on \d+ networks \(.+\)\. How: .+ probes agreed/,
      'a sentence to quote',
    );
    t.regex(await page.locator('.facts').innerText(), /PKT[\s\S]*UTC/);
    t.true((await page.locator('.evidence-list li').count()) >= 1, 'sample measurements');
    t.true(
      (await page.locator('.evidence-trace .trace .step').count()) >= 1,
      'an evidence measurement, step by step',
    );
    t.regex(
      (await page.locator('.event-data a.api-link').getAttribute('href')) ?? '',
      /^\/api\/v1\/measurements\?since=2024-11-10T/,
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
  'journalist: the 10 Nov 2024 VPN disruption is one entry on the overview; it opens on all three protocols and the ISPs',
  async (t) => {
    const { page, seen } = await open(env, '#/overview');
    const vpn = page.locator('.latest-events li.event-group', { hasText: 'VPN disruption' });
    t.is(await vpn.count(), 1, 'one entry for the VPN disruption, not one per protocol');
    t.regex(
      (await vpn.locator('a.event-link').textContent()) ?? '',
      /^VPN disruption: OpenVPN, WireGuard, IKEv2/,
    );
    t.regex((await vpn.locator('.when').textContent()) ?? '', /^10 Nov 2024, \d\d:\d\d–\d\d:\d\d PKT$/);
    const isps = (await vpn.locator('.isps').textContent()) ?? '';
    t.regex(isps, /^\d+ networks: .*PTCL/, 'the union of the networks, by name');
    const protocolCards = await page
      .locator('.latest-events li.event-card:not(.event-group)')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-group')));
    t.false(
      protocolCards.some((g) => ['openvpn', 'wireguard', 'ikev2'].includes(g ?? '')),
      `no separate protocol entries beside it: ${protocolCards}`,
    );

    await vpn.locator('a.event-link').click();
    await page.waitForFunction(() => location.hash.startsWith('#/event/'));
    await ready(page);
    const related = page.locator('.related-events');
    t.is(await related.locator('h2').textContent(), 'Part of a wider disruption');
    const summary = (await related.locator('.group-summary').textContent()) ?? '';
    t.regex(
      summary,
      /^10 Nov 2024, .*PKT: OpenVPN, WireGuard, IKEv2\/IPsec VPN disrupted together on \d+ networks \(.*PTCL.*\)\. How: .*handshakes .*\.$/,
    );
    const links = await related.locator('a.related-link').allTextContents();
    const own = ((await page.locator('.facts').textContent()) ?? '').match(
      /OpenVPN|WireGuard|IKEv2\/IPsec VPN/,
    )?.[0];
    t.deepEqual(
      [own, ...links].sort(),
      ['IKEv2/IPsec VPN', 'OpenVPN', 'WireGuard'],
      'this protocol and the two others',
    );
    const affected = await page.locator('.isp-list li').allTextContents();
    t.true(affected.length >= 2 && affected.every(named), `affected ISPs by name: ${affected}`);

    const here = decodeURIComponent(new URL(page.url()).hash.replace('#/event/', ''));
    await related.locator('a.related-link').first().click();
    await page.waitForSelector(`.related-events li[data-event="${here}"] a.related-link`);
    t.is(
      await page.locator('.related-events a.related-link').count(),
      2,
      'the related event links back to this one and the third',
    );
    t.deepEqual(seen.dialogs, []);
    t.deepEqual(seen.errors, []);
  },
);

run(
  'timeline: drag to zoom, select a row (stacked view) and a bucket; the state is in the URL',
  async (t) => {
    const { page, seen } = await open(env, '#/timeline?from=2024-01-01T00:00Z&to=2025-01-01T00:00Z');
    t.regex(await page.locator('.bucket-info').innerText(), /1 day/);
    const box = (await page.locator('svg.chart rect.brush').boundingBox())!;
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
  t.regex(await page.locator('.hover-info').innerText(), /^OpenVPN · 10 Nov 2024, 13:20 PKT–13:30: /);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.includes('sel=openvpn'));
  t.is(await page.locator('.stacked-box svg.chart').count(), 1);
  await page.keyboard.press('+');
  await page.waitForFunction(() => !location.hash.includes('from=2024-11-09T19:00Z'));
  await ready(page);
  t.regex(await page.locator('.bucket-info').innerText(), /10 minutes/);
});

run(
  'no data is drawn differently from ok, and sparse coverage is marked (fixture: a gap and a one-probe network)',
  async (t) => {
    if (env.kind !== 'fixture') {
      t.pass('the gap and the one-probe network are fixture data');
      return;
    }
    const { page } = await open(
      env,
      '#/timeline?from=2024-02-01T00:00Z&to=2024-05-01T00:00Z&rows=isp&g=news',
    );
    const gap = await page.locator('svg.chart g[data-row="AS23674"] rect.cell').count();
    const full = await page.locator('svg.chart g[data-row="AS17557"] rect.cell').count();
    t.true(gap < full, 'the March gap has no cells: the hatched "no data" background shows');
    t.regex(
      (await page.locator('svg.chart g[data-row="AS23674"] rect').first().getAttribute('fill')) ?? '',
      /^url\(#nodata-/,
    );
    const faded = await page.locator('svg.chart g[data-row="AS38193"] rect.cell[fill-opacity="0.4"]').count();
    t.true(faded > 0, 'cells of a network with one probe are faded');
  },
);
