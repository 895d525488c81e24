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

/** The data shown in the overview grid (cell states) and the events, whatever the language. */
async function overviewData(hash: string) {
  const { page, seen } = await open(env, hash);
  const cells = await page
    .locator('td.state')
    .evaluateAll((tds) =>
      tds.map((td) => `${td.getAttribute('data-group')}/${td.getAttribute('data-asn')}/${td.className}`),
    );
  const events = await page
    .locator('.event-card')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-event')));
  return { page, seen, cells, events };
}

run('Urdu renders right-to-left with the same data as English', async (t) => {
  const en = await overviewData('#/overview');
  const ur = await overviewData('#/overview?lang=ur');
  t.is(await ur.page.getAttribute('html', 'dir'), 'rtl');
  t.is(await ur.page.getAttribute('html', 'lang'), 'ur');
  t.is(await en.page.getAttribute('html', 'dir'), 'ltr');
  t.deepEqual(ur.cells, en.cells, 'same cells, same states');
  t.deepEqual(ur.events, en.events, 'same events');
  t.true(ur.cells.length > 0);
  t.regex(await ur.page.locator('h1').innerText(), /[\u0600-\u06FF]/, 'Urdu heading');
  t.regex(await ur.page.locator('header nav').innerText(), /جائزہ/);
  t.regex(
    (await ur.page.locator('.event-group a.event-link').first().textContent()) ?? '',
    /^وی پی این میں خلل: OpenVPN/,
    'the grouped VPN disruption titled in Urdu',
  );
  const align = await ur.page.locator('h1').evaluate((el) => getComputedStyle(el).direction);
  t.is(align, 'rtl');
  t.deepEqual(ur.seen.errors, []);
});

run('Urdu timeline and event page; the language switch keeps the view', async (t) => {
  const { page, seen } = await open(env, '#/timeline?lang=ur&from=2024-11-09T19:00Z&to=2024-11-10T19:00Z');
  t.is(await page.getAttribute('html', 'dir'), 'rtl');
  t.true((await page.locator('svg.chart a.event-band').count()) >= 1);
  await screenshot(page, 'timeline-ur');
  await page.click('.events-in-range a.event-link >> nth=0');
  await page.waitForFunction(() => location.hash.startsWith('#/event/') && location.hash.includes('lang=ur'));
  await ready(page);
  await page.waitForSelector('.evidence-trace[data-ready="1"]');
  t.regex(await page.locator('.facts').innerText(), /آغاز/);
  await screenshot(page, 'event-ur');
  await page.click('button.lang-switch');
  await page.waitForFunction(() => document.documentElement.dir === 'ltr');
  await ready(page);
  t.true(page.url().includes('#/event/'), 'same view in English');
  t.false(page.url().includes('lang=ur'));
  t.deepEqual(seen.errors, []);
});
