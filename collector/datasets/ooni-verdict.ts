/**
 * OONI's own conclusions → a format v1 verdict and target group. We do not re-analyse OONI data: the verdict
 * restates what OONI's test keys say (web_connectivity `blocking`/`accessible`, the messaging tests' status
 * keys, Tor's accessible counts), with the blocking method read from the first failing step of the trace,
 * and a confidence that reflects how often that OONI signal is a false positive (see README.md).
 */
import type { BlockingMethod, TestKeys, Verdict } from '../../schemas/src/measurement.ts';
import type { Obj } from './ooni-values.ts';

export const OONI_ANALYSIS_VERSION = 'ooni-import-1';

type Partial = Pick<Verdict, 'status' | 'method' | 'confidence' | 'reason'> & { evidence?: string[] };

/** The first failing step, in the order a connection goes: DNS, TCP, TLS, HTTP. */
export function firstFailure(tk: TestKeys): { method: BlockingMethod; pointer: string } | null {
  const stages: [BlockingMethod, keyof TestKeys, { failure?: unknown; status?: { failure: unknown } }[]][] = [
    ['dns', 'queries', tk.queries],
    ['tcp', 'tcp_connect', tk.tcp_connect],
    ['tls', 'tls_handshakes', tk.tls_handshakes],
    ['http', 'requests', tk.requests],
  ];
  for (const [method, key, list] of stages) {
    const i = list.findIndex((s) => (s.status ? s.status.failure : s.failure) != null);
    if (i >= 0) return { method, pointer: `/test_keys/${key}/${i}` };
  }
  return null;
}

const keyText = (tk: Obj, keys: string[]) =>
  keys.map((k) => `${k}=${JSON.stringify(tk[k] ?? null)}`).join(', ');
const ok = (why: string): Partial => ({ status: 'ok', method: null, confidence: 0.8, reason: why });
const inconclusive = (why: string): Partial => ({
  status: 'inconclusive',
  method: null,
  confidence: 0,
  reason: why,
});

function blocked(
  tk: TestKeys,
  why: string,
  confidence: number,
  method?: BlockingMethod,
  pointer?: string,
): Partial {
  const f = firstFailure(tk);
  const evidence = pointer ?? f?.pointer;
  return {
    status: 'blocked',
    method: method ?? f?.method ?? null,
    confidence,
    reason: why,
    evidence: evidence ? [evidence] : [],
  };
}

/** Pointer to the last entry of a trace array (the final HTTP hop), if any. */
const last = (key: string, list: unknown[]): string | undefined =>
  list.length ? `/test_keys/${key}/${list.length - 1}` : undefined;

function webConnectivity(o: Obj, tk: TestKeys): Partial {
  const facts = `OONI web_connectivity: ${keyText(o, ['blocking', 'accessible', 'dns_consistency', 'http_experiment_failure'])}`;
  const tlsFailed = tk.tls_handshakes.some((h) => h.failure !== null);
  switch (o.blocking) {
    case 'dns':
      return blocked(
        tk,
        `${facts}; DNS answers inconsistent with the test helper's`,
        0.6,
        'dns',
        tk.queries.length ? '/test_keys/queries/0' : undefined,
      );
    case 'tcp_ip':
      return blocked(tk, `${facts}; TCP connections failed where the test helper's succeeded`, 0.7, 'tcp');
    case 'http-failure':
      return blocked(
        tk,
        `${facts}; ${tlsFailed ? 'the TLS handshake' : 'the HTTP transaction'} failed`,
        0.6,
        tlsFailed ? 'tls' : 'http',
      );
    case 'http-diff':
      return blocked(
        tk,
        `${facts}; the page differs from the test helper's (blockpage or false positive)`,
        0.5,
        'http',
        last('requests', tk.requests),
      );
    case false:
      return o.accessible === false
        ? { status: 'down', method: null, confidence: 0.6, reason: `${facts}; the test helper failed too` }
        : ok(facts);
    default:
      return inconclusive(`${facts}; OONI could not decide`);
  }
}

