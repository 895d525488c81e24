/** The runner: limits, progress, the per-target deadline, spacing after a blocked verdict, the run baseline. */
import { createServer, type Server } from 'node:net';
import test from 'ava';
import type { NetTest } from '../../probe/context.ts';
import { applyBaselines, runTargets } from '../../probe/runner.ts';
import { testFor } from '../../probe/tests/index.ts';
import { env, hostsDialer, settings, webTarget } from '../fixtures/web/context.ts';
import { recorded } from '../fixtures/web/recorded.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fakeTest(onMeasure: (input: string) => Promise<void>, status: 'ok' | 'blocked' = 'ok'): NetTest {
  return {
    name: 'web',
    version: '0',
    measure: (_ctx, target) => onMeasure(target.input),
    analyze: () => ({
      status,
      method: status === 'blocked' ? 'tls' : null,
      confidence: 0.9,
      reason: 'fake',
      evidence: [],
      analysis_version: 'fake',
    }),
  };
}

test('overall and per-host concurrency limits hold, and progress is reported for every target', async (t) => {
  let running = 0;
  let maxRunning = 0;
  const perHost = new Map<string, number>();
  let maxPerHost = 0;
  const test = fakeTest(async (input) => {
    const host = new URL(input).hostname;
    running++;
    perHost.set(host, (perHost.get(host) ?? 0) + 1);
    maxRunning = Math.max(maxRunning, running);
    maxPerHost = Math.max(maxPerHost, perHost.get(host) ?? 0);
    await sleep(30);
    running--;
    perHost.set(host, (perHost.get(host) ?? 0) - 1);
  });
  const targets = ['a', 'a', 'b', 'b', 'c', 'c'].map((h, i) => webTarget(`https://${h}.test/${i}`));
  const progress: number[] = [];
  const ms = await runTargets(targets, {
    env: env(hostsDialer({}, []), settings(), false),
    concurrency: 2,
    perHost: 1,
    testFor: () => test,
    onProgress: (p) => progress.push(p.done),
  });
  t.is(ms.length, 6);
  t.is(maxRunning, 2);
  t.is(maxPerHost, 1);
  t.deepEqual(progress, [1, 2, 3, 4, 5, 6]);
});

test('a host found blocked is not tested again before the spacing has passed', async (t) => {
  const waits: number[] = [];
  const ms = await runTargets([webTarget('https://x.test/')], {
    env: env(hostsDialer({}, []), settings(), false),
    repeats: 2,
    blockedSpacingMs: 60_000,
    testFor: () => fakeTest(async () => {}, 'blocked'),
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  t.is(ms.length, 2);
  t.is(waits.length, 1);
  t.true(waits[0] > 59_000);
});

test('the per-target deadline interrupts a hanging handshake: recorded as interrupted, never as blocking', async (t) => {
  const silent: Server = createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  const port = (silent.address() as { port: number }).port;
  try {
    const s = settings({ stepTimeoutMs: 10_000 });
    const started = Date.now();
    const [m] = await runTargets([webTarget(`https://site.test:${port}/`)], {
      env: env(hostsDialer({ 'site.test': '127.0.0.1' }, []), s, false),
      targetTimeoutMs: 500,
    });
    t.true(Date.now() - started < 5000);
    t.is(m.test_keys.tls_handshakes[0].failure, 'interrupted');
    t.is(m.raabta.verdict?.status, 'inconclusive', m.raabta.verdict?.reason);
  } finally {
    silent.close();
  }
});

test('the run baseline is the best transfer from another address, and the verdict is recomputed with it', (t) => {
  const slow = recorded('throttle-media--web--https_mmg_whatsapp_net_');
  delete slow.annotations.throughput_baseline_bps;
  const fast = recorded('throttle-media--web--https_mmg_whatsapp_net_');
  Object.assign(fast.test_keys.throughput[0], { address: '198.18.11.1:443', bytes_per_second: 9_000_000 });
  const sameIp = recorded('throttle-media--web--https_mmg_whatsapp_net_');
  Object.assign(sameIp.test_keys.throughput[0], { bytes_per_second: 50_000_000 });
  applyBaselines([slow, fast, sameIp], testFor);
  t.is(slow.annotations.throughput_baseline_bps, '9000000', 'other addresses only');
  t.is(slow.raabta.verdict?.method, 'throttle');
  t.true((slow.raabta.verdict?.confidence ?? 0) >= 0.85);
});
