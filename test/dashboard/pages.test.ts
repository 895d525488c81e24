import test from 'ava';
import { EVENTS } from './fixture/documents.ts';
import { measurementDoc, XSS_UID } from './fixture/measurement-doc.ts';
import { chromiumAvailable, type Env, open, startEnv } from './setup.ts';

/**
 * Every page against the real collector (its CSP and headers, its API shapes) with a few uploaded
 * measurements: nothing may log an error, and the embed must work inside an iframe of another page.
 */
let env: Env;
const uids = [XSS_UID, ...EVENTS.flatMap((e) => e.evidence.map((m) => m.measurement_uid))];
test.before(async () => {
  env = await startEnv({ uploads: uids.map((u) => measurementDoc(u)) });
});
test.after.always(async () => {
  await env?.close();
});

const run = chromiumAvailable() ? test.serial : test.skip;
const DAY = 'from=2024-11-09T19:00Z&to=2024-11-10T19:00Z';

for (const hash of [
  '#/overview',
  '#/overview?lang=ur',
  `#/timeline?${DAY}`,
  `#/timeline?${DAY}&rows=isp&g=openvpn&sel=all`,
  `#/timeline?${DAY}&rows=target&g=openvpn&tz=utc`,
  '#/timeline?from=2024-01-01T00:00Z&to=2025-01-01T00:00Z',
  `#/measurement/${uids[3]}`,
  '#/data',
  `#/embed/timeline?${DAY}`,
]) {
  run(`renders without errors: ${hash}`, async (t) => {
    const { page, seen } = await open(env, hash);
    t.true((await page.locator('svg.chart, table, .trace').count()) > 0, `served by the ${env.kind}`);
    t.deepEqual(seen.errors, []);
    t.deepEqual(seen.dialogs, []);
  });
}

run('the embed works inside an iframe of another page', async (t) => {
  const host = await env.browser.context.newPage();
  await host.setContent(
    `<iframe src="${env.url}/#/embed/timeline?${DAY}" width="800" height="420" title="Raabta"></iframe>`,
  );
  await host
    .frameLocator('iframe')
    .locator('#app[data-chart="ready"] svg.chart')
    .waitFor({ timeout: 20_000 });
  t.pass(`served by the ${env.kind}`);
});
