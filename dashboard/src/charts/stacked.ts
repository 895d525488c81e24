import { s } from '../dom.ts';
import type { Tz } from '../time.ts';
import { STATUSES, type Status, type TimelineBucket } from '../types.ts';
import { drawAxis, type XScale, xOf } from './axis.ts';
import { type FrameSpec, frame } from './frame.ts';
import { chartFont, STATUS_COLORS } from './scale.ts';
import { txt } from './text.ts';

export interface StackedSpec extends FrameSpec {
  buckets: TimelineBucket[];
  from: number;
  to: number;
  bucketMs: number;
  tz: Tz;
  labelW: number;
  statusLabel: (st: Status) => string;
  barText: (b: TimelineBucket) => string;
}

const PLOT_H = 120;

/** MAT-style stacked bars of ok / blocked / down / error / inconclusive counts per bucket for one row. */
export function stacked(spec: StackedSpec): SVGSVGElement {
  const f = frame(spec);
  const sc: XScale = { from: spec.from, to: spec.to, x0: spec.labelW, width: spec.width - spec.labelW - 10 };
  const visible = spec.buckets.filter((b) => {
    const t = Date.parse(b.t);
    return t + spec.bucketMs > spec.from && t < spec.to;
  });
  const total = (b: TimelineBucket) => STATUSES.reduce((n, st) => n + b[st], 0);
  const max = Math.max(1, ...visible.map(total));
  const top = 8;
  const base = top + PLOT_H;
  f.body.appendChild(s('rect', { x: sc.x0, y: top, width: sc.width, height: PLOT_H, fill: f.noDataFill }));
  f.body.appendChild(
    txt(
      {
        x: sc.x0 - 6,
        y: top + 10,
        'font-size': 11,
        'text-anchor': 'end',
        fill: '#333',
        'font-family': chartFont(),
      },
      String(max),
    ),
  );
  f.body.appendChild(
    txt(
      {
        x: sc.x0 - 6,
        y: base,
        'font-size': 11,
        'text-anchor': 'end',
        fill: '#333',
        'font-family': chartFont(),
      },
      '0',
    ),
  );
  const barW = Math.max(
    0.6,
    (spec.bucketMs / (spec.to - spec.from)) * sc.width -
      (spec.bucketMs / (spec.to - spec.from)) * sc.width * 0.15,
  );
  const bars = s('g', { class: 'bars' });
  for (const b of visible) {
    const x = Math.max(sc.x0, xOf(sc, Date.parse(b.t)));
    let y = base;
    const g = s('g', {});
    g.appendChild(s('rect', { x, y: top, width: barW, height: PLOT_H, fill: '#ffffff' }));
    for (const st of STATUSES) {
      if (!b[st]) continue;
      const hgt = (b[st] / max) * PLOT_H;
      y -= hgt;
      g.appendChild(
        s('rect', {
          x: Math.round(x * 10) / 10,
          y: Math.round(y * 10) / 10,
          width: Math.round(barW * 10) / 10,
          height: Math.round(hgt * 10) / 10,
          fill: STATUS_COLORS[st],
        }),
      );
    }
    g.appendChild(s('title', {}, spec.barText(b)));
    bars.appendChild(g);
  }
  f.body.appendChild(bars);
  drawAxis(f.body, sc, spec.tz, top, base);
  let lx = 8;
  const ly = base + 30;
  for (const st of STATUSES) {
    const label = spec.statusLabel(st);
    f.body.appendChild(s('rect', { x: lx, y: ly, width: 12, height: 12, fill: STATUS_COLORS[st] }));
    f.body.appendChild(
      txt({ x: lx + 16, y: ly + 11, 'font-size': 11, fill: '#333', 'font-family': chartFont() }, label),
    );
    lx += 30 + label.length * 6.5;
  }
  return f.finish(ly + 18);
}
