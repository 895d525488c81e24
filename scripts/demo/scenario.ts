/**
 * Scenarios as data: the networks and probes, how often they measure, what is blocked where and when
 * (the ground truth), and the noise that must not look like blocking. `DEMO_SCENARIO` is the dataset
 * the collector loads on first start; `randomScenario(seed)` makes others for the detection benchmark.
 */
import type { BlockingMethod } from '../../schemas/src/measurement.ts';
import { rng } from './rng.ts';
import { GROUPS } from './targets.ts';

export interface DemoNetwork {
  asn: string;
  name: string;
  kind: 'fixed' | 'mobile';
  probes: number;
}

/** A disruption the scenario injects: the ground truth a detector should find. */
export interface ScenarioEvent {
  id: string;
  title: string;
  target_group: string;
  /** ASNs affected */
  networks: string[];
  start: string;
  /** null: still going on at the end of the data */
  end: string | null;
  method: BlockingMethod;
  /** fraction of the affected measurements that come out blocked (the rest slip through) */
  share: number;
}

/** Every probe measures each of `groups` every `every_min` minutes within [from, to). */
export interface DenseWindow {
  from: string;
  to: string;
  every_min: number;
  groups: string[];
}

export interface Scenario {
  name: string;
  cc: string;
  start: string;
  end: string;
  networks: DemoNetwork[];
  groups: string[];
  /** a sampling slot (one hour, all online probes run every group once) every this many hours */
  base_every_hours: number;
  /** probability an online probe runs in a slot */
  run_probability: number;
  dense: DenseWindow[];
  events: ScenarioEvent[];
  noise: {
    /** fraction of measurements failing on the probe's own side (resolver/network down → error) */
    error_rate: number;
    /** servers down for everyone (the control fails too → down, never blocking) */
    outages: { target_group: string; input?: string; from: string; to: string }[];
    /** one probe's flaky link: its measurements of a group come out blocked:tcp */
    glitches: { probe: number; target_group: string; from: string; to: string }[];
    /** probes not measuring at all */
    offline: { probe: number; from: string; to: string }[];
  };
}

export const NETWORKS: DemoNetwork[] = [
  { asn: 'AS17557', name: 'Pakistan Telecommunication Company Limited (PTCL)', kind: 'fixed', probes: 7 },
  { asn: 'AS45669', name: 'Jazz (Mobilink)', kind: 'mobile', probes: 6 },
  { asn: 'AS59257', name: 'Zong (China Mobile Pak)', kind: 'mobile', probes: 5 },
  { asn: 'AS24499', name: 'Telenor Pakistan', kind: 'mobile', probes: 5 },
  { asn: 'AS23674', name: 'Nayatel', kind: 'fixed', probes: 5 },
  { asn: 'AS9541', name: 'Cyber Internet Services (StormFiber)', kind: 'fixed', probes: 4 },
  { asn: 'AS38193', name: 'Transworld Associates', kind: 'fixed', probes: 4 },
  { asn: 'AS136384', name: 'Optix Pakistan', kind: 'fixed', probes: 4 },
];

const ALL = NETWORKS.map((n) => n.asn);
const MOBILE = NETWORKS.filter((n) => n.kind === 'mobile').map((n) => n.asn);
const VPN_START = '2024-11-10T08:00:00Z';
const VPN_END = '2024-11-10T09:10:00Z';

