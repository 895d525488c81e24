/**
 * Envelope details of an OONI import: the probe's IP (OONI probes send 127.0.0.1; anything else is scrubbed
 * wherever it appears, as our own collector does), and the annotations that keep the provenance.
 */
import { OONI_DATA_FORMAT_VERSION } from '../../schemas/src/measurement.ts';
import { clip, type ImportNotes, isIPv4, isIPv6, type Obj, obj, str } from './ooni-values.ts';

/** Keys of OONI test_keys that are mapped into format v1 structures rather than copied to annotations. */
const MAPPED_KEYS = new Set([
  'queries',
  'tcp_connect',
  'tls_handshakes',
  'requests',
  'network_events',
  'control',
  'targets',
  'failure',
  'failed_operation',
]);

/** Replaces a real probe IP everywhere in the measurement with `[scrubbed]`. */
export function scrubProbeIp(m: Obj, notes: ImportNotes): Obj {
  const ip = str(m.probe_ip);
  if (!ip || ip === '127.0.0.1' || !(isIPv4(ip) || isIPv6(ip))) return m;
  const escaped = ip.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = isIPv4(ip)
    ? new RegExp(`(?<![0-9.])${escaped}(?![0-9]|\\.[0-9])`, 'g')
    : new RegExp(`(?<![0-9A-Fa-f:])${escaped}(?![0-9A-Fa-f:])`, 'gi');
  notes.add('probe_ip scrubbed');
  return JSON.parse(JSON.stringify(m).replace(pattern, '[scrubbed]'));
}

function asText(v: unknown): string | null {
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(',');
  return null;
}

/**
 * OONI's own annotations (stringified, clipped to 512), then `ooni_<key>` for each scalar (or string list)
 * test key — `ooni_blocking`, `ooni_whatsapp_endpoints_status`, … — then the import's provenance.
 */
export function annotationsFor(m: Obj, ooniUid: string | null, notes: ImportNotes): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(m.annotations))) {
    const text = asText(v) ?? JSON.stringify(v);
    if (k.length <= 64) out[k] = clip(text, 512);
    else notes.add('annotation with a key over 64 characters dropped');
  }
  for (const [k, v] of Object.entries(obj(m.test_keys))) {
    const text = asText(v);
    if (MAPPED_KEYS.has(k) || text === null) continue;
    out[clip(`ooni_${k}`, 64)] = clip(text, 512);
  }
  delete out.simulated;
  out.source = 'ooni';
  if (ooniUid) out.ooni_measurement_uid = ooniUid;
  else out.ooni_uid_derived = 'true';
  const dfv = str(m.data_format_version);
  if (dfv && dfv !== OONI_DATA_FORMAT_VERSION) out.ooni_data_format_version = clip(dfv, 512);
  if (notes.size) out.ooni_import_notes = notes.render();
  return out;
}
