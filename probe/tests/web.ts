/**
 * The web test: URL → DNS (system + configured resolver) → TCP to every address → TLS with SNI (and the
 * innocuous-SNI check when the handshake dies) → HTTP with redirects followed hop by hop → a bounded
 * throughput transfer when the target asks for one (WhatsApp media, CDNs).
 */
import { analyzeWeb } from '../analysis/web.ts';
import type { NetTest, TestContext } from '../context.ts';
import { establish } from '../steps/establish.ts';
import { defaultPort, fetchChain } from '../steps/fetch-chain.ts';
import { resolveHost } from '../steps/resolve.ts';
import { THROUGHPUT_DEFAULTS, throughputStep } from '../steps/throughput.ts';
import type { Target } from '../target.ts';
import { parseWebInput } from './inputs.ts';

async function measureThroughput(
  ctx: TestContext,
  base: URL,
  spec: NonNullable<Target['throughput']>,
): Promise<void> {
  const url = new URL(spec.path ?? THROUGHPUT_DEFAULTS.path, base);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const resolution = await resolveHost(ctx, host);
  if (resolution.failure) return;
  const conn = await establish(ctx, {
    addresses: resolution.addresses,
    port: defaultPort(url),
    serverName: url.protocol === 'https:' ? host : null,
    sniCheck: false,
  });
  if (!conn.connection) return;
  await throughputStep(
    ctx,
    {
      url,
      address: conn.connection.address,
      socket: conn.connection.socket,
      maxBytes: spec.maxBytes ?? THROUGHPUT_DEFAULTS.maxBytes,
      maxSeconds: spec.maxSeconds ?? THROUGHPUT_DEFAULTS.maxSeconds,
    },
    conn.connection.tx,
  );
}

export const webTest: NetTest = {
  name: 'web',
  version: '1.0.0',
  async measure(ctx, target) {
    const url = parseWebInput(target.input);
    const chain = await fetchChain(ctx, url);
    if (target.throughput && !chain.failure) await measureThroughput(ctx, chain.finalUrl, target.throughput);
  },
  analyze: (m) => analyzeWeb(m),
};
