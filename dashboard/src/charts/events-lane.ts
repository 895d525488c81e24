import { s } from '../dom.ts';
import type { RaabtaEvent } from '../types.ts';
import { type XScale, xOf } from './axis.ts';
import { chartFont, EVENT_COLOR } from './scale.ts';
import { txt } from './text.ts';

export const NOTE_COLOR = '#d97706';
export const LANE_ROW = 19;
const MAX_LANES = 6;

interface Placed {
  e: RaabtaEvent;
  x: number;
  w: number;
  lane: number;
}

/** Greedy lane assignment so overlapping events (a long block and a short one inside it) stay visible. */
function place(sc: XScale, events: RaabtaEvent[]): Placed[] {
  const ends: number[] = [];
  const out: Placed[] = [];
  const sorted = [...events].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  for (const e of sorted) {
    const start = Date.parse(e.start);
    const end = e.end ? Date.parse(e.end) : sc.to;
    if (end < sc.from || start > sc.to) continue;
    const x1 = xOf(sc, Math.max(sc.from, start));
    const w = Math.max(4, xOf(sc, Math.min(sc.to, end)) - x1);
    const x = Math.min(x1, sc.x0 + sc.width - w);
    const reach = x + Math.max(w, Math.min(220, e.title.length * 6.5)) + 4;
    let lane = ends.findIndex((end2) => end2 <= x);
    if (lane < 0) lane = ends.length < MAX_LANES ? ends.length : MAX_LANES - 1;
    ends[lane] = reach;
    out.push({ e, x, w, lane });
  }
  return out;
}

/**
 * Event bands in lanes above the rows (each a link to its event page) with their titles, editors' notes as
 * markers, and dashed outlines over the rows the event concerns (drawn once the rows are laid out).
 */
export function drawEventLane(
  body: SVGGElement,
  sc: XScale,
  events: RaabtaEvent[],
  hrefOf: (e: RaabtaEvent) => string,
): {
  height: number;
  outline(
    rowsTop: number,
    rowH: number,
    keys: string[],
    concerns: (e: RaabtaEvent, key: string) => boolean,
  ): void;
} {
  const g = s('g', { class: 'events' });
  body.appendChild(g);
  const placed = place(sc, events);
  const lanes = placed.length ? Math.max(...placed.map((p) => p.lane)) + 1 : 1;
  for (const { e, x, w, lane } of placed) {
    const y = lane * LANE_ROW;
    const a = s('a', { href: hrefOf(e), class: 'event-band', 'data-event': e.id });
    a.appendChild(s('title', {}, e.title));
    a.appendChild(
      s('rect', { x, y: y + 2, width: w, height: 15, rx: 2, fill: EVENT_COLOR, 'fill-opacity': 0.9 }),
    );
    const room = sc.x0 + sc.width - x - 4;
    const max = Math.floor(Math.min(room, Math.max(w, 220)) / 6.5);
    const label = e.title.length > max ? `${e.title.slice(0, Math.max(1, max - 1))}…` : e.title;
    const inside = w > label.length * 6.5 + 8;
    a.appendChild(
      txt(
        {
          x: inside ? x + 4 : x + w + 3,
          y: y + 13,
          'font-size': 11,
          fill: inside ? '#ffffff' : EVENT_COLOR,
          'font-family': chartFont(),
        },
        label,
      ),
    );
    g.appendChild(a);
    for (const n of e.notes ?? []) {
      const t = Date.parse(n.at);
      if (Number.isNaN(t)) continue;
      // a note written outside the drawn window (e.g. today, on a 2024 event) sits on the band's nearer end
      const inWindow = t >= sc.from && t <= sc.to;
      const nx = inWindow ? xOf(sc, t) : t > sc.to ? x + w : x;
      const m = s('polygon', {
        points: `${nx - 5},${y} ${nx + 5},${y} ${nx},${y + 9}`,
        fill: NOTE_COLOR,
        stroke: '#ffffff',
        'stroke-width': 1,
        class: inWindow ? 'note-marker' : 'note-marker outside',
        'data-at': n.at,
      });
      m.appendChild(s('title', {}, n.text));
      g.appendChild(m);
    }
  }
  return {
    height: lanes * LANE_ROW,
    outline(rowsTop, rowH, keys, concerns) {
      for (const { e, x, w } of placed) {
        keys.forEach((k, i) => {
          if (!concerns(e, k)) return;
          const r = s('rect', {
            x,
            y: rowsTop + i * rowH,
            width: w,
            height: rowH,
            fill: 'none',
            stroke: EVENT_COLOR,
            'stroke-width': 1.2,
            'stroke-dasharray': '3 2',
            'pointer-events': 'none',
          });
          g.appendChild(r);
        });
      }
    },
  };
}
