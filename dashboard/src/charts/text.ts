import { type Attrs, s } from '../dom.ts';
import { chartFont } from './scale.ts';

/** Arabic-script letters (Urdu): such text runs right to left; Latin text (titles from data, numbers) does not. */
const RTL_SCRIPT = /[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]/;
const SWAP: Record<string, string> = { start: 'end', end: 'start' };

/**
 * SVG text. Coordinates and anchors are given for a left-to-right layout (the time axis runs left to right
 * in both languages). Urdu text itself runs right to left, so the anchor is mirrored (an RTL "end" is
 * the left edge) and the element is marked `direction="rtl"` for standalone exports and the PNG renderer.
 */
export function txt(attrs: Attrs, content: string): SVGTextElement {
  const a: Attrs = { ...attrs, 'font-family': chartFont() };
  if (RTL_SCRIPT.test(content)) {
    const anchor = String(attrs['text-anchor'] ?? 'start');
    a['text-anchor'] = SWAP[anchor] ?? anchor;
    a.direction = 'rtl';
  }
  return s('text', a, content);
}
