/**
 * Signed uploads against a real collector process: batches built by the probe's own code (buildBatch with
 * the key in its data directory) and then broken, replayed under another probe id, or sent by an
 * unregistered key are refused with 401 and a clear code, and the collector stores nothing; the probe CLI
 * keeps its measurements in the outbox and says why.
 */
import { copyFileSync, cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { generateKey, loadOrCreateKey } from '../../probe/identity/keys.ts';
import { buildBatch, type SignedBatch } from '../../probe/upload/batch.ts';
import type { Measurement } from '../../schemas/src/measurement.ts';
import {
  type CollectorProcess,
  collectorCounts,
  type LoopbackTarget,
  loopbackProbeArgs,
  readOutbox,
  runProbe,
  startCollector,
  startHoldingRelay,
  startLoopbackTarget,
  tempDir,
} from '../e2e/harness.ts';

let tmp: ReturnType<typeof tempDir>;
let target: LoopbackTarget;
let collector: CollectorProcess;
/** a data directory with one pending measurement and the probe's key, never uploaded */
let seedDir: string;
let seq = 0;

test.before(async () => {
  tmp = tempDir('raabta-upload-auth-');
  target = await startLoopbackTarget();
  collector = await startCollector(join(tmp.dir, 'collector.db'));
  seedDir = join(tmp.dir, 'seed');
  const r = await runProbe([
    'run',
    '--once',
    '--no-upload',
    '--target',
    target.url,
    ...loopbackProbeArgs(target, seedDir, [collector.url]),
  ]);
  if (r.code !== 0) throw new Error(r.stderr);
});

test.after.always(async () => {
  await collector?.stop();
  await target?.close();
  tmp?.remove();
});

/** A fresh copy of the seeded probe (its own data directory). */
function probeCopy(): string {
  const dir = join(tmp.dir, `probe-${seq++}`);
  cpSync(seedDir, dir, { recursive: true });
  return dir;
}

async function register(publicKeyB64: string): Promise<string> {
  const res = await fetch(`${collector.url}/api/v1/probes/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      public_key: publicKeyB64,
      software_name: 'raabta-probe',
      software_version: '0.1.0',
      platform: 'linux-x64',
    }),
  });
  if (res.status !== 200) throw new Error(`register: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { probe_id: string }).probe_id;
}

function pendingMeasurements(dir: string): Measurement[] {
  return readOutbox(dir)
    .rows.filter((r) => r.state === 'pending')
    .map((r) => JSON.parse(r.body!) as Measurement);
}

async function post(b: SignedBatch, headers: Record<string, string> = {}) {
  const res = await fetch(`${collector.url}/api/v1/measurements`, {
    method: 'POST',
    headers: { ...b.headers, ...headers },
    body: new Uint8Array(b.body),
  });
  return {
    status: res.status,
    error: ((await res.json()) as { error?: { code: string; message: string } }).error,
  };
}

const stored = () => collectorCounts(collector.db).size;

test.serial(
  'a probe-built batch with a broken signature, replayed under another probe id, or from an unregistered key is refused and nothing is stored',
  async (t) => {
    const dir = probeCopy();
    const { key } = loadOrCreateKey(join(dir, 'probe-key.pem'));
    const mine = await register(key.publicKeyB64);
    const other = await register(generateKey().publicKeyB64);
    const ms = pendingMeasurements(dir).map((m) => ({ ...m, raabta: { ...m.raabta, probe_id: mine } }));
    t.is(ms.length, 1);
    const before = stored();

    const good = buildBatch(mine, ms, key);
    const flipped = Buffer.from(good.body);
    flipped[flipped.length - 5] ^= 0x01; // one bit of the gzip trailer
    const broken = await post({ ...good, body: flipped });
    t.is(broken.status, 401);
    t.is(broken.error?.code, 'bad_signature');
    t.regex(broken.error?.message ?? '', /signature/i);

    const replayed = await post(good, { 'x-raabta-probe-id': other });
    t.is(replayed.status, 401, 'the same bytes under another registered probe id');
    t.is(replayed.error?.code, 'bad_signature');

    const stranger = generateKey();
    const unregistered = await post(buildBatch('p_0123456789abcdef01234567', ms, stranger));
    t.is(unregistered.status, 401);
    t.is(unregistered.error?.code, 'unknown_probe');
    t.regex(unregistered.error?.message ?? '', /regist/i);

    t.is(stored(), before, 'nothing of the refused batches was stored');
    // the same batch undamaged is accepted (under a fresh uid, so the seeded measurement stays unsent for the
    // other tests): the refusals were about the damage, not the content
    const fresh = ms.map((m) => ({
      ...m,
      measurement_uid: m.measurement_uid.replace(/[0-9a-f]{4}$/, 'beef'),
    }));
    t.is((await post(buildBatch(mine, fresh, key))).status, 200);
    t.is(stored(), before + 1);
  },
);

test.serial(
  'signatures broken on the way: the probe CLI reports 401 bad_signature and keeps its measurements in the outbox',
  async (t) => {
    const dir = probeCopy();
    // a middlebox that alters the signature header of every request
    const relay = await startHoldingRelay(collector.port, {
      hold: false,
      rewriteRequest: (d) => {
        const s = d.toString('latin1');
        const m = /x-raabta-signature: (.)/i.exec(s);
        if (!m) return d;
        const i = m.index + m[0].length - 1;
        return Buffer.from(`${s.slice(0, i)}${m[1] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`, 'latin1');
      },
    });
    t.teardown(() => relay.close());
    const before = stored();
    const uids = readOutbox(dir).rows.map((r) => r.uid);
    const r = await runProbe(['upload', ...loopbackProbeArgs(target, dir, [relay.url])]);
    t.is(r.code, 1);
    t.regex(r.stderr, /Upload failed: .*HTTP 401 bad_signature.*1 measurement\(s\) stay in the outbox/);
    const outbox = readOutbox(dir);
    t.deepEqual(
      outbox.rows.map((row) => [row.uid, row.state]),
      uids.map((u) => [u, 'pending']),
    );
    t.true(outbox.attempts.length >= 2, 're-registered once, then gave up');
    t.true(outbox.attempts.every((a) => a.http_status === 401 && a.error_code === 'bad_signature'));
    t.is(stored(), before);
    const status = await runProbe(['status', '--data-dir', dir, '--collector', relay.url]);
    t.regex(status.stdout, /Outbox: 1 pending/);
    t.regex(
      status.stdout,
      /Last upload error: .*answered HTTP 401 bad_signature.*the measurements stay in the outbox/,
    );
  },
);

test.serial(
  "a probe holding another probe's id is refused, re-registers its own key and uploads under its own id",
  async (t) => {
    const dir = probeCopy();
    const other = await register(generateKey().publicKeyB64);
    writeFileSync(join(dir, 'identity.json'), JSON.stringify({ probe_ids: { [collector.url]: other } }));
    const r = await runProbe(['upload', ...loopbackProbeArgs(target, dir, [collector.url])]);
    t.is(r.code, 0, r.stderr);
    const outbox = readOutbox(dir);
    t.deepEqual(
      outbox.attempts.map((a) => [a.http_status, a.error_code ?? a.outcome]),
      [
        [401, 'bad_signature'],
        [200, 'ok'],
      ],
    );
    const uid = outbox.rows[0].uid;
    t.is(outbox.rows[0].ack_status, 'accepted', 'stored now, not earlier');
    const res = (await (await fetch(`${collector.url}/api/v1/measurements/${uid}`)).json()) as {
      measurement: Measurement;
    };
    const { key } = loadOrCreateKey(join(dir, 'probe-key.pem'));
    t.is(
      res.measurement.raabta.probe_id,
      await register(key.publicKeyB64),
      "stored under the probe's own id",
    );
    t.not(res.measurement.raabta.probe_id, other);
  },
);

test.serial(
  'a probe whose registration the collector does not know registers again, once, and its measurements wait until then',
  async (t) => {
    const dir = probeCopy();
    writeFileSync(
      join(dir, 'identity.json'),
      JSON.stringify({ probe_ids: { [collector.url]: 'p_0123456789abcdef01234567' } }),
    );
    // keep the key file's permissions as the probe made them
    copyFileSync(join(seedDir, 'probe-key.pem'), join(dir, 'probe-key.pem'));
    const r = await runProbe(['upload', ...loopbackProbeArgs(target, dir, [collector.url])]);
    t.is(r.code, 0, r.stderr);
    const outbox = readOutbox(dir);
    t.deepEqual(
      outbox.attempts.map((a) => [a.http_status, a.error_code ?? a.outcome]),
      [
        [401, 'unknown_probe'],
        [200, 'ok'],
      ],
    );
    t.is(outbox.rows[0].state, 'uploaded');
  },
);
