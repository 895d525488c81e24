import { s } from '../dom.ts';
import type { RaabtaEvent } from '../types.ts';
import { type XScale, xOf } from './axis.ts';
import { EVENT_COLOR, FONT } from './scale.ts';

export const NOTE_COLOR = '#d97706';

/**
 * Event bands in a lane above the rows (each a link to its event page), dashed outlines through the rows
 * (drawn once the rows' height is known) and editors' notes as markers.
 */
export function drawEventLane(
  body: SVGGElement,
  sc: XScale,
  events: RaabtaEvent[],
  hrefOf: (e: RaabtaEvent) => string,
  y: number,
): { extendBands(bottom: number): void } {
  const lane = s('g', { class: 'events' });
  body.appendChild(lane);
  const spans: { x: number; w: number }[] = [];
  for (const e of events) {
    const start = Date.parse(e.start);
    const end = e.end ? Date.parse(e.end) : sc.to;
    if (end < sc.from || start > sc.to) continue;
    const x1 = xOf(sc, Math.max(sc.from, start));
    const x2 = xOf(sc, Math.min(sc.to, end));
    const w = Math.max(4, x2 - x1);
    const x = Math.min(x1, sc.x0 + sc.width - w);
    spans.push({ x, w });
    const a = s('a', { href: hrefOf(e), class: 'event-band', 'data-event': e.id });
    a.appendChild(s('title', {}, e.title));
    a.appendChild(
      s('rect', { x, y: y + 3, width: w, height: 16, rx: 2, fill: EVENT_COLOR, 'fill-opacity': 0.85 }),
    );
    if (w > 60) {
      const max = Math.floor((w - 8) / 6.5);
      const label = e.title.length > max ? `${e.title.slice(0, Math.max(1, max - 1))}…` : e.title;
      a.appendChild(
        s('text', { x: x + 4, y: y + 15, 'font-size': 11, fill: '#ffffff', 'font-family': FONT }, label),
      );
    }
    lane.appendChild(a);
    for (const n of e.notes ?? []) {
      const t = Date.parse(n.at);
      if (!(t >= sc.from && t <= sc.to)) continue;
      const nx = xOf(sc, t);
      const m = s('polygon', {
        points: `${nx - 5},${y} ${nx + 5},${y} ${nx},${y + 8}`,
        fill: NOTE_COLOR,
        stroke: '#ffffff',
        'stroke-width': 1,
        class: 'note-marker',
      });
      m.appendChild(s('title', {}, n.text));
      lane.appendChild(m);
    }
  }
  return {
    extendBands(bottom: number) {
      for (const sp of spans) {
        lane.insertBefore(
          s('rect', {
            x: sp.x,
            y: y + 20,
            width: sp.w,
            height: bottom - y - 20,
            fill: EVENT_COLOR,
            'fill-opacity': 0.06,
            stroke: EVENT_COLOR,
            'stroke-width': 1,
            'stroke-dasharray': '3 2',
            'pointer-events': 'none',
          }),
          lane.firstChild,
        );
      }
    },
  };
}
