/** dns-poison, dns-nxdomain, dns-drop: on → raw symptom from rb-probe, rb-outside unaffected; off → recovery. */
import type { ExecutionContext } from 'ava';
import type { LabFixture } from '../../helpers/lab.ts';
import { answers, BLOCKPAGE_TEXT, fails, ok } from './assert.ts';

export async function dnsPoison(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { state, probe, outside, censor } = fx;
  await censor('dns-poison', true, ['x.com']);
  t.deepEqual(answers(await probe.dns('x.com')), [state.blockpage.ip], 'x.com poisoned');
  t.deepEqual(answers(await probe.dns('api.x.com')), [state.blockpage.ip], 'subdomains poisoned too');
  t.deepEqual(answers(await probe.dns('twitter.com')), [state.hosts['twitter.com']], 'other names untouched');
  t.deepEqual(answers(await outside.dns('x.com')), [state.hosts['x.com']], 'rb-outside sees the truth');
  const page = await probe.http('http://x.com/');
  t.true(String(page.body).includes(BLOCKPAGE_TEXT), 'the poisoned IP serves the blockpage');
  const tls = await probe.tls('x.com', { ca: state.caCert });
  t.false(tls.ok, 'blockpage HTTPS certificate is not trusted');
  await censor('dns-poison', false);
  t.deepEqual(answers(await probe.dns('x.com')), [state.hosts['x.com']], 'recovered');
}

export async function dnsNxdomain(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { state, probe, censor } = fx;
  await censor('dns-nxdomain', true, ['geo.tv', 'whatsapp.net']);
  fails(t, await probe.dns('geo.tv'), 'ENOTFOUND', 'geo.tv NXDOMAIN');
  fails(t, await probe.dns('e7.whatsapp.net'), 'ENOTFOUND', 'whatsapp.net subdomain NXDOMAIN');
  fails(t, await probe.lookup('geo.tv'), 'ENOTFOUND', 'getaddrinfo NXDOMAIN');
  t.deepEqual(answers(await probe.dns('dawn.com')), [state.hosts['dawn.com']]);
  await censor('dns-nxdomain', false);
  t.deepEqual(answers(await probe.dns('geo.tv')), [state.hosts['geo.tv']], 'recovered');
}

export async function dnsDrop(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { state, probe, censor } = fx;
  await censor('dns-drop', true, ['tribune.com.pk']);
  fails(t, await probe.dns('tribune.com.pk', { timeoutMs: 800 }), 'ETIMEOUT', 'query dropped');
  t.deepEqual(
    answers(await probe.dns('thenews.com.pk')),
    [state.hosts['thenews.com.pk']],
    'other names answered',
  );
  await censor('dns-drop', false);
  t.deepEqual(answers(await probe.dns('tribune.com.pk')), [state.hosts['tribune.com.pk']], 'recovered');
  ok(t, await probe.dns('tribune.com.pk'), 'recovered');
}
