/** A registered probe key for benchmarks. */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { request } from 'undici';

export async function registerBenchProbe(url: string): Promise<{ probeId: string; privateKey: KeyObject }> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const der = publicKey.export({ format: 'der', type: 'spki' });
  const res = await request(`${url}/api/v1/probes/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      public_key: der.subarray(der.length - 32).toString('base64'),
      software_name: 'bench',
      software_version: '0',
    }),
  });
  const json = (await res.body.json()) as { probe_id: string };
  return { probeId: json.probe_id, privateKey };
}
