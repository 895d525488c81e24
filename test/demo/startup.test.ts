import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import pino from 'pino';
import { start } from '../../collector/server.ts';

interface ApiEvent {
  id: string;
  target_group: string;
  start: string;
  end: string | null;
  status: string;
  scope: { cc: string; asns: string[] };
  methods: string[];
  simulated: boolean;
}

test('a first start on an empty database loads the demo and the API shows its three disruptions with evidence', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'raabta-start-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const running = await start({
    db: join(dir, 'raabta.db'),
    port: 0,
    demo: true,
    detectEveryMs: 0,
    prepareWorkers: 0,
    log: pino({ level: 'silent' }),
  });
  t.teardown(() => running.close());
  const get = async <T>(path: string) => (await (await fetch(`${running.url}${path}`)).json()) as T;
  const { results } = await get<{ results: ApiEvent[] }>('/api/v1/events?limit=100');
  const brief = results
    .map(
      (e) =>
        `${e.target_group} ${e.start.slice(0, 13)} ${e.end?.slice(0, 13) ?? 'open'} ${e.methods[0]} ${e.scope.asns.length}`,
    )
    .sort();
  t.deepEqual(brief, [
    'ikev2 2024-11-10T08 2024-11-10T10 protocol 8',
    'openvpn 2024-11-10T08 2024-11-10T10 protocol 8',
    'whatsapp_media 2024-07-20T07 2024-08-10T07 throttle 3',
    'wireguard 2024-11-10T08 2024-11-10T10 protocol 8',
    'x 2024-02-17T11 open tls 8',
  ]);
  t.true(results.every((e) => e.simulated));
  for (const e of results) {
    const detail = await get<{ evidence: { uid: string; verdict: { status: string } | null }[] }>(
      `/api/v1/events/${e.id}`,
    );
    t.true(detail.evidence.length >= 2, `${e.target_group}: sample measurements`);
    t.true(detail.evidence.every((m) => m.verdict?.status === 'blocked'));
  }
  const stats = await get<{ results: unknown[] }>('/api/v1/probes');
  t.true(JSON.stringify(stats).includes('AS136384'));
});
