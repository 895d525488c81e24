/**
 * HTTP stage. A failed transaction (reset, EOF, timeout) where the control got a response is blocking at
 * the HTTP layer. A received page is checked against the false-positive signatures FIRST (CDN
 * challenges, the site's own geo-restriction: never "blocked"), then the blockpage signatures (confirmed
 * blocking), then compared with the control's page within OONI's tolerances.
 */
import type { Measurement } from '../../schemas/src/measurement.ts';
import type { HttpRequest } from '../../schemas/src/steps.ts';
import { matchBlockpage, matchFalsePositive } from '../fingerprints/match.ts';
import type { ControlView } from './control.ts';
import { compareResponses } from './http-compare.ts';
import { type At, at, CONTROL, PROBE } from './trace-view.ts';
import { capForControl, type Finding, finding } from './verdict.ts';

const FAILURE_CONFIDENCE: Record<string, number> = {
  connection_reset: 0.85,
  eof_error: 0.8,
  generic_timeout_error: 0.65,
};

function lastResponse(list: At<HttpRequest>[]): At<HttpRequest> | undefined {
  const ok = list.filter((r) => r.item.failure === null);
  return ok[ok.length - 1];
}

export function httpFailureStage(m: Measurement, host: string, control: ControlView): Finding {
  const probe = at(m.test_keys.requests, `${PROBE}/requests`);
  const failed = probe[probe.length - 1];
  const f = failed?.item.failure ?? m.test_keys.failure ?? 'unknown';
  const url = failed?.item.request.url ?? host;
  const base = `the HTTP transaction for ${url} failed (${f})${failed ? ` at ${failed.item.address}` : ''}`;
  const evidence = failed ? [failed.ptr] : [];
  if (control.state !== 'ok' || !control.control)
    return capForControl(finding('inconclusive', null, 0.3, base, evidence), control);
  const ctl = at(control.control.requests, `${CONTROL}/requests`);
  const ctlOk = lastResponse(ctl);
  const ctlFailed = ctl.find((r) => r.item.failure !== null);
  if (f === 'too_many_redirects' || f === 'http_unexpected_redirect_url') {
    if (ctlFailed?.item.failure === f)
      return finding(
        'down',
        null,
        0.7,
        `${base}; the control saw the same (${f}): the site's own redirects`,
        [...evidence, ctlFailed.ptr],
      );
    return finding('inconclusive', null, 0.4, `${base}; the control did not`, evidence);
  }
  if (ctlFailed && !ctlOk) {
    return finding(
      'down',
      null,
      0.8,
      `${base}; the control's request failed too (${ctlFailed.item.failure}): the server is not answering, not blocked`,
      [...evidence, ctlFailed.ptr],
    );
  }
  if (ctlOk) {
    const conf = FAILURE_CONFIDENCE[f] ?? 0.6;
    return finding(
      'blocked',
      'http',
      conf,
      `${base}; the control received HTTP ${ctlOk.item.response.code} for ${ctlOk.item.request.url}`,
      [...evidence, ctlOk.ptr],
    );
  }
  return finding(
    'inconclusive',
    null,
    0.3,
    `${base}; the control made no HTTP observation to compare`,
    evidence,
  );
}

export interface ResponseStageInput {
  host: string;
  control: ControlView;
  /** set when the DNS answers disagreed with the control and nothing has cleared them yet */
  dnsWeak: { reason: string; evidence: string[] } | null;
}

export function responseStage(m: Measurement, input: ResponseStageInput): Finding {
  const { host, control, dnsWeak } = input;
  const probe = at(m.test_keys.requests, `${PROBE}/requests`).filter((r) => r.item.failure === null);
  const final = probe[probe.length - 1];
  if (!final) return finding('inconclusive', null, 0.3, `no HTTP response for ${host} was recorded`, []);
  const ctlFinal = control.control
    ? lastResponse(at(control.control.requests, `${CONTROL}/requests`))
    : undefined;
  const code = final.item.response.code;
  const page = `HTTP ${code} for ${final.item.request.url}${final.item.response.title ? ` ("${final.item.response.title}")` : ''}`;

  const fp = matchFalsePositive(final.item.response);
  if (fp) {
    const same = ctlFinal && compareResponses(final.item.response, ctlFinal.item.response).match;
    if (same)
      return finding(
        'ok',
        null,
        0.7,
        `${page} matches the control's page; it carries the ${fp.signature.kind} signature ${fp.signature.id}, from the site or its CDN`,
        [final.ptr, ctlFinal.ptr],
      );
    const what =
      fp.signature.kind === 'geo_restriction'
        ? 'the site (or its CDN) restricting access by location'
        : `a ${fp.signature.kind} page of the site's CDN`;
    return finding(
      'inconclusive',
      null,
      0.5,
      `${page} is ${what} (${fp.signature.id}), not evidence of network interference`,
      [final.ptr],
    );
  }
  for (const hop of probe) {
    const bp = matchBlockpage(hop.item.response, m.probe_cc);
    if (!bp) continue;
    const ctlAlso = control.control?.requests.some(
      (r) => matchBlockpage(r.response, m.probe_cc)?.signature.id === bp.signature.id,
    );
    if (ctlAlso) continue; // the site's own page quotes the text: not a blockpage
    const method = dnsWeak ? 'dns' : 'http';
    const why = dnsWeak ? `${dnsWeak.reason}; ` : '';
    const f = finding(
      'blocked',
      method,
      bp.expectedHere ? 0.99 : 0.9,
      `${why}the probe received a blockpage for ${hop.item.request.url}: HTTP ${hop.item.response.code} matching ${bp.signature.id} (${bp.signature.source})`,
      [hop.ptr, ...(dnsWeak?.evidence ?? [])],
    );
    return capForControl(f, control);
  }
  if (control.state !== 'ok' || !control.control)
    return capForControl(
      finding('ok', null, 0.6, `${page} received; no known blockpage`, [final.ptr]),
      control,
    );
  if (!ctlFinal) {
    const why = control.control.failure ?? 'no response';
    return finding(
      'ok',
      null,
      0.6,
      `${page} received; the control could not fetch the page (${why}), so it was not compared`,
      [final.ptr],
    );
  }
  const cmp = compareResponses(final.item.response, ctlFinal.item.response);
  if (cmp.match) {
    return finding(
      'ok',
      null,
      0.9,
      `${page} matches the control's page (status, body length proportion ${(cmp.bodyProportion ?? 0).toFixed(2)}, title/headers)`,
      [final.ptr, ctlFinal.ptr],
    );
  }
  const diff = `${page} differs from the control's page beyond tolerances: ${cmp.differences.join('; ')}`;
  if (dnsWeak)
    return finding('blocked', 'dns', 0.6, `${dnsWeak.reason}; ${diff}`, [
      ...dnsWeak.evidence,
      final.ptr,
      ctlFinal.ptr,
    ]);
  return finding('blocked', 'http', 0.6, `${diff} (no known blockpage signature: unconfirmed)`, [
    final.ptr,
    ctlFinal.ptr,
  ]);
}
