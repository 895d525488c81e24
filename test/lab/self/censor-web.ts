/** sni-rst, sni-drop, http-blockpage, http-rst, ip-blackhole. */
import type { ExecutionContext } from 'ava';
import type { LabFixture } from '../../helpers/lab.ts';
import { BLOCKPAGE_TEXT, fails, ok } from './assert.ts';

export async function sniRst(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { state, probe, censor } = fx;
  const ca = state.caCert;
  await censor('sni-rst', true, ['x.com', 'pbs.twimg.com']);
  fails(t, await probe.tls('x.com', { ca }), 'ECONNRESET', 'x.com reset');
  ok(
    t,
    await probe.tls(state.hosts['x.com'], { ca, servername: state.innocuousName }),
    'innocuous SNI on the same IP',
  );
  ok(t, await probe.tls('api.x.com', { ca }), 'api.x.com is another name');
  fails(t, await probe.tls('pbs.twimg.com', { ca }), 'ECONNRESET', 'pbs.twimg.com reset');
  ok(t, await probe.tls('abs.twimg.com', { ca }), 'abs.twimg.com on the same IP works');
  ok(t, await probe.http('http://x.com/'), 'plain HTTP has no SNI');
  await censor('sni-rst', false);
  ok(t, await probe.tls('x.com', { ca }), 'recovered');
}

export async function sniDrop(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { state, probe, censor } = fx;
  const ca = state.caCert;
  await censor('sni-drop', true, ['twitter.com']);
  fails(t, await probe.tls('twitter.com', { ca, timeoutMs: 1500 }), 'ETIMEDOUT', 'handshake times out');
  ok(t, await probe.tcp('twitter.com', 443), 'TCP connect itself works');
  ok(
    t,
    await probe.tls(state.hosts['twitter.com'], { ca, servername: state.innocuousName }),
    'innocuous SNI works',
  );
  await censor('sni-drop', false);
  ok(t, await probe.tls('twitter.com', { ca }), 'recovered');
}

export async function httpBlockpage(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { state, probe, censor } = fx;
  await censor('http-blockpage', true, ['dawn.com', 'www.dawn.com']);
  for (const host of ['dawn.com', 'www.dawn.com']) {
    const r = await probe.http(`http://${host}/`);
    t.is(r.status, 200);
    t.true(String(r.body).includes(BLOCKPAGE_TEXT), `${host}: blockpage`);
  }
  const geo = await probe.http('http://geo.tv/');
  t.true(String(geo.body).includes('content="geo.tv"'), 'other hosts are proxied to the real site');
  const tls = await probe.http('https://dawn.com/', { ca: state.caCert });
  t.true(String(tls.body).includes('content="dawn.com"'), 'HTTPS is untouched');
  await censor('http-blockpage', false);
  t.true(String((await probe.http('http://dawn.com/')).body).includes('content="dawn.com"'), 'recovered');
}

export async function httpRst(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { state, probe, censor } = fx;
  await censor('http-rst', true, ['geo.tv']);
  fails(t, await probe.http('http://geo.tv/'), 'ECONNRESET', 'Host: geo.tv reset');
  ok(t, await probe.tcp('geo.tv', 80), 'connect works, the request is reset');
  ok(t, await probe.http('http://arynews.tv/'), 'other hosts work');
  ok(t, await probe.http('https://geo.tv/', { ca: state.caCert }), 'HTTPS works');
  await censor('http-rst', false);
  t.is((await probe.http('http://geo.tv/')).status, 200, 'recovered');
}

export async function ipBlackhole(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { state, probe, outside, censor } = fx;
  await censor('ip-blackhole', true, ['insaf.pk', state.hosts['www.voaurdu.com']]);
  fails(t, await probe.tcp('insaf.pk', 443, { timeoutMs: 1000 }), 'ETIMEDOUT', 'insaf.pk blackholed');
  fails(t, await probe.tcp('www.voaurdu.com', 80, { timeoutMs: 1000 }), 'ETIMEDOUT', 'by IP');
  ok(t, await probe.tcp('dawn.com', 443), 'other IPs work');
  ok(t, await outside.tcp('insaf.pk', 443), 'rb-outside reaches it (not through the censor)');
  await censor('ip-blackhole', false);
  ok(t, await probe.tcp('insaf.pk', 443), 'recovered');
}
