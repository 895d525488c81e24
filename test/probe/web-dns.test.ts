/** The direct UDP DNS step: rcode and TTLs recorded, one retry on silence, mismatched replies ignored. */
import { createSocket, type Socket } from 'node:dgram';
import test from 'ava';
import dnsPacket from 'dns-packet';
import { queryUdpStep } from '../../probe/steps/dns-udp.ts';
import { context, hostsDialer, settings } from '../fixtures/web/context.ts';

type Reply = (q: dnsPacket.Packet, n: number) => Buffer | null;

async function server(reply: Reply): Promise<{ port: number; sock: Socket }> {
  const sock = createSocket('udp4');
  let n = 0;
  sock.on('message', (msg, r) => {
    n += 1;
    const out = reply(dnsPacket.decode(msg), n);
    if (out) sock.send(out, r.port, r.address);
  });
  await new Promise<void>((res) => sock.bind(0, '127.0.0.1', () => res()));
  return { port: sock.address().port, sock };
}

const answer = (q: dnsPacket.Packet, id = q.id, rcode = 0) =>
  dnsPacket.encode({
    type: 'response',
    id,
    flags: dnsPacket.RECURSION_AVAILABLE | rcode,
    questions: q.questions,
    answers: rcode
      ? []
      : [{ type: 'A', name: q.questions![0].name, ttl: 42, class: 'IN', data: '198.18.10.1' }],
  });

const ctx = () => context(hostsDialer({}, []), settings({ stepTimeoutMs: 1000 }));

test('silence is retried once, then recorded as generic_timeout_error', async (t) => {
  const s = await server(() => null);
  const c = ctx();
  const q = await queryUdpStep(c, `127.0.0.1:${s.port}`, 'x.com', 'A', 1);
  s.sock.close();
  t.is(q.failure, 'generic_timeout_error');
  t.is(c.trace.network_events.filter((e) => e.operation === 'write').length, 2);
});

test('a reply to the retry is used; the answer keeps its TTL and the rcode', async (t) => {
  const s = await server((q, n) => (n === 2 ? answer(q) : null));
  const q = await queryUdpStep(ctx(), `127.0.0.1:${s.port}`, 'x.com', 'A', 1);
  s.sock.close();
  t.is(q.failure, null);
  t.is(q.rcode, 'NOERROR');
  t.deepEqual(q.answers, [{ answer_type: 'A', ipv4: '198.18.10.1', ttl: 42 }]);
});

test('NXDOMAIN is recorded with its rcode; a reply with another id is ignored', async (t) => {
  const s = await server((q) => Buffer.concat([answer(q, (q.id! + 1) % 65536)]));
  const spoofed = await queryUdpStep(ctx(), `127.0.0.1:${s.port}`, 'x.com', 'A', 1);
  s.sock.close();
  t.is(spoofed.failure, 'generic_timeout_error');
  const nx = await server((q) => answer(q, q.id, 3));
  const q = await queryUdpStep(ctx(), `127.0.0.1:${nx.port}`, 'x.com', 'A', 1);
  nx.sock.close();
  t.is(q.failure, 'dns_nxdomain_error');
  t.is(q.rcode, 'NXDOMAIN');
});
