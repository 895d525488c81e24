/**
 * Comparing the probe's final HTTP response with the control's, with OONI web_connectivity's tolerances:
 * the pages match when the status codes are equal and at least one of: body length proportion ≥ 0.7,
 * a shared uncommon header name, a shared title word (≥ 5 characters). Identical bodies always match.
 * A page whose length differs a little from the control's is NOT a difference.
 */
import type { HttpRequest } from '../../schemas/src/steps.ts';

export const BODY_PROPORTION_MIN = 0.7;

/** Header names every server sends: they say nothing about whose server answered. */
const COMMON_HEADERS = new Set([
  'date',
  'content-type',
  'server',
  'cache-control',
  'vary',
  'set-cookie',
  'location',
  'expires',
  'x-powered-by',
  'content-encoding',
  'last-modified',
  'accept-ranges',
  'pragma',
  'x-frame-options',
  'etag',
  'x-content-type-options',
  'age',
  'via',
  'p3p',
  'x-xss-protection',
  'content-language',
  'cf-ray',
  'strict-transport-security',
  'link',
  'x-varnish',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
]);

export interface HttpComparison {
  match: boolean;
  statusMatch: boolean;
  bodyProportion: number | null;
  headersMatch: boolean | null;
  titleMatch: boolean | null;
  /** human summary of what differed */
  differences: string[];
}

type Response = HttpRequest['response'];

function uncommon(r: Response): Set<string> {
  return new Set(r.headers_list.map(([n]) => n.toLowerCase()).filter((n) => !COMMON_HEADERS.has(n)));
}

function titleWords(title: string | null): string[] {
  return (title ?? '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => [...w].length >= 5);
}

export function compareResponses(probe: Response, control: Response): HttpComparison {
  const differences: string[] = [];
  if (probe.body_sha256 && probe.body_sha256 === control.body_sha256 && probe.code === control.code) {
    return {
      match: true,
      statusMatch: true,
      bodyProportion: 1,
      headersMatch: true,
      titleMatch: true,
      differences,
    };
  }
  const statusMatch = probe.code === control.code;
  if (!statusMatch) differences.push(`status ${probe.code} vs control's ${control.code}`);
  const a = probe.body_length;
  const b = control.body_length;
  const bothCapped = probe.body_is_truncated && control.body_is_truncated;
  const bodyProportion = bothCapped ? 1 : a === 0 && b === 0 ? 1 : Math.min(a, b) / Math.max(a, b, 1);
  if (bodyProportion < BODY_PROPORTION_MIN)
    differences.push(`body ${a} bytes vs control's ${b} (proportion ${bodyProportion.toFixed(2)})`);
  const pu = uncommon(probe);
  const cu = uncommon(control);
  const headersMatch = pu.size === 0 && cu.size === 0 ? null : [...pu].some((h) => cu.has(h));
  if (headersMatch === false) differences.push('no uncommon header in common');
  const cw = titleWords(control.title);
  const pw = titleWords(probe.title);
  const titleMatch = cw.length === 0 && pw.length === 0 ? null : pw.some((w) => cw.includes(w));
  if (titleMatch === false)
    differences.push(`title "${probe.title ?? ''}" vs control's "${control.title ?? ''}"`);
  const match =
    statusMatch && (bodyProportion >= BODY_PROPORTION_MIN || headersMatch === true || titleMatch === true);
  return { match, statusMatch, bodyProportion, headersMatch, titleMatch, differences };
}
