import test from 'ava';
import { measurementDoc, XSS_UID } from './fixture/measurement-doc.ts';
import { chromiumAvailable, type Env, open, startEnv } from './setup.ts';

let env: Env;
test.before(async () => {
  const uids = [XSS_UID];
  env = await startEnv({ uploads: uids.map((u) => measurementDoc(u)) });
});
test.after.always(async () => {
  await env?.close();
});

const run = chromiumAvailable() ? test.serial : test.skip;

run(
  'a measurement whose title, body, headers and hostnames carry <script>/onerror payloads is shown as text; nothing runs',
  async (t) => {
    t.log(`served by the ${env.kind}`);
    const { page, seen } = await open(env, `#/measurement/${XSS_UID}`);
    await page.locator('.trace details.body summary').first().click();
    await page.locator('.trace details.headers summary').first().click();
    const text = await page.locator('main').innerText();
    t.true(text.includes('<script>window.__xss=1;alert("xss")</script>'), 'script payload visible as text');
    t.true(text.includes('onerror="window.__xss=2;alert(2)"'), 'onerror payload visible as text');
    t.true(
      (await page.locator('.http-body').innerText()).includes('<img src=x onerror='),
      'body shown as text',
    );
    t.true(
      (await page.locator('.verdict-reason').first().innerText()).includes('<script>'),
      'verdict reason as text',
    );
    t.is(
      await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
      undefined,
      'no payload ran',
    );
    t.is(
      await page.locator('main img, main script, main iframe, main [onerror]').count(),
      0,
      'no element made from data',
    );
    t.is(await page.locator('script').count(), 1, 'only the app bundle');
    t.deepEqual(seen.dialogs, [], 'no alert/confirm/prompt');
    t.deepEqual(seen.errors, [], 'no console errors (incl. CSP violations)');
  },
);

run('the raw JSON link points at the collector route', async (t) => {
  const { page } = await open(env, `#/measurement/${XSS_UID}`);
  t.is(await page.locator('a.raw-link').getAttribute('href'), `/api/v1/measurements/${XSS_UID}/raw`);
});
