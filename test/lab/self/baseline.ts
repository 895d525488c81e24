/** No censorship: every server answers from the probe (through the censor) and from rb-outside. */
import type { ExecutionContext } from 'ava';
import { ORIGINS } from '../../../scripts/lab/sites.ts';
import type { LabFixture } from '../../helpers/lab.ts';
import { answers, fails, inBatches, ok } from './assert.ts';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function dnsBaseline(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { state, probe, outside } = fx;
  const names = Object.keys(state.hosts);
  t.true(names.length > 1040, `${names.length} lab names`);
  await inBatches(names, 100, async (name) => {
    const r = await probe.dns(name);
    t.deepEqual(answers(r), [state.hosts[name]], `probe DNS ${name}: ${JSON.stringify(r)}`);
  });
  for (const name of ['x.com', 'collector.raabta.lab', 'wg.vpn.lab']) {
    t.deepEqual(answers(await outside.dns(name)), [state.hosts[name]], `outside DNS ${name}`);
  }
  fails(t, await probe.dns('not-a-lab-name.example'), 'ENOTFOUND', 'unknown name');
  // getaddrinfo in the namespace reads /etc/netns/rb-probe/resolv.conf
  t.deepEqual(answers(await probe.lookup('dawn.com')), [state.hosts['dawn.com']]);
}

export async function webBaseline(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { state, probe } = fx;
  const ca = state.caCert;
  const sites = ORIGINS.flatMap((o) => o.names.map((name) => ({ name, origin: o })));
  await inBatches(sites, 12, async ({ name, origin }) => {
    for (const scheme of ['http', 'https']) {
      const r = await probe.http(`${scheme}://${name}/`, { ca });
      ok(t, r, `${scheme}://${name}/`);
      t.is(r.status, 200, `${scheme}://${name}/ status`);
      const body = String(r.body);
      t.true(body.includes(`<title>${escapeHtml(origin.title)}</title>`), `${scheme}://${name}/ title`);
      t.true(body.includes(`content="${name}"`), `${scheme}://${name}/ is the right site`);
      t.true(Number(r.bytes) > 2500, `${scheme}://${name}/ is a few KB (${r.bytes})`);
    }
  });
  const urdu = await probe.http('https://www.bbc.com/urdu', { ca });
  t.is(urdu.status, 200, 'bbc /urdu');
  const reg = await probe.http('https://v.whatsapp.net/v2/register', { ca });
  t.is(reg.status, 200);
  t.is(JSON.parse(String(reg.body)).status, 'fail');
  for (const host of ['mmg.whatsapp.net', 'media-lhr1-1.cdn.whatsapp.net']) {
    const big = await probe.http(`https://${host}/media/4mb.bin`, { ca, maxBody: 0 });
    t.is(big.bytes, 4 * 1024 * 1024, `${host} 4mb.bin`);
    t.is((await probe.http(`https://${host}/media/1mb.bin`, { ca, maxBody: 0 })).bytes, 1024 * 1024);
  }
}

export async function sameIpAndBench(t: ExecutionContext, fx: LabFixture): Promise<void> {
  const { state, probe } = fx;
  const ca = state.caCert;
  const ips = [...new Set([...state.origins.map((o) => o.ip), ...state.bench.ips])];
  await inBatches(ips, 12, async (ip) => {
    const r = await probe.tls(ip, { ca, servername: state.innocuousName });
    ok(t, r, `example.org on ${ip}`);
    t.is(r.subjectCN, state.innocuousName);
  });
  for (const n of [1, 2, 3, 4, 500, 999, 1000]) {
    const name = state.bench.pattern.replace('{N}', String(n));
    const r = await probe.http(`https://${name}/`, { ca });
    t.is(r.status, 200, name);
    t.true(String(r.body).includes(`<title>${name} |`), `${name} title`);
  }
  for (let i = 1; i <= 16; i++) ok(t, await probe.tcp(`e${i}.whatsapp.net`, 5222), `e${i}.whatsapp.net:5222`);
  for (const v of Object.values(state.vpn)) {
    const r = await probe.http(`http://${v.ip}/`);
    t.is(r.status, 200, `VPN IP ${v.ip} answers HTTP on 80`);
  }
}
