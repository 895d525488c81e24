/** Namespaces, routes, sysctls, resolv.conf and the probe → collector path. */
import { readFileSync } from 'node:fs';
import type { ExecutionContext } from 'ava';
import type { LabFixture } from '../../helpers/lab.ts';
import { fails, ok } from './assert.ts';

export async function topologyChecks(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { state } = fx;
  const all = Object.values(state.namespaces);
  const list = await fx.exec('rb-probe', ['ip', 'netns', 'list']);
  for (const ns of all) {
    t.regex(list.stdout, new RegExp(`^${ns}\\b`, 'm'), `namespace ${ns}`);
    const routes = await fx.exec(ns, ['ip', 'route', 'show', 'default']);
    t.is(routes.stdout.trim(), '', `${ns} has no default route`);
    const v6 = await fx.exec(ns, ['sysctl', '-n', 'net.ipv6.conf.all.disable_ipv6']);
    t.is(v6.stdout.trim(), '1', `${ns} IPv6 disabled`);
    const rp = await fx.exec(ns, ['sysctl', '-n', 'net.ipv4.conf.all.rp_filter']);
    t.is(rp.stdout.trim(), '0', `${ns} rp_filter set`);
  }
  t.is((await fx.exec(state.namespaces.censor, ['sysctl', '-n', 'net.ipv4.ip_forward'])).stdout.trim(), '1');
  for (const ns of [state.namespaces.probe, state.namespaces.outside]) {
    t.true(readFileSync(`/etc/netns/${ns}/resolv.conf`, 'utf8').includes(`nameserver ${state.resolver}`));
  }
  const outRoute = await fx.exec(state.namespaces.outside, ['ip', 'route', 'get', state.hosts['x.com']]);
  t.regex(outRoute.stdout, /dev rb-o0/, 'rb-outside reaches the servers over its own veth');
}

export async function collectorPath(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { state, probe, outside } = fx;
  const [c1, c2] = state.collectors;
  // nothing listens yet: the probe reaches rb-outside (refused, not timed out)
  fails(t, await probe.tcp(c1.name, 443), 'ECONNREFUSED', 'collector address reached, nothing listening');
  ok(t, await outside.serve('tcp', c1.ip, 8443), 'echo server on the collector address');
  ok(t, await outside.serve('tcp', c2.ip, 8443), 'echo server on collector2');
  for (const c of [c1, c2]) {
    const r = await probe.tcpExchange(c.name, 8443, Buffer.from('hello collector').toString('hex'), {
      minBytes: 15,
    });
    ok(t, r, `probe → ${c.name} through the censor`);
    t.is(Buffer.from(String(r.responseHex), 'hex').toString(), 'hello collector');
  }
  const local = (await probe.tcp(c1.ip, 8443)).local as string;
  t.true(local.startsWith(`${state.probeIp}:`), 'probe source address');
}
