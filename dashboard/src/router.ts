/**
 * The whole view state lives in the URL hash: `#/<view>[/<id>]?key=value&…`. A permalink is location.href;
 * reloading it renders the same view. `lang` (en|ur) and `tz` (pkt|utc) are carried across views.
 */
export interface Route {
  view: string;
  id: string | null;
  params: URLSearchParams;
}

export const GLOBAL_PARAMS = ['lang', 'tz'] as const;

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const params = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'embed') return { view: `embed/${parts[1] ?? 'timeline'}`, id: null, params };
  return { view: parts[0] || 'overview', id: parts[1] ?? null, params };
}

/** Builds a hash for `view` keeping the global params of the current route unless overridden. */
export function href(
  view: string,
  id: string | null = null,
  params: Record<string, string | null> = {},
): string {
  const cur = currentRoute().params;
  const out = new URLSearchParams();
  for (const g of GLOBAL_PARAMS) {
    const v = cur.get(g);
    if (v) out.set(g, v);
  }
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === '') out.delete(k);
    else out.set(k, v);
  }
  const q = qs(out);
  return `#/${view}${id ? `/${encodeURIComponent(id)}` : ''}${q ? `?${q}` : ''}`;
}

/** Query string with readable times (":" needs no escaping inside a URL fragment). */
function qs(p: URLSearchParams): string {
  return p.toString().replace(/%3A/gi, ':');
}

export function currentRoute(): Route {
  return parseHash(location.hash);
}

/**
 * Same view, some params changed. `replace` keeps history short; `silent` only records the state in the URL
 * (the view has already drawn it, e.g. a selected cell).
 */
export function update(params: Record<string, string | null>, replace = false, silent = false): void {
  const r = currentRoute();
  const out = new URLSearchParams(r.params);
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === '') out.delete(k);
    else out.set(k, v);
  }
  const view = r.view;
  const q = qs(out);
  const next = `#/${view}${r.id ? `/${encodeURIComponent(r.id)}` : ''}${q ? `?${q}` : ''}`;
  if (replace) history.replaceState(null, '', next);
  else history.pushState(null, '', next);
  if (!silent) window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export function go(hash: string): void {
  location.hash = hash;
}

/** The absolute permalink of a hash (for copy/share and captions). */
export function permalink(hash = location.hash): string {
  return `${location.origin}${location.pathname}${hash}`;
}
