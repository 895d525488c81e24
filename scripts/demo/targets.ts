/**
 * The targets the simulated probes measure: a subset of the real suites (probe/suites/*.json) with the
 * same inputs, kinds, groups and category codes, and the addresses the simulation resolves them to
 * (documentation ranges: the demo never names a real server address as if it had been measured).
 */
export type DemoKind = 'web' | 'tcp' | 'openvpn' | 'wireguard' | 'ikev2';

export interface DemoTarget {
  input: string;
  kind: DemoKind;
  suite: string;
  group: string;
  category_code: string;
  host: string;
  port: number;
  /** media endpoints: a bounded transfer after the page */
  throughput?: { path: string; maxBytes: number; maxSeconds: number };
  title?: string;
}

const MB = { path: '/media/1mb.bin', maxBytes: 1048576, maxSeconds: 8 };

function web(input: string, suite: string, group: string, cat: string, title: string, tp?: typeof MB) {
  const u = new URL(input);
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  return {
    input,
    kind: 'web' as const,
    suite,
    group,
    category_code: cat,
    host: u.hostname,
    port,
    title,
    throughput: tp,
  };
}

function hostPort(input: string, kind: DemoKind, suite: string, group: string, cat: string) {
  const m = /^(?:[a-z0-9]+:\/\/)?([^:/]+):(\d+)/.exec(input)!;
  return { input, kind, suite, group, category_code: cat, host: m[1], port: Number(m[2]) };
}

export const TARGETS: DemoTarget[] = [
  web('https://x.com/', 'x', 'x', 'GRP', 'X. It’s what’s happening / X'),
  web('https://twitter.com/', 'x', 'x', 'GRP', 'X. It’s what’s happening / X'),
  web('https://api.x.com/', 'x', 'x', 'GRP', 'X API'),
  web('https://t.co/', 'x', 'x', 'GRP', 't.co / X'),
  web('https://abs.twimg.com/', 'x', 'x', 'GRP', 'Twitter static assets'),
  web('https://web.whatsapp.com/', 'whatsapp', 'whatsapp_text', 'COMT', 'WhatsApp Web'),
  hostPort('e1.whatsapp.net:443', 'tcp', 'whatsapp', 'whatsapp_text', 'COMT'),
  hostPort('e4.whatsapp.net:443', 'tcp', 'whatsapp', 'whatsapp_text', 'COMT'),
  hostPort('e7.whatsapp.net:5222', 'tcp', 'whatsapp', 'whatsapp_text', 'COMT'),
  hostPort('e12.whatsapp.net:5222', 'tcp', 'whatsapp', 'whatsapp_text', 'COMT'),
  web('https://mmg.whatsapp.net/', 'whatsapp', 'whatsapp_media', 'COMT', 'WhatsApp media', MB),
  web('https://pps.whatsapp.net/', 'whatsapp', 'whatsapp_media', 'COMT', 'WhatsApp media', MB),
  web('https://media-lhr1-1.cdn.whatsapp.net/', 'whatsapp', 'whatsapp_media', 'COMT', 'WhatsApp media', MB),
  web('https://www.dawn.com/', 'news', 'news', 'NEWS', 'DAWN.COM - Latest news'),
  web('https://geo.tv/', 'news', 'news', 'NEWS', 'Geo News - Latest News Breaking'),
  web('https://tribune.com.pk/', 'news', 'news', 'NEWS', 'The Express Tribune'),
  web('https://www.bbc.com/urdu', 'news', 'news', 'NEWS', 'BBC News اردو'),
  hostPort('openvpn://vpn-test-1.raabta.net:1194/udp', 'openvpn', 'vpn', 'openvpn', 'ANON'),
  hostPort('openvpn://vpn-test-1.raabta.net:443/tcp', 'openvpn', 'vpn', 'openvpn', 'ANON'),
  hostPort('openvpn://vpn-test-2.raabta.net:1194/udp', 'openvpn', 'vpn', 'openvpn', 'ANON'),
  hostPort('wireguard://vpn-test-1.raabta.net:51820', 'wireguard', 'vpn', 'wireguard', 'ANON'),
  hostPort('wireguard://vpn-test-2.raabta.net:51820', 'wireguard', 'vpn', 'wireguard', 'ANON'),
  hostPort('ikev2://vpn-test-1.raabta.net:500', 'ikev2', 'vpn', 'ikev2', 'ANON'),
  hostPort('ikev2://vpn-test-1.raabta.net:4500', 'ikev2', 'vpn', 'ikev2', 'ANON'),
];

export const GROUPS = ['x', 'whatsapp_text', 'whatsapp_media', 'news', 'openvpn', 'wireguard', 'ikev2'];

export function targetsOf(group: string): DemoTarget[] {
  return TARGETS.filter((t) => t.group === group);
}

/** A stable documentation-range address for a host (198.51.100.0/24 and 203.0.113.0/24). */
export function addressOf(host: string): string {
  let h = 0;
  for (const c of host) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  const net = h & 1 ? '198.51.100' : '203.0.113';
  return `${net}.${10 + (h % 240)}`;
}