export const DEMO_SCENARIO: Scenario = {
  name: 'pakistan-2024',
  cc: 'PK',
  start: '2024-01-01T00:00:00Z',
  end: '2025-01-01T00:00:00Z',
  networks: NETWORKS,
  groups: GROUPS,
  base_every_hours: 24,
  run_probability: 0.2,
  dense: [
    { from: '2024-02-17T00:00:00Z', to: '2024-02-18T00:00:00Z', every_min: 60, groups: ['x', 'news'] },
    { from: '2024-07-19T19:00:00Z', to: '2024-07-20T19:00:00Z', every_min: 60, groups: ['whatsapp_media'] },
    { from: '2024-08-09T19:00:00Z', to: '2024-08-10T19:00:00Z', every_min: 60, groups: ['whatsapp_media'] },
    {
      from: '2024-11-09T19:00:00Z',
      to: '2024-11-10T19:00:00Z',
      every_min: 60,
      groups: ['openvpn', 'wireguard', 'ikev2'],
    },
    {
      from: '2024-11-09T19:00:00Z',
      to: '2024-11-10T19:00:00Z',
      every_min: 180,
      groups: ['x', 'whatsapp_text', 'whatsapp_media', 'news'],
    },
    // the overview shows the last 24 hours of data: every probe there, not a daily sample
    { from: '2024-12-31T00:00:00Z', to: '2025-01-01T00:00:00Z', every_min: 240, groups: GROUPS },
  ],
  events: [
    {
      id: 'x-2024-02',
      title: 'X blocked nationwide by TLS SNI resets',
      target_group: 'x',
      networks: ALL,
      start: '2024-02-17T11:00:00Z',
      end: null,
      method: 'tls',
      share: 0.96,
    },
    {
      id: 'whatsapp-media-2024-07',
      title: 'WhatsApp media throttled on mobile networks',
      target_group: 'whatsapp_media',
      networks: MOBILE,
      start: '2024-07-20T07:00:00Z',
      end: '2024-08-10T07:00:00Z',
      method: 'throttle',
      share: 0.9,
    },
    ...(['openvpn', 'wireguard', 'ikev2'] as const).map((g) => ({
      id: `vpn-2024-11-10-${g}`,
      title: 'VPN handshakes failing nationwide',
      target_group: g,
      networks: ALL,
      start: VPN_START,
      end: VPN_END,
      method: 'protocol' as const,
      share: 0.92,
    })),
  ],
  noise: {
    error_rate: 0.03,
    outages: [
      {
        target_group: 'news',
        input: 'https://www.dawn.com/',
        from: '2024-03-04T02:00:00Z',
        to: '2024-03-07T20:00:00Z',
      },
      {
        target_group: 'wireguard',
        input: 'wireguard://vpn-test-2.raabta.net:51820',
        from: '2024-05-11T00:00:00Z',
        to: '2024-05-14T00:00:00Z',
      },
      { target_group: 'whatsapp_text', from: '2024-10-02T00:00:00Z', to: '2024-10-04T12:00:00Z' },
    ],
    glitches: [
      { probe: 3, target_group: 'news', from: '2024-04-02T00:00:00Z', to: '2024-04-20T00:00:00Z' },
      { probe: 9, target_group: 'openvpn', from: '2024-06-01T00:00:00Z', to: '2024-06-12T00:00:00Z' },
      { probe: 21, target_group: 'whatsapp_media', from: '2024-09-05T00:00:00Z', to: '2024-09-30T00:00:00Z' },
      { probe: 30, target_group: 'x', from: '2024-01-10T00:00:00Z', to: '2024-01-30T00:00:00Z' },
      { probe: 17, target_group: 'whatsapp_text', from: '2024-10-10T00:00:00Z', to: '2024-11-10T12:00:00Z' },
    ],
    offline: [
      { probe: 5, from: '2024-03-15T00:00:00Z', to: '2024-05-01T00:00:00Z' },
      { probe: 14, from: '2024-01-01T00:00:00Z', to: '2024-04-01T00:00:00Z' },
      { probe: 27, from: '2024-09-01T00:00:00Z', to: '2025-01-01T00:00:00Z' },
      { probe: 36, from: '2024-06-20T00:00:00Z', to: '2024-07-25T00:00:00Z' },
    ],
  },
};

/** The demo's ground truth. */
export const DEMO_EVENTS: readonly ScenarioEvent[] = DEMO_SCENARIO.events;

/** The blocking methods a disruption of each service is simulated with. */
export const METHODS: Record<string, BlockingMethod[]> = {
  x: ['tls', 'dns'],
  news: ['tls', 'dns'],
  whatsapp_text: ['tcp'],
  whatsapp_media: ['throttle', 'tls'],
  openvpn: ['protocol'],
  wireguard: ['protocol'],
  ikev2: ['protocol'],
};

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * A random scenario for the detection benchmark: 3–5 networks, 30 days sampled every 3 hours, 1–4
 * events (one group, some networks, 6 h – 5 days, some still going on), glitches, outages, offline probes.
 */
export function randomScenario(seed: number): Scenario {
  const r = rng(seed).fork('scenario');
  const networks = NETWORKS.slice(0, r.int(3, 5)).map((n) => ({ ...n, probes: r.int(3, 6) }));
  const start = Date.UTC(2024, r.int(0, 10), 1);
  const days = 30;
  const end = start + days * 86400_000;
  const hour = 3600_000;
  const nProbes = networks.reduce((s, n) => s + n.probes, 0);
  const events: ScenarioEvent[] = [];
  const n = r.int(1, 4);
  const groups = [...GROUPS];
  for (let i = 0; i < n; i++) {
    // one event per service: overlapping truths of one service would be one disruption to a detector
    const group = groups.splice(r.int(0, groups.length - 1), 1)[0];
    const s = start + r.int(3, days - 5) * 86400_000 + r.int(0, 23) * hour;
    const ongoing = r.chance(0.2);
    const e = ongoing ? null : Math.min(s + r.int(6, 120) * hour, end - hour);
    const nets = r.chance(0.5)
      ? networks.map((x) => x.asn)
      : networks.slice(0, r.int(1, networks.length)).map((x) => x.asn);
    events.push({
      id: `ev${i}`,
      title: `${group} disrupted`,
      target_group: group,
      networks: nets,
      start: iso(s),
      end: e === null ? null : iso(e),
      method: r.pick(METHODS[group]),
      share: r.range(0.5, 1),
    });
  }
  const window = () => {
    const s = start + r.int(0, days - 3) * 86400_000;
    return { from: iso(s), to: iso(s + r.int(6, 72) * hour) };
  };
  return {
    name: `random-${seed}`,
    cc: 'PK',
    start: iso(start),
    end: iso(end),
    networks,
    groups: GROUPS,
    base_every_hours: 3,
    run_probability: 0.85,
    dense: [],
    events,
    noise: {
      error_rate: r.range(0, 0.05),
      outages: Array.from({ length: r.int(0, 2) }, () => ({ target_group: r.pick(GROUPS), ...window() })),
      glitches: Array.from({ length: r.int(0, 3) }, () => ({
        probe: r.int(0, nProbes - 1),
        target_group: r.pick(GROUPS),
        ...window(),
      })),
      offline: Array.from({ length: r.int(0, 2) }, () => ({ probe: r.int(0, nProbes - 1), ...window() })),
    },
  };
}
