/**
 * VPN detection for real: the probe CLI runs inside a network namespace of our own whose default route goes
 * through a tun interface (`ip tuntap`), then through no tunnel, then (as wg-quick does) only by policy routing.
 * Nothing leaves the namespace: its only interfaces are lo and a tun no process reads. Needs root (skipped otherwise); the namespace is removed.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { NO_DEFAULT_SUITES, readOutbox, runProbe, tempDir, writeJson } from '../e2e/harness.ts';

const root = process.getuid?.() === 0;
const nsTest = root ? test.serial : test.skip;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * A namespace of our own with lo up and a tun interface `dev` (no process reads it), then `routes` (ip
 * arguments run inside it); removed when the test ends.
 */
function namespaceWithTun(t: ExecutionContext, dev: string, address: string, routes: string[][]): string {
  const ns = `raabta-vpn-${process.pid}`;
  ip('netns', 'add', ns);
  t.teardown(() => {
    ip('netns', 'del', ns);
  });
  ip('-n', ns, 'link', 'set', 'lo', 'up');
  ip('-n', ns, 'tuntap', 'add', 'dev', dev, 'mode', 'tun');
  ip('-n', ns, 'link', 'set', dev, 'up');
  ip('-n', ns, 'addr', 'add', address, 'dev', dev);
  for (const r of routes) ip('-n', ns, ...r);
  return ns;
}

const namespaceWithTunDefault = (t: ExecutionContext) =>
  namespaceWithTun(t, 'tun0', '100.64.8.2/24', [['route', 'add', 'default', 'dev', 'tun0']]);

/** `run --once` of one loopback target (nothing listens: the measurement records the failure). */
async function runIn(ns: string, dir: string, name: string, config: Record<string, unknown>) {
  const dataDir = join(dir, name);
  const file = writeJson(join(dir, `${name}.json`), {
    schedule: NO_DEFAULT_SUITES,
    step_timeout_ms: 2000,
    ...config,
  });
  const common = ['--config', file, '--data-dir', dataDir];
  const run = await runProbe(
    [
      'run',
      '--once',
      '--no-upload',
      '--target',
      'https://site.test:9/',
      '--allow',
      '127.0.0.0/8',
      '--resolver',
      '127.0.0.1:53',
      '--system-resolver',
      '127.0.0.1:53',
      '--accept',
      ...common,
    ],
    { ns },
  );
  const status = await runProbe(['status', ...common], { ns });
  return { run, status: status.stdout, outbox: readOutbox(dataDir) };
}

const annotations = (body: string | null) =>
  (JSON.parse(body ?? '{}') as { annotations?: Record<string, string> }).annotations ?? {};

nsTest(
  'default route through tun0: measurements are annotated vpn_detected (vpn_policy "annotate"), status says so',
  async (t) => {
    t.timeout(60_000);
    const tmp = tempDir('raabta-vpn-ns-');
    t.teardown(() => tmp.remove());
    const ns = namespaceWithTunDefault(t);
    const r = await runIn(ns, tmp.dir, 'annotate', {});
    t.is(r.run.code, 0, r.run.stderr);
    t.regex(
      r.run.stderr,
      /this machine is on a VPN \(default route via tunnel interface tun0\); measurements are annotated/,
    );
    t.is(r.outbox.rows.length, 1);
    t.is(annotations(r.outbox.rows[0].body).vpn_detected, 'true');
    t.regex(r.status, /VPN on this machine: YES — default route via tunnel interface tun0/);

    // the same namespace without the tunnel's default route: not a VPN, no annotation
    ip('-n', ns, 'route', 'del', 'default', 'dev', 'tun0');
    const plain = await runIn(ns, tmp.dir, 'plain', {});
    t.is(plain.run.code, 0, plain.run.stderr);
    t.notRegex(plain.run.stderr, /on a VPN/);
    t.is(plain.outbox.rows.length, 1);
    t.false('vpn_detected' in annotations(plain.outbox.rows[0].body));
    t.regex(plain.status, /VPN on this machine: no \(no default route\)/);
  },
);

nsTest(
  'default route through tun0 with vpn_policy "skip": nothing is measured, exit 4, the run is recorded as skipped_vpn',
  async (t) => {
    t.timeout(60_000);
    const tmp = tempDir('raabta-vpn-ns-');
    t.teardown(() => tmp.remove());
    const ns = namespaceWithTunDefault(t);
    const r = await runIn(ns, tmp.dir, 'skip', { vpn_policy: 'skip' });
    t.is(r.run.code, 4, r.run.stderr);
    t.regex(
      r.run.stderr,
      /on a VPN \(default route via tunnel interface tun0\): not measuring \(vpn_policy "skip"\)/,
    );
    t.is(r.outbox.rows.length, 0);
    t.like(r.outbox.runs[0], {
      outcome: 'skipped_vpn',
      measurements: 0,
      error: 'default route via tunnel interface tun0',
    });
  },
);

nsTest(
  'wg-quick style policy routing (default route only in table 51820, an ip rule): detected, measurements annotated',
  async (t) => {
    t.timeout(60_000);
    const tmp = tempDir('raabta-vpn-ns-');
    t.teardown(() => tmp.remove());
    // wg-quick: the default route only in table 51820, chosen by a rule for unmarked packets
    const ns = namespaceWithTun(t, 'wg0', '100.64.9.2/32', [
      ['route', 'add', 'default', 'dev', 'wg0', 'table', '51820'],
      ['rule', 'add', 'not', 'fwmark', '51820', 'table', '51820'],
    ]);
    const r = await runIn(ns, tmp.dir, 'wgquick', {});
    t.is(r.run.code, 0, r.run.stderr);
    t.regex(
      r.run.stderr,
      /on a VPN \(traffic to the internet is routed via tunnel interface wg0 \(policy routing\)\)/,
    );
    t.is(annotations(r.outbox.rows[0]?.body ?? null).vpn_detected, 'true');
    t.regex(
      r.status,
      /VPN on this machine: YES — traffic to the internet is routed via tunnel interface wg0/,
    );
  },
);
