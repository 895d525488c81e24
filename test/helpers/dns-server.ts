/** A tiny authoritative DNS server on loopback (dns-packet over node:dgram, port 0) for tests. */
import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';

export interface TestDnsServer {
  address: string;
  port: number;
  /** `address:port`, as --resolver takes it */
  spec: string;
  queries: { name: string; type: string }[];
  set(name: string, ips: string[]): void;
  close(): Promise<void>;
}

/** Answers A queries from `records` (name → IPv4 list); other names get NXDOMAIN. */
export async function startDnsServer(
  records: Record<string, string[]> = {},
  address = '127.0.0.1',
): Promise<TestDnsServer> {
  const table = new Map(Object.entries(records).map(([k, v]) => [k.toLowerCase(), v]));
  const queries: { name: string; type: string }[] = [];
  const sock = createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    let q: dnsPacket.Packet;
    try {
      q = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const question = q.questions?.[0];
    if (!question) return;
    queries.push({ name: question.name, type: question.type });
    const ips = table.get(question.name.toLowerCase());
    const answers =
      question.type === 'A' && ips
        ? ips.map((ip) => ({
            type: 'A' as const,
            name: question.name,
            ttl: 60,
            class: 'IN' as const,
            data: ip,
          }))
        : [];
    const rcode = ips ? 'NOERROR' : 'NXDOMAIN';
    const res = dnsPacket.encode({
      type: 'response',
      id: q.id,
      flags:
        dnsPacket.AUTHORITATIVE_ANSWER |
        ((q.flags ?? 0) & dnsPacket.RECURSION_DESIRED) |
        (rcode === 'NXDOMAIN' ? 3 : 0),
      questions: q.questions,
      answers,
    });
    sock.send(res, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => sock.bind(0, address, resolve));
  const port = sock.address().port;
  return {
    address,
    port,
    spec: `${address}:${port}`,
    queries,
    set: (name, ips) => table.set(name.toLowerCase(), ips),
    close: () => new Promise<void>((r) => sock.close(() => r())),
  };
}
