/**
 * OpenVPN with tls-auth in the lab: a second real OpenVPN 2.6 (UDP 1195 on the OpenVPN IP, `tls-auth
 * ta.key 0`, started through the lab's spawn in rb-servers and stopped at the end). With the key the
 * handshake succeeds and the reply's HMAC verifies; with a wrong key, or without one, the server is
 * silent and the verdict says why instead of claiming blocking.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import test from 'ava';
import type { Target } from '../../probe/target.ts';
import { validateMeasurement } from '../../schemas/validate.ts';
import { labPaths } from '../../scripts/lab/paths.ts';
import { measureInLab } from '../fixtures/vpn/lab-run.ts';
import { useLab } from '../helpers/lab.ts';

const lab = useLab(test);
const PORT = 1195;

function genKey(file: string): string {
  execFileSync('openvpn', ['--genkey', 'secret', file]);
  return readFileSync(file, 'utf8');
}

async function startTlsAuthServer(): Promise<{ key: string; stop: () => void }> {
  const { state, spawn } = lab();
  const p = labPaths(state.runDir);
  const dir = `${state.runDir}/vpn-tls-auth`;
  mkdirSync(dir, { recursive: true });
  const key = genKey(`${dir}/ta.key`);
  const conf = `${dir}/server.conf`;
  writeFileSync(
    conf,
    [
      `local ${state.vpn.openvpn.ip}`,
      `port ${PORT}`,
      'proto udp4',
      'dev rbovpnx',
      'dev-type tun',
      'topology subnet',
      'server 100.101.9.0 255.255.255.0',
      `ca ${p.caCert}`,
      `cert ${p.cert(state.vpn.openvpn.name)}`,
      `key ${p.leafKey}`,
      'dh none',
      'data-ciphers AES-256-GCM:AES-128-GCM',
      `tls-auth ${dir}/ta.key 0`,
      'disable-dco',
      'verb 3',
      '',
    ].join('\n'),
  );
  const child = spawn(state.namespaces.servers, ['openvpn', '--config', conf]);
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const deadline = Date.now() + 15_000;
  while (!/Initialization Sequence Completed/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`openvpn with tls-auth did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { key, stop: () => child.kill('SIGTERM') };
}

const target = (params: Record<string, unknown>): Target => ({
  input: `openvpn://${lab().state.vpn.openvpn.ip}:${PORT}/udp`,
  kind: 'openvpn',
  suite: 'vpn',
  group: 'openvpn',
  category_code: 'ANON',
  params,
});

test.serial(
  'tls-auth: with the key the real server answers and its HMAC verifies; wrong or no key is not "blocked"',
  async (t) => {
    const server = await startTlsAuthServer();
    try {
      const wrong = genKey(`${lab().state.runDir}/vpn-tls-auth/wrong.key`);
      const [good, bad, none, skipped] = await measureInLab(lab().state, [
        target({ tls_auth: server.key, tls_auth_key_direction: 1 }),
        target({ tls_auth: wrong, tls_auth_key_direction: 1 }),
        target({}),
        target({ tls_auth_required: true }),
      ]);
      for (const m of [good, bad, none, skipped]) {
        const v = validateMeasurement(m);
        t.true(v.ok, v.ok ? '' : v.error);
        t.log(
          `${JSON.stringify(m.test_keys.handshakes[0].details.tls_auth)} → ${m.raabta.verdict?.status}: ${m.raabta.verdict?.reason}`,
        );
      }
      t.like(good.test_keys.handshakes[0], {
        response: 'hard_reset_server_v2',
        sent_bytes: 42,
        details: { tls_auth_verified: true },
      });
      t.like(good.raabta.verdict, { status: 'ok' });
      t.regex(good.raabta.verdict!.reason, /tls-auth HMAC verified/);
      t.like(bad.test_keys.handshakes[0], { failure: 'udp_no_response' });
      t.like(bad.raabta.verdict, { status: 'inconclusive' });
      t.regex(bad.raabta.verdict!.reason, /tls-auth key or key direction may be wrong/);
      t.like(none.raabta.verdict, { status: 'down', confidence: 0.6 });
      t.regex(none.raabta.verdict!.reason, /tls-auth or tls-crypt would also stay silent/);
      t.like(skipped.raabta.verdict, { status: 'inconclusive' });
      t.regex(skipped.raabta.verdict!.reason, /cannot be probed without the key/);
    } finally {
      server.stop();
    }
  },
);
