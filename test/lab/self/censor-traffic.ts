/** throttle, throttle-sni, loss, blackhole, and combining behaviours. */
import type { ExecutionContext } from 'ava';
import type { LabFixture } from '../../helpers/lab.ts';
import { fails, ok } from './assert.ts';
import { ECHO, echoHost } from './censor-vpn.ts';

const mbit = (bytesPerSec: unknown) => (Number(bytesPerSec) * 8) / 1e6;

export async function throttle(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { state, probe, censor } = fx;
  const ca = state.caCert;
  await censor('throttle', true, ['mmg.whatsapp.net', '4mbit']);
  const slow = await probe.http('https://mmg.whatsapp.net/media/1mb.bin', {
    ca,
    maxBody: 0,
    timeoutMs: 20_000,
  });
  t.log(`throttle 4mbit: 1 MiB in ${slow.totalMs} ms = ${mbit(slow.bytesPerSec).toFixed(2)} Mbit/s`);
  t.true(mbit(slow.bytesPerSec) > 3 && mbit(slow.bytesPerSec) < 5, 'whole transfer near 4 Mbit/s');
  const other = await probe.http('https://media-lhr1-1.cdn.whatsapp.net/media/1mb.bin', { ca, maxBody: 0 });
  t.true(
    mbit(other.bytesPerSec) > 20,
    `other IPs are not throttled (${mbit(other.bytesPerSec).toFixed(0)} Mbit/s)`,
  );
  await censor('throttle', false);
  const fast = await probe.http('https://mmg.whatsapp.net/media/1mb.bin', { ca, maxBody: 0 });
  t.true(mbit(fast.bytesPerSec) > 20, 'recovered');
}

export async function throttleSni(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { state, probe, censor } = fx;
  const host = 'media-lhr1-1.cdn.whatsapp.net';
  await censor('throttle-sni', true, [host, '2mbit']);
  const slow = await probe.http(`https://${host}/media/256k.bin`, {
    ca: state.caCert,
    maxBody: 0,
    timeoutMs: 20_000,
  });
  t.log(`throttle-sni 2mbit: 256 KiB in ${slow.totalMs} ms = ${mbit(slow.bytesPerSec).toFixed(2)} Mbit/s`);
  t.true(mbit(slow.bytesPerSec) > 1.4 && mbit(slow.bytesPerSec) < 2.6, 'whole transfer near 2 Mbit/s');
  const plain = await probe.http(`http://${host}/media/1mb.bin`, { maxBody: 0 });
  t.true(mbit(plain.bytesPerSec) > 20, 'same IP without that SNI is not throttled');
  await censor('throttle-sni', false);
  const fast = await probe.http(`https://${host}/media/1mb.bin`, { ca: state.caCert, maxBody: 0 });
  t.true(mbit(fast.bytesPerSec) > 20, 'recovered');
}

export async function loss(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { probe, censor } = fx;
  const ip = await echoHost(fx);
  const ping = async () => (await probe.udp(ip, ECHO.udp, '70696e67', { timeoutMs: 250 })).ok;
  await censor('loss', true, ['0.3']);
  let answered = 0;
  for (let i = 0; i < 40; i++) if (await ping()) answered++;
  t.log(`loss 0.3: ${answered}/40 UDP echoes answered (expected ~49%: loss both ways)`);
  t.true(answered >= 8 && answered <= 34, `${answered}/40 answered`);
  await censor('loss', false);
  for (let i = 0; i < 10; i++) t.true(await ping(), 'recovered');
  ok(t, await probe.dns('dawn.com'), 'recovered');
}

export async function blackhole(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { state, probe, outside, censor } = fx;
  await censor('blackhole', true);
  fails(t, await probe.dns('dawn.com', { timeoutMs: 500 }), 'ETIMEOUT', 'DNS');
  fails(t, await probe.tcp('198.18.30.1', 443, { timeoutMs: 800 }), 'ETIMEDOUT', 'origin');
  fails(t, await probe.tcp(state.blockpage.ip, 80, { timeoutMs: 800 }), 'ETIMEDOUT', 'even the censor');
  fails(t, await probe.tcp(state.collectors[0].ip, 443, { timeoutMs: 800 }), 'ETIMEDOUT', 'collector');
  ok(t, await outside.http('https://dawn.com/', { ca: state.caCert }), 'the outside world still works');
  await censor('blackhole', false);
  ok(t, await probe.http('https://dawn.com/', { ca: state.caCert }), 'recovered');
}

export async function combined(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { state, probe, censor, reset } = fx;
  const ca = state.caCert;
  await censor('sni-rst', true, ['x.com']);
  await censor('dns-nxdomain', true, ['geo.tv']);
  await censor('http-blockpage', true, ['arynews.tv']);
  await censor('ip-blackhole', true, ['insaf.pk']);
  await censor('throttle', true, ['www.bbc.com', '8mbit']);
  fails(t, await probe.tls('x.com', { ca }), 'ECONNRESET', 'sni-rst with others on');
  fails(t, await probe.dns('geo.tv'), 'ENOTFOUND', 'dns-nxdomain with others on');
  t.true(
    String((await probe.http('http://arynews.tv/')).body).includes('prohibited'),
    'blockpage with others on',
  );
  fails(t, await probe.tcp('insaf.pk', 443, { timeoutMs: 800 }), 'ETIMEDOUT', 'ip-blackhole with others on');
  await censor('sni-rst', false);
  ok(t, await probe.tls('x.com', { ca }), 'one switched off, others stay');
  fails(t, await probe.dns('geo.tv'), 'ENOTFOUND', 'still on');
  await reset();
  ok(t, await probe.dns('geo.tv'), 'reset: all off');
  ok(t, await probe.tcp('insaf.pk', 443), 'reset: all off');
  t.true(
    String((await probe.http('http://arynews.tv/')).body).includes('content="arynews.tv"'),
    'reset: all off',
  );
}
