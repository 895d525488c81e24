import test from 'ava';
import { ADMIN_TOKEN } from './fixture/server.ts';
import { chromiumAvailable, type Env, open, ready, startEnv, vpnEvent } from './setup.ts';

let env: Env;
test.before(async () => {
  env = await startEnv({ demo: true });
});
test.after.always(async () => {
  await env?.close();
});

const run = chromiumAvailable() ? test.serial : test.skip;

run(
  'an editor adds a note to an event with the admin token; it shows as text on the page and on the chart',
  async (t) => {
    const vpn = await vpnEvent(env);
    const { page, seen } = await open(env, `#/event/${encodeURIComponent(vpn.id)}`);
    await page.click('.editor-box summary');
    await page.fill('.editor .edit-note', 'Confirmed by <b>three</b> ISPs');
    await page.fill('.editor .admin-token', 'wrong-token');
    await page.click('.editor .edit-save');
    await page.waitForFunction(() =>
      /unauthori|Bearer/i.test(document.querySelector('.edit-status')?.textContent ?? ''),
    );
    await page.fill('.editor .admin-token', ADMIN_TOKEN);
    await page.click('.editor .edit-save');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.notes li')].some((li) => li.textContent?.includes('Confirmed by')),
    );
    await ready(page);
    const notes = await page.locator('.notes li').allTextContents();
    t.true(
      notes.some((n) => n.includes('Confirmed by <b>three</b> ISPs')),
      `note shown as text: ${notes}`,
    );
    t.is(await page.locator('.notes b').count(), 0, 'no markup from the note');
    const markers = await page.locator('svg.chart .note-marker title').allTextContents();
    t.true(markers.includes('Confirmed by <b>three</b> ISPs'), 'note drawn on the chart');
    t.false(page.url().includes(ADMIN_TOKEN), 'the token is never in the URL');
    t.deepEqual(
      seen.errors.filter((e) => !/401/.test(e)),
      [],
      'no errors besides the refused first try',
    );
  },
);

run(
  "a related event's title with markup (an editor's retitle) shows as text under 'Part of a wider disruption'",
  async (t) => {
    const vpn = await vpnEvent(env);
    const detail = (await (await fetch(`${env.url}/api/v1/events/${encodeURIComponent(vpn.id)}`)).json()) as {
      related: { id: string }[];
    };
    t.true(detail.related.length >= 1, 'the VPN event has related events');
    const payload = '<img src=x onerror="window.__xss=1;alert(1)"> & "dropped"';
    const res = await fetch(`${env.url}/api/v1/admin/events/${encodeURIComponent(detail.related[0].id)}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ title: payload }),
    });
    t.is(res.status, 200);
    const { page, seen } = await open(env, `#/event/${encodeURIComponent(vpn.id)}`);
    const items = await page.locator('.related-events .related-list li').allTextContents();
    t.true(
      items.some((i) => i.includes(payload)),
      `the title as text: ${items}`,
    );
    t.is(
      await page.locator('.related-events img, main img, main [onerror]').count(),
      0,
      'no element from data',
    );
    t.is(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    t.deepEqual(seen.dialogs, []);
    t.deepEqual(seen.errors, []);
  },
);
