/**
 * The probe's identity: its key (keys.ts) and the probe_id each collector gave it at registration
 * (`POST /api/v1/probes/register`; the same key registered twice gets the same id), kept in identity.json.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { platform } from 'node:os';
import type { RegisterRequest } from '../../schemas/src/api.ts';
import { SOFTWARE_NAME, SOFTWARE_VERSION } from '../run-test.ts';
import { apiUrl, collectorError } from '../upload/collector-url.ts';
import type { HttpClient } from '../upload/http-client.ts';
import { loadOrCreateKey, type ProbeKey } from './keys.ts';

interface IdentityFile {
  probe_ids: Record<string, string>;
}

export class Identity {
  private data: IdentityFile = { probe_ids: {} };

  constructor(
    readonly key: ProbeKey,
    private readonly file: string,
  ) {
    if (existsSync(file)) this.data = JSON.parse(readFileSync(file, 'utf8')) as IdentityFile;
  }

  static load(keyFile: string, identityFile: string): Identity {
    return new Identity(loadOrCreateKey(keyFile).key, identityFile);
  }

  probeIdFor(collector: string): string | null {
    return this.data.probe_ids[collector] ?? null;
  }

  /** The id from any collector (they normally share one database), for `raabta.probe_id`. */
  anyProbeId(preferred?: string | null): string | null {
    if (preferred && this.data.probe_ids[preferred]) return this.data.probe_ids[preferred];
    return Object.values(this.data.probe_ids)[0] ?? null;
  }

  forget(collector: string): void {
    delete this.data.probe_ids[collector];
    this.save();
  }

  private save(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data, null, 2), { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  /** Registers with `collector` unless already registered there; returns the probe_id. */
  async ensureRegistered(http: HttpClient, collector: string): Promise<string> {
    const known = this.probeIdFor(collector);
    if (known) return known;
    const req: RegisterRequest = {
      public_key: this.key.publicKeyB64,
      software_name: SOFTWARE_NAME,
      software_version: SOFTWARE_VERSION,
      platform: `${platform()}-${process.arch}`,
    };
    const res = await http.request(apiUrl(collector, 'probes/register'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(req),
    });
    if (res.status !== 200) throw collectorError(res, 'registration');
    const { probe_id } = JSON.parse(res.body.toString('utf8')) as { probe_id: string };
    this.data.probe_ids[collector] = probe_id;
    this.save();
    return probe_id;
  }
}
