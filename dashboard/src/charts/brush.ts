import { s } from '../dom.ts';
import { tOf } from './axis.ts';
import type { HeatmapLayout } from './heatmap.ts';

export interface BrushHandlers {
  onZoom(from: number, to: number): void;
  onCell(rowIndex: number, t: number): void;
  onHover(rowIndex: number | null, t: number): void;
}

/**
 * Drag across the heatmap to zoom to that time range; a click (no drag) selects the row and bucket under
 * the pointer. Pointer events cover mouse, touch and pen.
 */
export function attachBrush(svg: SVGSVGElement, layout: HeatmapLayout, rows: number, h: BrushHandlers): void {
  const { sc, rowsTop, rowH, bodyTop } = layout;
  const y0 = bodyTop + rowsTop;
  const height = rows * rowH;
  const sel = s('rect', {
    x: 0,
    y: y0,
    width: 0,
    height,
    fill: '#1f4e9c',
    'fill-opacity': 0.18,
    stroke: '#1f4e9c',
    visibility: 'hidden',
    'pointer-events': 'none',
  });
  const overlay = s('rect', {
    x: sc.x0,
    y: y0,
    width: sc.width,
    height,
    fill: '#000000',
    'fill-opacity': 0,
    class: 'brush',
  });
  svg.appendChild(sel);
  svg.appendChild(overlay);
  const toSvgX = (ev: PointerEvent) => {
    const r = svg.getBoundingClientRect();
    return ((ev.clientX - r.left) / r.width) * Number(svg.getAttribute('width'));
  };
  const toSvgY = (ev: PointerEvent) => {
    const r = svg.getBoundingClientRect();
    return ((ev.clientY - r.top) / r.height) * Number(svg.getAttribute('height'));
  };
  const clampX = (x: number) => Math.min(sc.x0 + sc.width, Math.max(sc.x0, x));
  let start: number | null = null;
  overlay.addEventListener('pointerdown', (ev) => {
    start = clampX(toSvgX(ev));
    overlay.setPointerCapture(ev.pointerId);
    sel.setAttribute('x', String(start));
    sel.setAttribute('width', '0');
    sel.setAttribute('visibility', 'visible');
  });
  overlay.addEventListener('pointerleave', () => h.onHover(null, 0));
  overlay.addEventListener('pointermove', (ev) => {
    if (start === null) {
      const row = Math.floor((toSvgY(ev) - y0) / rowH);
      h.onHover(row >= 0 && row < rows ? row : null, tOf(sc, clampX(toSvgX(ev))));
      return;
    }
    const x = clampX(toSvgX(ev));
    sel.setAttribute('x', String(Math.min(start, x)));
    sel.setAttribute('width', String(Math.abs(x - start)));
  });
  const end = (ev: PointerEvent) => {
    if (start === null) return;
    const x = clampX(toSvgX(ev));
    const a = start;
    start = null;
    sel.setAttribute('visibility', 'hidden');
    if (Math.abs(x - a) >= 6) {
      h.onZoom(tOf(sc, Math.min(a, x)), tOf(sc, Math.max(a, x)));
    } else {
      const row = Math.floor((toSvgY(ev) - y0) / rowH);
      if (row >= 0 && row < rows) h.onCell(row, tOf(sc, x));
    }
  };
  overlay.addEventListener('pointerup', end);
  overlay.addEventListener('pointercancel', () => {
    start = null;
    sel.setAttribute('visibility', 'hidden');
  });
}
