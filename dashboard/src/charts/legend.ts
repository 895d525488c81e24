import { s } from '../dom.ts';
import { NOTE_COLOR } from './events-lane.ts';
import { chartFont, EVENT_COLOR, shareColor } from './scale.ts';
import { txt } from './text.ts';

export interface LegendLabels {
  share: string;
  noData: string;
  sparse: string;
  event: string;
  note: string;
}

const text = (x: number, y: number, v: string) =>
  txt({ x, y, 'font-size': 11, fill: '#333', 'font-family': chartFont() }, v);

/** Legend of the heatmap; wraps to a second line on narrow charts. Returns its height. */
export function drawLegend(
  body: SVGGElement,
  l: LegendLabels,
  x0: number,
  y0: number,
  width: number,
  noDataFill: string,
  _sparseBelow: number,
): number {
  const g = s('g', { class: 'legend' });
  body.appendChild(g);
  let x = x0;
  let y = y0;
  const place = (w: number) => {
    if (x + w > width - 8) {
      x = x0;
      y += 20;
    }
    const at = x;
    x += w;
    return at;
  };
  let at = place(60 + 5 * 26 + 40);
  g.appendChild(text(at, y + 11, l.share));
  const steps = [0, 0.25, 0.5, 0.75, 1];
  steps.forEach((v, i) => {
    const sx = at + 80 + i * 26;
    g.appendChild(s('rect', { x: sx, y, width: 20, height: 12, fill: shareColor(v) }));
    g.appendChild(
      txt(
        {
          x: sx + 10,
          y: y + 24,
          'font-size': 9,
          fill: '#555',
          'text-anchor': 'middle',
          'font-family': chartFont(),
        },
        `${v * 100}%`,
      ),
    );
  });
  at = place(24 + l.noData.length * 6.5 + 16);
  g.appendChild(
    s('rect', { x: at, y, width: 20, height: 12, fill: noDataFill, stroke: '#bbb', 'stroke-width': 0.5 }),
  );
  g.appendChild(text(at + 24, y + 11, l.noData));
  at = place(24 + l.sparse.length * 6 + 16);
  g.appendChild(s('rect', { x: at, y, width: 20, height: 12, fill: shareColor(0.75), 'fill-opacity': 0.4 }));
  g.appendChild(text(at + 24, y + 11, l.sparse));
  at = place(24 + l.event.length * 6.5 + 16);
  g.appendChild(
    s('rect', { x: at, y, width: 20, height: 12, rx: 2, fill: EVENT_COLOR, 'fill-opacity': 0.85 }),
  );
  g.appendChild(text(at + 24, y + 11, l.event));
  at = place(24 + l.note.length * 6.5 + 16);
  g.appendChild(
    s('polygon', { points: `${at + 4},${y + 1} ${at + 16},${y + 1} ${at + 10},${y + 11}`, fill: NOTE_COLOR }),
  );
  g.appendChild(text(at + 24, y + 11, l.note));
  return y - y0 + 30;
}