function statuses(o: Obj, tk: TestKeys, test: string, keys: string[], confidence: number): Partial {
  const facts = `OONI ${test}: ${keyText(o, keys)}`;
  const values = keys.map((k) => o[k]);
  if (values.includes('blocked')) return blocked(tk, facts, confidence);
  if (values.every((v) => v === 'ok')) return ok(facts);
  return inconclusive(`${facts}; not every check completed`);
}

function signal(o: Obj, tk: TestKeys, version: string, start: string): Partial {
  const v = statuses(o, tk, 'signal', ['signal_backend_status'], 0.6);
  v.reason = `${v.reason}; signal_backend_failure=${JSON.stringify(o.signal_backend_failure ?? null)}`;
  if (v.status === 'blocked' && version === '0.2.0' && start >= '2022-10-19') {
    return inconclusive(
      `${v.reason}; signal 0.2.0 after 2022-10-19 fails on Signal's changed root CA (OONI spec)`,
    );
  }
  return v;
}

function telegram(o: Obj, tk: TestKeys): Partial {
  const facts = `OONI telegram: ${keyText(o, ['telegram_tcp_blocking', 'telegram_http_blocking', 'telegram_web_status', 'telegram_web_failure'])}`;
  if (o.telegram_tcp_blocking === true) return blocked(tk, facts, 0.7, 'tcp');
  if (o.telegram_http_blocking === true) return blocked(tk, facts, 0.6, 'http');
  if (o.telegram_web_status === 'blocked') return blocked(tk, facts, 0.5);
  if (
    o.telegram_tcp_blocking === false &&
    o.telegram_http_blocking === false &&
    o.telegram_web_status === 'ok'
  ) {
    return ok(facts);
  }
  return inconclusive(`${facts}; not every check completed`);
}

function tor(o: Obj, tk: TestKeys): Partial {
  const kinds = ['or_port_dirauth', 'dir_port', 'obfs4', 'or_port'];
  let total = 0;
  let up = 0;
  for (const k of kinds) {
    total += typeof o[`${k}_total`] === 'number' ? (o[`${k}_total`] as number) : 0;
    up += typeof o[`${k}_accessible`] === 'number' ? (o[`${k}_accessible`] as number) : 0;
  }
  const facts = `OONI tor: ${up} of ${total} targets accessible (${keyText(
    o,
    kinds.flatMap((k) => [`${k}_accessible`, `${k}_total`]),
  )})`;
  if (!total) return inconclusive(`${facts}; no targets measured`);
  if (up >= total) return ok(facts);
  if (up === 0) return blocked(tk, facts, 0.6);
  return inconclusive(`${facts}; some targets reachable, some not`);
}

export const OONI_TEST_GROUPS: Record<string, string> = {
  whatsapp: 'whatsapp_text',
  signal: 'signal',
  telegram: 'telegram',
  tor: 'tor',
};

/** web_connectivity: `news` for Citizen Lab's NEWS category, else `web`. */
export function targetGroupFor(testName: string, categoryCode: string | null): string {
  if (testName === 'web_connectivity') return categoryCode === 'NEWS' ? 'news' : 'web';
  return OONI_TEST_GROUPS[testName];
}

export function ooniVerdict(testName: string, o: Obj, tk: TestKeys, version: string, start: string): Verdict {
  let v: Partial;
  if (testName === 'web_connectivity') v = webConnectivity(o, tk);
  else if (testName === 'whatsapp') {
    v = statuses(
      o,
      tk,
      'whatsapp',
      ['whatsapp_endpoints_status', 'registration_server_status', 'whatsapp_web_status'],
      0.6,
    );
  } else if (testName === 'signal') v = signal(o, tk, version, start);
  else if (testName === 'telegram') v = telegram(o, tk);
  else v = tor(o, tk);
  const blockingKey = testName === 'web_connectivity' ? ['/annotations/ooni_blocking'] : [];
  return {
    status: v.status,
    method: v.method,
    confidence: v.confidence,
    reason: `${v.reason} (OONI's own result, imported)`.slice(0, 2000),
    evidence: [...(v.evidence ?? []), ...blockingKey].slice(0, 50),
    analysis_version: OONI_ANALYSIS_VERSION,
  };
}

export const isSupportedOoniTest = (t: string): boolean => t === 'web_connectivity' || t in OONI_TEST_GROUPS;
