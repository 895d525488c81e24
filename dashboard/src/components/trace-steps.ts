import { h } from '../dom.ts';
import { t } from '../i18n/index.ts';
import type { Raw } from '../types.ts';

/** Readers for untrusted JSON: anything of the wrong type becomes empty, never an exception. */
export const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
export const arr = (v: unknown): Raw[] =>
  Array.isArray(v) ? v.filter((x): x is Raw => typeof x === 'object' && x !== null) : [];
export const obj = (v: unknown): Raw =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Raw) : {};

const MAX_BODY = 4000;

function timing(s: Raw): string {
  const t0 = Number(s.t0);
  const t1 = Number(s.t);
  return Number.isFinite(t0) && Number.isFinite(t1) ? `${t0.toFixed(3)}–${t1.toFixed(3)} s` : '';
}

function outcome(failure: unknown): HTMLElement {
  const f = str(failure);
  return f
    ? h('span', { class: 'outcome fail' }, `${t('failure')}: ${f}`)
    : h('span', { class: 'outcome okay' }, t('success'));
}

function step(
  kind: string,
  main: string,
  failure: unknown,
  s: Raw,
  ...extra: (HTMLElement | null)[]
): HTMLElement {
  return h(
    'div',
    { class: `step step-${kind}` },
    h(
      'div',
      { class: 'step-head' },
      h('code', { class: 'step-main' }, main),
      ' ',
      outcome(failure),
      h('span', { class: 'timing' }, timing(s)),
    ),
    ...extra,
  );
}

const line = (label: string, value: string) =>
  value
    ? h(
        'div',
        { class: 'step-line' },
        h('span', { class: 'k' }, `${label}: `),
        h('span', { class: 'v' }, value),
      )
    : null;

export function queryStep(q: Raw): HTMLElement {
  const answers = arr(q.answers)
    .map((a) => `${str(a.answer_type)} ${str(a.ipv4) || str(a.ipv6) || str(a.hostname)}`)
    .join(', ');
  return step(
    'dns',
    `${str(q.engine)} ${str(q.query_type)} ${str(q.hostname)} @ ${str(q.resolver_address)}`,
    q.failure,
    q,
    line('answers', answers),
    line('rcode', str(q.rcode)),
  );
}

export function tcpStep(c: Raw): HTMLElement {
  const st = obj(c.status);
  return step('tcp', `${str(c.ip)}:${str(c.port)}`, st.failure, c);
}

export function tlsStep(x: Raw): HTMLElement {
  const cert = arr(x.certificates)[0];
  return step(
    'tls',
    `${str(x.address)} SNI=${str(x.server_name)}`,
    x.failure,
    x,
    line(
      'version',
      [str(x.tls_version), str(x.cipher_suite), str(x.negotiated_protocol)].filter(Boolean).join(' · '),
    ),
    cert ? line('certificate', `${str(cert.subject)} ← ${str(cert.issuer)}`) : null,
    line('verified', x.verified === true ? 'yes' : str(x.verify_error)),
  );
}

function headerList(v: unknown): HTMLElement | null {
  const rows = Array.isArray(v) ? v.filter((p): p is unknown[] => Array.isArray(p)) : [];
  if (!rows.length) return null;
  return h(
    'details',
    { class: 'headers' },
    h('summary', {}, `${t('headers')} (${rows.length})`),
    h('pre', {}, rows.map((p) => `${str(p[0])}: ${str(p[1])}`).join('\n')),
  );
}

export function httpStep(r: Raw): HTMLElement {
  const req = obj(r.request);
  const res = obj(r.response);
  const body = str(res.body);
  return step(
    'http',
    `${str(req.method)} ${str(req.url)} → ${str(res.code) || '—'}`,
    r.failure,
    r,
    line(t('page_title'), str(res.title)),
    line(
      'body',
      res.body_length !== undefined
        ? `${str(res.body_length)} B${str(res.body_sha256) ? ` sha256 ${str(res.body_sha256).slice(0, 16)}…` : ''}`
        : '',
    ),
    headerList(res.headers_list),
    body
      ? h(
          'details',
          { class: 'body' },
          h('summary', {}, t('body')),
          h('pre', { class: 'http-body' }, body.length > MAX_BODY ? `${body.slice(0, MAX_BODY)}…` : body),
        )
      : null,
  );
}

export function handshakeStep(x: Raw): HTMLElement {
  const rtt = Number(x.rtt);
  const details = obj(x.details);
  return step(
    'handshake',
    `${str(x.protocol)}/${str(x.transport)} ${str(x.address)}`,
    x.failure,
    x,
    line(
      'bytes',
      `sent ${str(x.sent_bytes)} · received ${str(x.received_bytes)}${Number.isFinite(rtt) && x.rtt !== null ? ` · rtt ${(rtt * 1000).toFixed(0)} ms` : ''}`,
    ),
    line('response', str(x.response)),
    Object.keys(details).length ? h('pre', { class: 'details' }, JSON.stringify(details, null, 1)) : null,
  );
}

export function throughputStep(x: Raw): HTMLElement {
  const bps = Number(x.bytes_per_second);
  return step(
    'throughput',
    `${str(x.url)} (${str(x.address)})`,
    x.failure,
    x,
    line(
      'transfer',
      `${str(x.bytes)} B in ${Number(x.duration).toFixed(2)} s${Number.isFinite(bps) ? ` = ${(bps / 1024).toFixed(1)} KiB/s` : ''}${x.complete === false ? ' (incomplete)' : ''}`,
    ),
    line('ttfb', x.ttfb === null || x.ttfb === undefined ? '' : `${(Number(x.ttfb) * 1000).toFixed(0)} ms`),
  );
}
