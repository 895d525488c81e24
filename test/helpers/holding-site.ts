/**
 * A loopback HTTPS site "site.test" (throw-away CA, its own DNS server) like the e2e harness's target, except
 * that requests whose query has `hold` get no answer until the test releases them or the site closes — a slow
 * target a probe run can be interrupted in the middle of. Usable wherever the harness takes a LoopbackTarget.
 */
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { LoopbackTarget } from '../e2e/harness.ts';
import { startDnsServer } from './dns-server.ts';
import { createTestCa } from './test-ca.ts';

export interface HoldingSite extends LoopbackTarget {
  /** requests being held right now */
  held(): number;
  /** requests that asked to be held, ever */
  heldTotal(): number;
  /** answer every held request */
  release(): void;
}

const PAGE = '<!doctype html><html><head><title>Raabta holding site</title></head><body>hi</body></html>';

export async function startHoldingSite(): Promise<HoldingSite> {
  const ca = createTestCa('Raabta holding-site CA');
  const leaf = ca.issue('site.test', ['site.test']);
  const dns = await startDnsServer({ 'site.test': ['127.0.0.1'] });
  const holding = new Set<ServerResponse>();
  let heldTotal = 0;
  let hits = 0;
  const answer = (res: ServerResponse) => {
    if (!res.writableEnded && !res.destroyed) res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  };
  const https = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (req, res) => {
    hits++;
    if (new URL(req.url ?? '/', 'https://site.test').searchParams.has('hold')) {
      heldTotal++;
      holding.add(res);
      res.on('close', () => holding.delete(res));
      return;
    }
    answer(res);
  });
  await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
  const port = (https.address() as AddressInfo).port;
  return {
    ca,
    dns,
    https,
    port,
    url: `https://site.test:${port}/`,
    get hits() {
      return hits;
    },
    page: PAGE,
    held: () => holding.size,
    heldTotal: () => heldTotal,
    release() {
      for (const res of holding) answer(res);
      holding.clear();
    },
    async close() {
      https.closeAllConnections();
      await new Promise<void>((r) => https.close(() => r()));
      await dns.close();
      ca.cleanup();
    },
  };
}
