import type {
  Coverage,
  Dataset,
  EventDetail,
  MeasurementDetail,
  MeasurementSummary,
  Network,
  RaabtaEvent,
  TimelineResponse,
} from './types.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | undefined | null>;

export function apiUrl(path: string, query: Query = {}): string {
  const u = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
  return u.pathname + u.search;
}

const cache = new Map<string, Promise<unknown>>();

/** GET JSON; identical requests in one page life are shared (the data is historical). */
export function getJson<T>(path: string, query: Query = {}): Promise<T> {
  const url = apiUrl(path, query);
  let p = cache.get(url);
  if (!p) {
    p = fetch(url, { headers: { accept: 'application/json' } }).then(async (res) => {
      const body = (await res.json().catch(() => null)) as {
        error?: { code: string; message: string };
      } | null;
      if (!res.ok) {
        cache.delete(url);
        throw new ApiError(
          res.status,
          body?.error?.code ?? 'http_error',
          body?.error?.message ?? res.statusText,
        );
      }
      return body;
    });
    p.catch(() => cache.delete(url));
    cache.set(url, p);
  }
  return p as Promise<T>;
}

/** Forgets cached GETs whose URL starts with one of the prefixes (after an edit). */
export function invalidate(...prefixes: string[]): void {
  for (const k of [...cache.keys()]) if (prefixes.some((p) => k.startsWith(p))) cache.delete(k);
}

async function patchJson<T>(path: string, body: unknown, token: string): Promise<T> {
  const res = await fetch(path, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok)
    throw new ApiError(res.status, json?.error?.code ?? 'http_error', json?.error?.message ?? res.statusText);
  return json as T;
}

export const api = {
  editEvent: (id: string, body: { title?: string; note?: string }, token: string) =>
    patchJson<RaabtaEvent>(`/api/v1/admin/events/${encodeURIComponent(id)}`, body, token).then((e) => {
      invalidate('/api/v1/events', '/api/v1/timeline');
      return e;
    }),
  networks: () => getJson<{ results: Network[] }>('/api/v1/networks').then((r) => r.results),
  coverage: () => getJson<{ results: Coverage[] }>('/api/v1/probes').then((r) => r.results),
  datasets: () => getJson<{ results: Dataset[] }>('/api/v1/datasets').then((r) => r.results),
  events: (q: Query) => getJson<{ results: RaabtaEvent[] }>('/api/v1/events', q).then((r) => r.results),
  event: (id: string) => getJson<EventDetail>(`/api/v1/events/${encodeURIComponent(id)}`),
  timeline: (q: Query) => getJson<TimelineResponse>('/api/v1/timeline', q),
  measurements: (q: Query) =>
    getJson<{ results: MeasurementSummary[]; next_cursor: string | null }>('/api/v1/measurements', q),
  measurement: (uid: string) => getJson<MeasurementDetail>(`/api/v1/measurements/${encodeURIComponent(uid)}`),
  rawUrl: (uid: string) => `/api/v1/measurements/${encodeURIComponent(uid)}/raw`,
};
