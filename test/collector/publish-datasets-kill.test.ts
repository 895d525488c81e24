/**
 * A publishing run killed with SIGKILL in the middle of re-exporting a day (a real child process on the
 * collector's database: SQLite file or PostgreSQL): the day's previous files stay as they were and served; the next run removes the
 * half-written files and publishes the day.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import pino from 'pino';
import { verifyDay } from '../../collector/datasets/manifest.ts';
import { publishDatasets, STAGING_DIR } from '../../collector/jobs/publish-datasets.ts';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import { http, registerProbe, startCollector, tempDir, upload } from './helpers.ts';

const CHILD = new URL('./publish-datasets-child.ts', import.meta.url).pathname;
const DAY = '2024-11-09';
const NOW = new Date('2024-11-11T12:00:00Z');

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) out[name] = sha256(readFileSync(join(dir, name)));
  return out;
}

test('a publish killed midway leaves the previous files intact; the next run cleans up and publishes', async (t) => {
  const out = tempDir('raabta-datasets-');
  t.teardown(out.remove);
  const root = join(out.dir, 'datasets');
  const c = await startCollector({ datasetsDir: root });
  t.teardown(() => c.close());
  const probe = await registerProbe(c.url);
  const send = async (n: number, hour: number) => {
    const ms = Array.from({ length: n }, (_, i) =>
      sampleMeasurement({
        probe_id: probe.probeId,
        start: new Date(Date.parse(`${DAY}T00:00:00Z`) + hour * 3600_000 + i * 1000),
      }),
    );
    const r = await upload(c.url, probe, ms);
    if (r.status !== 200) throw new Error(r.text);
  };
  const log = pino({ level: 'silent' });
  await send(5, 1);
  await publishDatasets(c.storage, log, { datasetsDir: root, now: () => NOW });
  const dayDir = join(root, DAY);
  const before = snapshot(dayDir);
  const indexBefore = (await http(`${c.url}/api/v1/datasets`)).json;
  t.is(indexBefore.results[0].files[0].rows, 5);

  await send(100, 12);
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, c.db, root, NOW.toISOString(), '60'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const said = await new Promise<string>((resolve) => {
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
      if (/midway|finished/.test(text)) resolve(text);
    });
    child.once('exit', () => resolve(text));
  });
  t.regex(said, /midway/, `child: ${said} ${stderr}`);
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;

  const staged = readdirSync(join(root, STAGING_DIR));
  t.is(staged.length, 1, 'the killed run left its staging directory');
  const partial = readdirSync(join(root, STAGING_DIR, staged[0], DAY));
  t.true(
    partial.some(
      (f) => f.includes('.partial-') && statSync(join(root, STAGING_DIR, staged[0], DAY, f)).size > 0,
    ),
    `half-written files: ${partial}`,
  );
  t.deepEqual(snapshot(dayDir), before, 'previous files byte for byte');
  t.deepEqual(await verifyDay(dayDir), []);
  t.deepEqual((await http(`${c.url}/api/v1/datasets`)).json, indexBefore);

  const r = await publishDatasets(c.storage, log, { datasetsDir: root, now: () => NOW });
  t.deepEqual(
    r.published.map((p) => [p.date, p.rows, p.previous_rows]),
    [[DAY, 105, 5]],
  );
  t.deepEqual(readdirSync(join(root, STAGING_DIR)), [], 'leftovers removed');
  t.deepEqual(await verifyDay(dayDir), []);
});
