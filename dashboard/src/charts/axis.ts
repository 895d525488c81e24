import { s } from '../dom.ts';
import { DAY, fmtClock, fmtDate, HOUR, MIN, offset, parts, type Tz } from '../time.ts';
import { chartFont } from './scale.ts';
import { txt } from './text.ts';

export interface XScale {
  from: number;
  to: number;
  x0: number;
  width: number;
}

export function xOf(sc: XScale, t: number): number {
  return sc.x0 + ((t - sc.from) / (sc.to - sc.from)) * sc.width;
}

export function tOf(sc: XScale, x: number): number {
  return sc.from + ((x - sc.x0) / sc.width) * (sc.to - sc.from);
}

const STEPS = [10 * MIN, 30 * MIN, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY];
const MONTH_STEPS = [1, 2, 3, 6, 12];

/** Tick instants aligned to the zone's clock (months for long ranges), at most ~one per 80 px. */
export function ticks(sc: XScale, tz: Tz): { t: number; label: string }[] {
  const span = sc.to - sc.from;
  const maxTicks = Math.max(2, Math.floor(sc.width / 80));
  const step = STEPS.find((st) => span / st <= maxTicks);
  const out: { t: number; label: string }[] = [];
  if (step) {
    const off = offset(tz);
    let t = Math.ceil((sc.from + off) / step) * step - off;
    for (; t <= sc.to; t += step) {
      const p = parts(t, tz);
      const midnight = p.h === 0 && p.mi === 0;
      out.push({
        t,
        label: step >= DAY || midnight ? fmtDate(t, tz).replace(/ \d{4}$/, '') : fmtClock(t, tz),
      });
    }
    return out;
  }
  const months = span / (30 * DAY);
  const mstep = MONTH_STEPS.find((m) => months / m <= maxTicks) ?? 24;
  const p = parts(sc.from, tz);
  let y = p.y;
  let mo = p.mo + 1;
  for (let guard = 0; guard < 400; guard++) {
    if (mo > 11) {
      y += Math.floor(mo / 12);
      mo %= 12;
    }
    const t = Date.UTC(y, mo, 1) - offset(tz);
    if (t > sc.to) break;
    if (mo % mstep === 0 || mstep === 1) out.push({ t, label: fmtDate(t, tz).replace(/^\d+ /, '') });
    mo += 1;
  }
  return out;
}

/** Tick marks and labels along y (below the rows), gridlines up to yTop. */
export function drawAxis(g: SVGGElement, sc: XScale, tz: Tz, yTop: number, y: number): void {
  g.appendChild(
    s('line', { x1: sc.x0, x2: sc.x0 + sc.width, y1: y, y2: y, stroke: '#666', 'stroke-width': 1 }),
  );
  for (const tk of ticks(sc, tz)) {
    const x = xOf(sc, tk.t);
    g.appendChild(s('line', { x1: x, x2: x, y1: yTop, y2: y + 4, stroke: '#00000022', 'stroke-width': 1 }));
    // Labels at the edges are anchored inwards so they are not clipped.
    const anchor = x > sc.x0 + sc.width - 24 ? 'end' : x < sc.x0 + 24 ? 'start' : 'middle';
    g.appendChild(
      txt(
        { x, y: y + 16, 'font-size': 11, 'text-anchor': anchor, fill: '#333', 'font-family': chartFont() },
        tk.label,
      ),
    );
  }
}
