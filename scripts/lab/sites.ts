/**
 * The lab's origin servers. Each origin has its own IP (so one can be blackholed or stopped while
 * the others keep working); some origins host several names on one IP, as CDNs do.
 * example.org is also the default server (and default certificate) on EVERY origin IP.
 */

export type OriginKind = 'web' | 'news' | 'whatsapp-chat' | 'whatsapp-register' | 'media' | 'innocuous';

export interface Origin {
  id: string;
  ip: string;
  names: string[];
  kind: OriginKind;
  title: string;
  /** Short lines used to build a different body per site. */
  headlines: string[];
  /** Extra plain TCP ports served by nginx on this IP (e.g. WhatsApp's 5222). */
  extraTcpPorts?: number[];
}

export const INNOCUOUS_NAME = 'example.org';
export const BENCH = {
  domain: 'bench.lab',
  count: 1000,
  ips: ['198.18.50.1', '198.18.50.2', '198.18.50.3', '198.18.50.4'],
};

export function benchName(n: number): string {
  return `site${n}.${BENCH.domain}`;
}
export function benchIp(n: number): string {
  return BENCH.ips[(n - 1) % BENCH.ips.length];
}

const X_LINES = ['Trending in Pakistan', 'Who to follow', 'What’s happening', 'Live: cricket commentary'];
const WA_LINES = ['Simple. Secure. Reliable messaging.', 'End-to-end encrypted', 'Download for Windows'];

const eServers: Origin[] = Array.from({ length: 16 }, (_, i) => ({
  id: `wa-e${i + 1}`,
  ip: `198.18.21.${i + 1}`,
  names: [`e${i + 1}.whatsapp.net`],
  kind: 'whatsapp-chat' as const,
  title: `WhatsApp chat edge e${i + 1}`,
  headlines: ['Chat endpoint', `Edge server e${i + 1}`],
  extraTcpPorts: [5222],
}));

export const ORIGINS: Origin[] = [
  {
    id: 'x',
    ip: '198.18.10.1',
    names: ['x.com'],
    kind: 'web',
    title: 'X. It’s what’s happening / X',
    headlines: X_LINES,
  },
  {
    id: 'twitter',
    ip: '198.18.10.2',
    names: ['twitter.com'],
    kind: 'web',
    title: 'Twitter. It’s what’s happening / Twitter',
    headlines: ['From breaking news and entertainment to sports and politics', ...X_LINES],
  },
  {
    id: 'api-x',
    ip: '198.18.10.3',
    names: ['api.x.com'],
    kind: 'web',
    title: 'X API',
    headlines: ['API v2', 'Rate limits', 'Authentication'],
  },
  {
    id: 'tco',
    ip: '198.18.10.4',
    names: ['t.co'],
    kind: 'web',
    title: 't.co / X',
    headlines: ['Link shortener for X'],
  },
  {
    id: 'twimg',
    ip: '198.18.11.1',
    names: ['abs.twimg.com', 'pbs.twimg.com', 'video.twimg.com'],
    kind: 'media',
    title: 'twimg content delivery',
    headlines: ['Static assets', 'Profile images', 'Video segments'],
  },
  {
    id: 'wa-web',
    ip: '198.18.20.1',
    names: ['web.whatsapp.com'],
    kind: 'web',
    title: 'WhatsApp Web',
    headlines: WA_LINES,
  },
  {
    id: 'wa-v',
    ip: '198.18.20.2',
    names: ['v.whatsapp.net'],
    kind: 'whatsapp-register',
    title: 'WhatsApp registration',
    headlines: ['Registration service'],
  },
  ...eServers,
  {
    id: 'wa-mmg',
    ip: '198.18.22.1',
    names: ['mmg.whatsapp.net', 'pps.whatsapp.net', 'static.whatsapp.net'],
    kind: 'media',
    title: 'WhatsApp media',
    headlines: ['Media upload and download', 'Profile pictures', 'Static resources'],
  },
  {
    id: 'wa-cdn',
    ip: '198.18.22.2',
    names: ['media-lhr1-1.cdn.whatsapp.net'],
    kind: 'media',
    title: 'WhatsApp media CDN (lhr1)',
    headlines: ['Media CDN node lhr1-1'],
  },
  {
    id: 'dawn',
    ip: '198.18.30.1',
    names: ['dawn.com', 'www.dawn.com'],
    kind: 'news',
    title: 'DAWN.COM | Latest news, Pakistan news, World news, Business, Sport and Multimedia',
    headlines: [
      'Monsoon rains expected across Sindh this week',
      'KSE-100 closes higher in thin trading',
      'Editorial: the cost of water',
    ],
  },
  {
    id: 'geo',
    ip: '198.18.30.2',
    names: ['geo.tv'],
    kind: 'news',
    title: 'Geo News: Latest News Breaking Pakistan, World, Live Videos',
    headlines: [
      'Live: national assembly session',
      'Weather: heatwave warning for Punjab',
      'Sports: PSL draft announced',
    ],
  },
  {
    id: 'thenews',
    ip: '198.18.30.3',
    names: ['thenews.com.pk'],
    kind: 'news',
    title: 'The News International: Latest News Breaking, Pakistan News',
    headlines: [
      'Karachi traffic plan for the weekend',
      'Opinion: rethinking public transport',
      'Business: rupee steady against dollar',
    ],
  },
  {
    id: 'tribune',
    ip: '198.18.30.4',
    names: ['tribune.com.pk'],
    kind: 'news',
    title: 'The Express Tribune | Latest Pakistan News, Breaking News Pakistan',
    headlines: [
      'Lahore smog: schools adjust timings',
      'Tech: broadband subscribers cross new mark',
      'Life & Style: film festival opens',
    ],
  },
  {
    id: 'arynews',
    ip: '198.18.30.5',
    names: ['arynews.tv'],
    kind: 'news',
    title: 'ARY News - Latest Pakistan News, Breaking News & World Updates',
    headlines: [
      'Petrol prices unchanged for next fortnight',
      'Cricket: squad announced for tri-series',
      'Gold rates in Pakistan today',
    ],
  },
  {
    id: 'bbc',
    ip: '198.18.30.6',
    names: ['www.bbc.com'],
    kind: 'news',
    title:
      'BBC Home - Breaking News, World News, US News, Sports, Business, Innovation, Climate, Culture, Travel',
    headlines: [
      'World: leaders meet for climate talks',
      'BBC Urdu: خبریں، تجزیے اور ویڈیوز',
      'Sport: live scores',
    ],
  },
  {
    id: 'voa',
    ip: '198.18.30.7',
    names: ['www.voaurdu.com'],
    kind: 'news',
    title: 'VOA Urdu | وائس آف امریکہ اردو',
    headlines: ['امریکہ: تازہ ترین خبریں', 'پاکستان: معیشت پر رپورٹ', 'کھیل: کرکٹ کا احوال'],
  },
  {
    id: 'insaf',
    ip: '198.18.30.8',
    names: ['insaf.pk'],
    kind: 'web',
    title: 'Pakistan Tehreek-e-Insaf | PTI Official Website',
    headlines: ['Press releases', 'Membership', 'Events calendar'],
  },
  {
    id: 'example',
    ip: '198.18.40.1',
    names: [INNOCUOUS_NAME],
    kind: 'innocuous',
    title: 'Example Domain',
    headlines: ['This domain is for use in illustrative examples in documents.'],
  },
];

export function findOriginByName(name: string): Origin | undefined {
  return ORIGINS.find((o) => o.names.includes(name));
}
