/** The collector's fast validator must agree with schemas/validate.ts (the published schema as compiled there). */
import test from 'ava';
import { validateFast } from '../../collector/ingest/validator.ts';
import { sampleMeasurement } from '../../collector/testing/sample-measurement.ts';
import { validateMeasurement } from '../../schemas/validate.ts';

// biome-ignore lint/suspicious/noExplicitAny: mutations reach into arbitrary nested fields
type Loose = Record<string, any>;
type Mutation = [string, (m: Loose) => void];

const mutations: Mutation[] = [
  ['unchanged', () => {}],
  ['missing probe_asn', (m) => delete m.probe_asn],
  ['unknown top-level field', (m) => (m.probe_lat = 1)],
  ['wrong type', (m) => (m.test_runtime = '1')],
  ['bad failure name', (m) => (m.test_keys.failure = 'blocked_by_censor')],
  ['unknown_failure with detail', (m) => (m.test_keys.failure = 'unknown_failure: odd')],
  ['nested unknown field', (m) => (m.test_keys.tls_handshakes[0].extra = true)],
  ['nested missing field', (m) => delete m.test_keys.tcp_connect[0].port],
  ['control null', (m) => (m.test_keys.control = null)],
  ['control with unknown field', (m) => (m.test_keys.control.x = 1)],
  ['bad ipv4 format', (m) => (m.test_keys.queries[0].answers[0].ipv4 = '999.1.1.1')],
  ['verdict null', (m) => (m.raabta.verdict = null)],
  ['bad verdict status', (m) => (m.raabta.verdict.status = 'censored')],
  ['probe_ip not the placeholder', (m) => (m.probe_ip = '203.0.113.9')],
  ['bad time format', (m) => (m.measurement_start_time = '2024-11-10T08:15:00Z')],
  ['annotation not a string', (m) => (m.annotations.x = 1)],
  ['too long input', (m) => (m.input = 'x'.repeat(5000))],
  ['array instead of object', (m) => (m.raabta = [])],
];

for (const [name, mutate] of mutations) {
  test(`fast validator agrees with the reference: ${name}`, (t) => {
    const m = sampleMeasurement() as unknown as Loose;
    mutate(m);
    const ref = validateMeasurement(m);
    const fast = validateFast(m);
    t.is(fast.ok, ref.ok);
    if (!ref.ok && !fast.ok) t.is(fast.error, ref.error);
  });
}
