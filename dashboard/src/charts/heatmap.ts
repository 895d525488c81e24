import { s } from '../dom.ts';
import type { Tz } from '../time.ts';
import type { RaabtaEvent, TimelineBucket } from '../types.ts';
import { drawAxis, type XScale, xOf } from './axis.ts';
import { drawEventLane } from './events-lane.ts';
import { type Frame, type FrameSpec, frame } from './frame.ts';
import { drawLegend, type LegendLabels } from './legend.ts';
import { blockedShare, chartFont, shareColor } from './scale.ts';
import { txt } from './text.ts';

export interface HeatRow {
  key: string;
  label: string;
  buckets: TimelineBucket[];
}

export interface HeatmapSpec extends FrameSpec {
  rows: HeatRow[];
  from: number;
  to: number;
  bucketMs: number;
  tz: Tz;
  events: RaabtaEvent[];
  eventHref: (e: RaabtaEvent) => string;
  selected: string | null;
  /** Whether an event concerns a row (its outline is drawn over that row). */
  concerns: (e: RaabtaEvent, rowKey: string) => boolean;
  sparseBelow: number;
  /** Tooltip text of one cell. */
  cellText: (row: HeatRow, b: TimelineBucket, share: number | null) => string;
  legend: LegendLabels;
}

export const ROW_H = 24;

export interface HeatmapLayout {
  sc: XScale;
  rowsTop: number;
  rowH: number;
  bodyTop: number;
}

/** The heatmap: one row per service/network/target, one cell per time bucket, colour = blocked share. */
export function heatmap(spec: HeatmapSpec): { svg: SVGSVGElement; layout: HeatmapLayout } {
  const f: Frame = frame(spec);
  // Label column as wide as the longest label needs, within limits (narrow screens give the plot the room).
  const longest = Math.max(4, ...spec.rows.map((r) => r.label.length));
  const labelW = Math.round(Math.min(190, spec.width * 0.3, Math.max(70, longest * 7.2 + 16)));
  const maxChars = Math.max(4, Math.floor((labelW - 12) / 7.2));
  const sc: XScale = { from: spec.from, to: spec.to, x0: labelW, width: spec.width - labelW - 10 };
  const lane = drawEventLane(f.body, sc, spec.events, spec.eventHref);
  const rowsTop = lane.height + 4;
  const rowsG = s('g', { class: 'rows' });
  f.body.appendChild(rowsG);
  spec.rows.forEach((row, i) => {
    const y = rowsTop + i * ROW_H;
    const g = s('g', { 'data-row': row.key });
    const label = row.label.length > maxChars ? `${row.label.slice(0, maxChars - 1)}…` : row.label;
    g.appendChild(
      txt(
        {
          x: labelW - 6,
          y: y + 16,
          'font-size': 12,
          'text-anchor': 'end',
          fill: '#111',
          'font-family': chartFont(),
        },
        label,
      ),
    );
    g.appendChild(s('rect', { x: sc.x0, y: y + 1, width: sc.width, height: ROW_H - 2, fill: f.noDataFill }));
    const cellW = Math.max(0.6, (spec.bucketMs / (spec.to - spec.from)) * sc.width);
    for (const b of row.buckets) {
      const t = Date.parse(b.t);
      if (t + spec.bucketMs <= spec.from || t >= spec.to) continue;
      const share = blockedShare(b);
      if (share === null) continue;
      const x = Math.max(sc.x0, xOf(sc, t));
      const w = Math.min(sc.x0 + sc.width, xOf(sc, t) + cellW) - x;
      const cell = s('rect', {
        x: round(x),
        y: y + 1,
        width: round(Math.max(0.6, w)),
        height: ROW_H - 2,
        fill: shareColor(share),
        'fill-opacity': b.probes < spec.sparseBelow ? 0.4 : 1,
        'data-t': b.t,
        class: 'cell',
      });
      cell.appendChild(s('title', {}, spec.cellText(row, b, share)));
      g.appendChild(cell);
    }
    rowsG.appendChild(g);
  });
  const selIndex = spec.rows.findIndex((r) => r.key === spec.selected);
  rowsG.appendChild(
    s('rect', {
      x: 1,
      y: rowsTop + Math.max(0, selIndex) * ROW_H,
      width: spec.width - 4,
      height: ROW_H,
      fill: 'none',
      stroke: '#1f4e9c',
      'stroke-width': 2,
      visibility: selIndex >= 0 ? 'visible' : 'hidden',
      class: 'row-sel',
    }),
  );
  const rowsBottom = rowsTop + spec.rows.length * ROW_H;
  lane.outline(
    rowsTop,
    ROW_H,
    spec.rows.map((r) => r.key),
    spec.concerns,
  );
  const axisG = s('g', { class: 'axis' });
  f.body.appendChild(axisG);
  drawAxis(axisG, sc, spec.tz, rowsTop, rowsBottom + 2);
  const legendH = drawLegend(
    f.body,
    spec.legend,
    8,
    rowsBottom + 30,
    spec.width,
    f.noDataFill,
    spec.sparseBelow,
  );
  const svg = f.finish(rowsBottom + 30 + legendH);
  return { svg, layout: { sc, rowsTop, rowH: ROW_H, bodyTop: f.top } };
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
