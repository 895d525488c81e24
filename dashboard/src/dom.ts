/**
 * DOM helpers. Every string that may come from a measurement goes through text nodes (textContent);
 * attributes are set with setAttribute, never innerHTML. Links from data go through safeHref.
 */
export type Child = Node | string | number | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined>;

const SVG_NS = 'http://www.w3.org/2000/svg';

function applyAttrs(el: Element, attrs: Attrs | undefined): void {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'style' || k.startsWith('on')) throw new Error(`refusing attribute ${k} (CSP, XSS)`);
    if (k === 'href' || k === 'src') {
      el.setAttribute(k, safeHref(String(v)));
      continue;
    }
    el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Creates an HTML element; string children become text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  applyAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Creates an SVG element; presentation attributes only (no style), so exported SVG is self-contained. */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs?: Attrs,
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag) as SVGElementTagNameMap[K];
  applyAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Only same-origin paths, in-page hashes and http(s) URLs; anything else (javascript:, data:) is dropped. */
export function safeHref(href: string): string {
  if (href.startsWith('#') || (href.startsWith('/') && !href.startsWith('//'))) return href;
  try {
    const u = new URL(href, location.href);
    if (u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'blob:') return u.href;
  } catch {
    // fall through
  }
  return '#';
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export function mount(el: Element, ...children: Child[]): void {
  clear(el);
  append(el, children);
}

/** A button that runs `fn` on click (listeners, not inline handlers). */
export function button(label: string, fn: () => void, attrs?: Attrs): HTMLButtonElement {
  const b = h('button', { type: 'button', ...attrs }, label);
  b.addEventListener('click', fn);
  return b;
}
