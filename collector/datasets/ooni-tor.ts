/**
 * OONI `tor` measurements keep one trace per target under `test_keys.targets[<id>]`. Format v1 has one trace
 * per measurement, so the targets' arrays are concatenated, and each target also becomes one `handshakes`
 * entry (protocol `tor`) carrying its address, protocol, bytes exchanged and failure — the per-target result
 * OONI's `summary` gives — with the target id, protocol, name and summary in `details`.
 */
import type { Handshake } from '../../schemas/src/steps.ts';
import {
  arr,
  capped,
  clip,
  type ImportNotes,
  mapFailure,
  num,
  type Obj,
  obj,
  secs,
  str,
} from './ooni-values.ts';

export interface TorTraces {
  raw: Record<'queries' | 'tcp_connect' | 'tls_handshakes' | 'requests' | 'network_events', unknown[]>;
  handshakes: Handshake[];
}

function bytes(events: unknown[], op: string): number {
  let n = 0;
  for (const e of events.map(obj)) if (e.operation === op) n += Math.max(0, num(e.num_bytes) ?? 0);
  return Math.trunc(n);
}

function targetHandshake(id: string, t: Obj): Handshake {
  const events = arr(t.network_events);
  const times = [...events, ...arr(t.tcp_connect), ...arr(t.tls_handshakes)].map((e) => secs(obj(e).t));
  const failure = mapFailure(t.failure);
  return {
    transaction_id: 0,
    t0: times.length ? Math.min(...times) : 0,
    t: times.length ? Math.max(...times) : 0,
    protocol: 'tor',
    transport: 'tcp',
    address: clip(str(t.target_address) ?? '', 80),
    sent_bytes: bytes(events, 'write'),
    received_bytes: bytes(events, 'read'),
    rtt: null,
    response: failure === null ? clip(`${str(t.target_protocol) ?? 'tor'}_ok`, 64) : null,
    details: {
      ooni_target_id: id,
      target_protocol: str(t.target_protocol),
      target_name: str(t.target_name),
      summary: obj(t.summary),
    },
    raw_response: null,
    failure,
  };
}

export function torTraces(tk: Obj, notes: ImportNotes): TorTraces {
  const raw: TorTraces['raw'] = {
    queries: [],
    tcp_connect: [],
    tls_handshakes: [],
    requests: [],
    network_events: [],
  };
  const handshakes: Handshake[] = [];
  for (const [id, v] of Object.entries(obj(tk.targets))) {
    const t = obj(v);
    for (const key of Object.keys(raw) as (keyof TorTraces['raw'])[]) raw[key].push(...arr(t[key]));
    handshakes.push(targetHandshake(id, t));
  }
  return { raw, handshakes: capped(handshakes, 64, 'tor targets', notes) };
}
