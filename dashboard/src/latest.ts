import { api } from './api.ts';
import { DAY } from './time.ts';

let latest: Promise<number> | null = null;

/**
 * The time of the newest measurement (the dataset may be historical, e.g. the 2024 demo), so "current"
 * views end where the data ends rather than at the wall clock. Falls back to now.
 */
export function latestDataTime(): Promise<number> {
  latest ??= api
    .measurements({ limit: 1 })
    .then((r) => {
      const t = Date.parse(r.results[0]?.measurement_start_time ?? '');
      return Number.isFinite(t) ? t : Date.now();
    })
    .catch(() => Date.now());
  return latest;
}

/** Default timeline range: the last year of data. */
export async function defaultRange(): Promise<[number, number]> {
  const end = Math.ceil((await latestDataTime()) / DAY) * DAY;
  return [end - 366 * DAY, end];
}
