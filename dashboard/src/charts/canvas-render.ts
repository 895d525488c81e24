import { NO_DATA_BG, NO_DATA_LINE } from './scale.ts';

/**
 * Paints our chart SVGs onto a canvas for PNG export. The page's CSP (default-src 'self') forbids loading
 * the SVG as a blob:/data: image, so instead this walks the small subset of SVG the charts use (g/a with
 * translate, rect, line, polygon, text, the hatch pattern) and draws it with the 2D API.
 */
export function renderToCanvas(svg: SVGSVGElement, scale = 2): HTMLCanvasElement {
  const w = Number(svg.getAttribute('width'));
  const h = Number(svg.getAttribute('height'));
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(w * scale);
  canvas.height = Math.ceil(h * scale);
  const ctx = canvas.getContext('2d')!;
  ctx.scale(scale, scale);
  ctx.direction = 'ltr';
  const hatch = hatchPattern(ctx);
  const fontFamily = svg.getAttribute('font-family') ?? 'sans-serif';
  walk(ctx, svg, 0, 0, hatch, fontFamily);
  return canvas;
}

function hatchPattern(ctx: CanvasRenderingContext2D): CanvasPattern | string {
  const c = document.createElement('canvas');
  c.width = 6;
  c.height = 6;
  const p = c.getContext('2d')!;
  p.fillStyle = NO_DATA_BG;
  p.fillRect(0, 0, 6, 6);
  p.strokeStyle = NO_DATA_LINE;
  p.beginPath();
  p.moveTo(0, 6);
  p.lineTo(6, 0);
  p.stroke();
  return ctx.createPattern(c, 'repeat') ?? NO_DATA_BG;
}

const num = (el: Element, a: string, d = 0) => {
  const v = Number.parseFloat(el.getAttribute(a) ?? '');
  return Number.isFinite(v) ? v : d;
};

function paint(
  ctx: CanvasRenderingContext2D,
  el: Element,
  hatch: CanvasPattern | string,
  path: () => void,
): void {
  const fill = el.getAttribute('fill');
  const stroke = el.getAttribute('stroke');
  ctx.save();
  if (fill && fill !== 'none') {
    ctx.globalAlpha = num(el, 'fill-opacity', 1);
    ctx.fillStyle = fill.startsWith('url(') ? hatch : fill;
    ctx.beginPath();
    path();
    ctx.fill();
  }
  if (stroke && stroke !== 'none') {
    ctx.globalAlpha = num(el, 'stroke-opacity', 1);
    ctx.strokeStyle = stroke;
    ctx.lineWidth = num(el, 'stroke-width', 1);
    const dash = el.getAttribute('stroke-dasharray');
    ctx.setLineDash(dash ? dash.split(/[ ,]+/).map(Number) : []);
    ctx.beginPath();
    path();
    ctx.stroke();
  }
  ctx.restore();
}

function walk(
  ctx: CanvasRenderingContext2D,
  el: Element,
  dx: number,
  dy: number,
  hatch: CanvasPattern | string,
  font: string,
): void {
  for (const c of Array.from(el.children)) {
    const tag = c.tagName.toLowerCase();
    if (c.getAttribute('visibility') === 'hidden' || c.getAttribute('class') === 'brush') continue;
    if (tag === 'g' || tag === 'a') {
      const m = /translate\(\s*([-\d.]+)[ ,]+([-\d.]+)\s*\)/.exec(c.getAttribute('transform') ?? '');
      walk(ctx, c, dx + (m ? Number(m[1]) : 0), dy + (m ? Number(m[2]) : 0), hatch, font);
    } else if (tag === 'rect') {
      const [x, y, w, h] = [num(c, 'x') + dx, num(c, 'y') + dy, num(c, 'width'), num(c, 'height')];
      paint(ctx, c, hatch, () => ctx.rect(x, y, w, h));
    } else if (tag === 'line') {
      paint(ctx, c, hatch, () => {
        ctx.moveTo(num(c, 'x1') + dx, num(c, 'y1') + dy);
        ctx.lineTo(num(c, 'x2') + dx, num(c, 'y2') + dy);
      });
    } else if (tag === 'polygon') {
      const pts = (c.getAttribute('points') ?? '')
        .trim()
        .split(/\s+/)
        .map((p) => p.split(',').map(Number));
      paint(ctx, c, hatch, () => {
        pts.forEach(([x, y], i) => {
          if (i) ctx.lineTo(x + dx, y + dy);
          else ctx.moveTo(x + dx, y + dy);
        });
        ctx.closePath();
      });
    } else if (tag === 'text') {
      ctx.save();
      const weight = c.getAttribute('font-weight') === 'bold' ? 'bold ' : '';
      ctx.font = `${weight}${num(c, 'font-size', 12)}px ${c.getAttribute('font-family') ?? font}`;
      ctx.fillStyle = c.getAttribute('fill') ?? '#000';
      const anchor = c.getAttribute('text-anchor');
      ctx.direction = c.getAttribute('direction') === 'rtl' ? 'rtl' : 'ltr';
      ctx.textAlign = anchor === 'end' ? 'end' : anchor === 'middle' ? 'center' : 'start';
      ctx.fillText(c.textContent ?? '', num(c, 'x') + dx, num(c, 'y') + dy);
      ctx.restore();
    }
  }
}
