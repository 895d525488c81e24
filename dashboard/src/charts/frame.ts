import { s } from '../dom.ts';
import { chartFont, NO_DATA_BG, NO_DATA_LINE } from './scale.ts';
import { txt } from './text.ts';

export interface FrameSpec {
  width: number;
  title: string;
  /** Caption lines drawn under the chart (source, time zone); part of every export. */
  caption: string[];
  simulated: boolean;
  simulatedLabel: string;
  description: string;
}

let seq = 0;

export interface Frame {
  svg: SVGSVGElement;
  body: SVGGElement;
  top: number;
  noDataFill: string;
  /** Sets the height once the body is drawn (body height in px), adding the caption below. */
  finish(bodyHeight: number): SVGSVGElement;
}

/**
 * An SVG chart with its title, a "simulated data" badge when it shows simulated data, and a caption with
 * the data source: all drawn inside the SVG with presentation attributes, so SVG/PNG exports are exact.
 */
export function frame(spec: FrameSpec): Frame {
  const id = `nodata-${++seq}`;
  const svg = s('svg', {
    xmlns: 'http://www.w3.org/2000/svg',
    width: spec.width,
    role: 'img',
    'aria-label': spec.description,
    direction: 'ltr',
    'font-family': chartFont(),
    class: 'chart',
  });
  svg.appendChild(s('title', {}, spec.description));
  const pattern = s('pattern', { id, width: 6, height: 6, patternUnits: 'userSpaceOnUse' });
  pattern.appendChild(s('rect', { width: 6, height: 6, fill: NO_DATA_BG }));
  pattern.appendChild(s('line', { x1: 0, y1: 6, x2: 6, y2: 0, stroke: NO_DATA_LINE, 'stroke-width': 1 }));
  svg.appendChild(s('defs', {}, pattern));
  const bg = s('rect', { x: 0, y: 0, width: spec.width, height: 100, fill: '#ffffff' });
  svg.appendChild(bg);
  svg.appendChild(
    txt(
      { x: 8, y: 20, 'font-size': 14, 'font-weight': 'bold', fill: '#111', 'font-family': chartFont() },
      spec.title,
    ),
  );
  let top = 30;
  if (spec.simulated) {
    const w = 150;
    // On narrow charts the badge goes on its own line under the title instead of over it.
    const below = spec.width < spec.title.length * 8 + w + 24;
    const by = below ? 28 : 6;
    const g = s('g', { class: 'simulated-badge' });
    g.appendChild(
      s('rect', { x: below ? 8 : spec.width - w - 8, y: by, width: w, height: 20, rx: 3, fill: '#b00020' }),
    );
    g.appendChild(
      txt(
        {
          x: below ? 8 + w / 2 : spec.width - w / 2 - 8,
          y: by + 14,
          'font-size': 12,
          'font-weight': 'bold',
          fill: '#ffffff',
          'text-anchor': 'middle',
          'font-family': chartFont(),
        },
        spec.simulatedLabel,
      ),
    );
    svg.appendChild(g);
    top = below ? 54 : 34;
  }
  const body = s('g', { transform: `translate(0 ${top})` });
  svg.appendChild(body);
  return {
    svg,
    body,
    top,
    noDataFill: `url(#${id})`,
    finish(bodyHeight: number) {
      let y = top + bodyHeight + 6;
      for (const line of spec.caption.flatMap((l) => wrap(l, Math.floor((spec.width - 16) / 6.2)))) {
        y += 14;
        svg.appendChild(txt({ x: 8, y, 'font-size': 11, fill: '#444', 'font-family': chartFont() }, line));
      }
      const height = y + 8;
      svg.setAttribute('height', String(height));
      bg.setAttribute('height', String(height));
      svg.setAttribute('viewBox', `0 0 ${spec.width} ${height}`);
      return svg;
    },
  };
}

/** Splits a caption line to fit (at spaces, else hard), so long source URLs stay visible on narrow charts. */
export function wrap(line: string, max: number): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > max) {
    const cut = rest.lastIndexOf(' ', max);
    const at = cut > max / 2 ? cut : max;
    out.push(rest.slice(0, at));
    rest = rest.slice(at).trimStart();
  }
  out.push(rest);
  return out;
}
