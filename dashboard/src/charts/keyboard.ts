import { s } from '../dom.ts';
import { xOf } from './axis.ts';
import type { HeatmapLayout } from './heatmap.ts';

export interface KeyHandlers {
  /** Focus moved to a cell (row index, bucket start): describe it. */
  onFocus(row: number, t: number): void;
  /** Enter/Space on a cell. */
  onSelect(row: number, t: number): void;
  onZoom(factor: number, centre: number): void;
}

/**
 * Keyboard use of the heatmap: Tab focuses it, arrows move between cells (←/→ one bucket, ↑/↓ one row),
 * Enter selects, + and − zoom around the focused cell. A focus ring marks the cell.
 */
export function attachKeyboard(
  svg: SVGSVGElement,
  layout: HeatmapLayout,
  rows: number,
  bucketMs: number,
  h: KeyHandlers,
): void {
  const { sc, rowsTop, rowH, bodyTop } = layout;
  svg.setAttribute('tabindex', '0');
  svg.setAttribute('focusable', 'true');
  const ring = s('rect', {
    x: 0,
    y: 0,
    width: 0,
    height: rowH,
    fill: 'none',
    stroke: '#f5a623',
    'stroke-width': 2.5,
    visibility: 'hidden',
    'pointer-events': 'none',
    class: 'focus-ring',
  });
  svg.appendChild(ring);
  let row = 0;
  let t = Math.floor(sc.from / bucketMs) * bucketMs;
  const show = () => {
    const x = xOf(sc, Math.max(sc.from, t));
    const w = Math.max(3, xOf(sc, Math.min(sc.to, t + bucketMs)) - x);
    ring.setAttribute('x', String(x));
    ring.setAttribute('width', String(w));
    ring.setAttribute('y', String(bodyTop + rowsTop + row * rowH));
    ring.setAttribute('visibility', 'visible');
    h.onFocus(row, t);
  };
  svg.addEventListener('focus', show);
  svg.addEventListener('blur', () => ring.setAttribute('visibility', 'hidden'));
  svg.addEventListener('keydown', (ev) => {
    const last = Math.floor((sc.to - 1) / bucketMs) * bucketMs;
    const first = Math.floor(sc.from / bucketMs) * bucketMs;
    switch (ev.key) {
      case 'ArrowRight':
        t = Math.min(last, t + bucketMs);
        break;
      case 'ArrowLeft':
        t = Math.max(first, t - bucketMs);
        break;
      case 'ArrowDown':
        row = Math.min(rows - 1, row + 1);
        break;
      case 'ArrowUp':
        row = Math.max(0, row - 1);
        break;
      case 'Home':
        t = first;
        break;
      case 'End':
        t = last;
        break;
      case 'Enter':
      case ' ':
        h.onSelect(row, t);
        break;
      case '+':
      case '=':
        h.onZoom(1 / 3, t + bucketMs / 2);
        break;
      case '-':
        h.onZoom(3, t + bucketMs / 2);
        break;
      default:
        return;
    }
    ev.preventDefault();
    show();
  });
}
