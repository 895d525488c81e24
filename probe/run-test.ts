/** Runs one NetTest on one target: measure (and ask the control at the same time), then analyze. */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import {
  type Control,
  FORMAT_VERSION,
  type Measurement,
  OONI_DATA_FORMAT_VERSION,
} from '../schemas/src/measurement.ts';
import type { Clock, ControlClient, NetTest, RunSettings } from './context.ts';
import type { Dialer } from './net/dialer.ts';
import { failureOf } from './net/errors.ts';
import type { Target } from './target.ts';
import { Trace } from './trace.ts';

export const SOFTWARE_NAME = 'raabta-probe';
export const SOFTWARE_VERSION = '0.1.0';

/** Where the probe is, as the collector told it at check-in (never its IP address). */
export interface ProbeNetwork {
  probe_id: string | null;
  probe_asn: string;
  probe_cc: string;
  probe_network_name: string | null;
  resolver_asn: string;
  resolver_ip: string;
  resolver_network_name: string | null;
}

export const UNKNOWN_NETWORK: ProbeNetwork = {
  probe_id: null,
  probe_asn: 'AS0',
  probe_cc: 'ZZ',
  probe_network_name: null,
  resolver_asn: 'AS0',
  resolver_ip: '127.0.0.2',
  resolver_network_name: null,
};

export interface RunEnv {
  dialer: Dialer;
  clock: Clock;
  log: Logger;
  settings: RunSettings;
  network: ProbeNetwork;
  control?: ControlClient;
  reportId?: string;
  testStartTime?: Date;
  annotations?: Record<string, string>;
}

/** OONI's "YYYY-MM-DD HH:MM:SS" in UTC. */
export function ooniTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** Time-ordered, unique: `20241110T013347Z_PK_web_<16 hex>`. */
export function newMeasurementUid(d: Date, cc: string, testName: string): string {
  const stamp = d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}_${cc}_${testName}_${randomBytes(8).toString('hex')}`;
}

export async function runTest(test: NetTest, target: Target, env: RunEnv): Promise<Measurement> {
  const start = env.clock.now();
  const trace = new Trace(env.clock.monotonic);
  const ctx = { trace, dialer: env.dialer, clock: env.clock, log: env.log, settings: env.settings };
  const controlSource = env.control;
  const [, controlResult] = await Promise.all([
    test.measure(ctx, target),
    controlSource
      ? controlSource(target).catch(
          (err): Control => ({
            source: 'collector',
            failure: failureOf(err),
            queries: [],
            tcp_connect: [],
            tls_handshakes: [],
            requests: [],
            handshakes: [],
            throughput: [],
          }),
        )
      : Promise.resolve(null),
  ]);
  const m: Measurement = {
    measurement_uid: newMeasurementUid(start, env.network.probe_cc, test.name),
    report_id:
      env.reportId ?? `${ooniTime(start).replace(/\D/g, '')}_${test.name}_${randomBytes(6).toString('hex')}`,
    data_format_version: OONI_DATA_FORMAT_VERSION,
    probe_asn: env.network.probe_asn,
    probe_cc: env.network.probe_cc,
    probe_network_name: env.network.probe_network_name,
    probe_ip: '127.0.0.1',
    resolver_asn: env.network.resolver_asn,
    resolver_ip: env.network.resolver_ip,
    resolver_network_name: env.network.resolver_network_name,
    software_name: SOFTWARE_NAME,
    software_version: SOFTWARE_VERSION,
    test_name: test.name,
    test_version: test.version,
    test_start_time: ooniTime(env.testStartTime ?? start),
    measurement_start_time: ooniTime(start),
    test_runtime: trace.now(),
    input: target.input,
    annotations: { ...(env.annotations ?? {}) },
    test_keys: trace.testKeys(controlResult),
    raabta: {
      format_version: FORMAT_VERSION,
      probe_id: env.network.probe_id,
      suite: target.suite,
      target_group: target.group,
      category_code: target.category_code,
      verdict: null,
      signature: null,
    },
  };
  m.raabta.verdict = test.analyze(m);
  return m;
}
