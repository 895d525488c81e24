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
