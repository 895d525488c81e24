/**
 * Consent and risky categories through the real probe CLI (loopback target, no upload): nothing is
 * measured without informed consent; targets in risky categories are skipped unless the configuration
 * enables them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import {
  type LoopbackTarget,
  loopbackProbeArgs,
  readOutbox,
  runProbe,
  startLoopbackTarget,
  tempDir,
  writeJson,
} from '../e2e/harness.ts';

let tmp: ReturnType<typeof tempDir>;
let target: LoopbackTarget;

test.before(async () => {
  tmp = tempDir('raabta-consent-');
  target = await startLoopbackTarget();
});
test.after.always(async () => {
  await target?.close();
  tmp?.remove();
});

const withoutAccept = (dataDir: string) =>
  loopbackProbeArgs(target, dataDir, []).filter((a) => a !== '--accept');

test.serial(
  'without consent and without a terminal nothing is measured; --accept records consent once',
  async (t) => {
    const dataDir = join(tmp.dir, 'fresh');
    const hits = target.hits;
    const refused = await runProbe([
      'run',
      '--once',
      '--no-upload',
      '--target',
      target.url,
      ...withoutAccept(dataDir),
    ]);
    t.is(refused.code, 3);
    t.regex(refused.stderr, /WHAT IS UPLOADED/);
    t.regex(refused.stderr, /Your IP address is NOT uploaded/);
    t.regex(refused.stderr, /RISKS:/);
    t.regex(refused.stderr, /run again with --accept/);
    t.is(target.hits, hits, 'not a single request');
    t.false(existsSync(join(dataDir, 'outbox.sqlite')), 'no outbox, no key');
    t.false(existsSync(join(dataDir, 'probe-key.pem')));

    const accepted = await runProbe([
      'run',
      '--once',
      '--no-upload',
      '--target',
      target.url,
      ...loopbackProbeArgs(target, dataDir, []),
    ]);
    t.is(accepted.code, 0, accepted.stderr);
    const consent = JSON.parse(readFileSync(join(dataDir, 'consent.json'), 'utf8')) as { how: string };
    t.is(consent.how, '--accept');
    t.is(readOutbox(dataDir).rows.length, 1);

    const later = await runProbe([
      'run',
      '--once',
      '--no-upload',
      '--target',
      target.url,
      ...withoutAccept(dataDir),
    ]);
    t.is(later.code, 0, 'consent is remembered');
    t.is(readOutbox(dataDir).rows.length, 2);
  },
);

test.serial(
  'targets in risky categories are skipped unless the configuration enables that category',
  async (t) => {
    const suite = writeJson(join(tmp.dir, 'mixed.json'), {
      name: 'mixed',
      targets: [
        { input: `${target.url}?news`, category_code: 'NEWS' },
        { input: `${target.url}?lgbt`, category_code: 'LGBT' },
        { input: `${target.url}?rel`, category_code: 'REL' },
      ],
    });
    const inputs = (dir: string) =>
      readOutbox(dir)
        .rows.map((r) => (JSON.parse(r.body!) as { input: string }).input.replace(target.url, ''))
        .sort();

    const plain = join(tmp.dir, 'plain');
    const off = await runProbe([
      'run',
      '--once',
      '--no-upload',
      '--suite',
      suite,
      ...loopbackProbeArgs(target, plain, []),
    ]);
    t.is(off.code, 0, off.stderr);
    t.deepEqual(inputs(plain), ['?news']);
    t.regex(off.stderr, /Skipped .*\?lgbt: category LGBT is not enabled/);
    t.regex(off.stderr, /Skipped .*\?rel: category REL is not enabled/);

    const optedIn = join(tmp.dir, 'opted-in');
    const config = writeJson(join(tmp.dir, 'lgbt.json'), { enabled_risky_categories: ['LGBT'] });
    const on = await runProbe([
      'run',
      '--once',
      '--no-upload',
      '--suite',
      suite,
      '--config',
      config,
      ...loopbackProbeArgs(target, optedIn, []),
    ]);
    t.is(on.code, 0, on.stderr);
    t.deepEqual(inputs(optedIn), ['?lgbt', '?news'], 'only the category enabled explicitly');
  },
);
