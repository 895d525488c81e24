import { h } from '../dom.ts';
import { type Key, t } from '../i18n/index.ts';
import type { Raw } from '../types.ts';
import {
  arr,
  handshakeStep,
  httpStep,
  obj,
  queryStep,
  str,
  tcpStep,
  throughputStep,
  tlsStep,
} from './trace-steps.ts';

const KINDS: [string, Key, (s: Raw) => HTMLElement][] = [
  ['queries', 'tr_queries', queryStep],
  ['tcp_connect', 'tr_tcp', tcpStep],
  ['tls_handshakes', 'tr_tls', tlsStep],
  ['requests', 'tr_http', httpStep],
  ['handshakes', 'tr_handshakes', handshakeStep],
  ['throughput', 'tr_throughput', throughputStep],
];

function side(
  keys: Raw,
  prefix: string,
  kind: string,
  render: (s: Raw) => HTMLElement,
  evidence: Set<string>,
): HTMLElement {
  const steps = arr(keys[kind]);
  if (!steps.length) return h('div', { class: 'side empty' }, t('none'));
  return h(
    'ol',
    { class: 'side' },
    ...steps.map((s, i) => {
      const pointer = `${prefix}/${kind}/${i}`;
      const li = h(
        'li',
        { 'data-pointer': pointer, class: evidence.has(pointer) ? 'evidence' : null },
        render(s),
      );
      return li;
    }),
  );
}

/**
 * The full step trace of a measurement, probe and control side by side per step kind. Steps named by the
 * verdicts' evidence pointers are highlighted. Everything is rendered as text.
 */
export function traceView(m: Raw, evidence: string[] = []): HTMLElement {
  const keys = obj(m.test_keys);
  const control = keys.control && typeof keys.control === 'object' ? obj(keys.control) : null;
  const ev = new Set(evidence);
  const sections: HTMLElement[] = [];
  for (const [kind, label, render] of KINDS) {
    const probeSteps = arr(keys[kind]);
    const controlSteps = control ? arr(control[kind]) : [];
    if (!probeSteps.length && !controlSteps.length) continue;
    sections.push(
      h(
        'section',
        { class: `trace-kind trace-${kind}` },
        h('h3', {}, t(label)),
        h(
          'div',
          { class: 'two-col' },
          h(
            'div',
            { class: 'col probe' },
            h('h4', {}, t('probe_side')),
            side(keys, '/test_keys', kind, render, ev),
          ),
          h(
            'div',
            { class: 'col control' },
            h('h4', {}, t('control_side')),
            control
              ? side(control, '/test_keys/control', kind, render, ev)
              : h('p', { class: 'empty' }, t('no_control')),
          ),
        ),
      ),
    );
  }
  const failure = str(keys.failure);
  const top = failure
    ? h(
        'p',
        { class: 'trace-failure' },
        h('span', { class: 'outcome fail' }, `${t('failure')}: ${failure}`),
        ` (${str(keys.failed_operation)})`,
      )
    : null;
  if (control && str(control.failure)) {
    sections.push(h('p', { class: 'trace-failure' }, `${t('control_side')}: ${str(control.failure)}`));
  }
  return h('div', { class: 'trace' }, top, ...sections);
}
