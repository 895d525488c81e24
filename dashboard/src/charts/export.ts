import { renderToCanvas } from './canvas-render.ts';
import { exportFont } from './scale.ts';

/** The chart as a standalone SVG document (presentation attributes only, so it renders the same anywhere). */
export function svgText(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.removeAttribute('class');
  const font = exportFont();
  for (const el of [copy, ...Array.from(copy.querySelectorAll('[font-family]'))])
    el.setAttribute('font-family', font);
  // Standalone viewers honour CSS more reliably than the direction attribute; this <style> lives only in the
  // exported file (the page itself never carries inline styles).
  if (copy.querySelector('text[direction="rtl"]')) {
    const style = document.createElementNS('http://www.w3.org/2000/svg', 'style');
    style.textContent = 'text[direction="rtl"]{direction:rtl;unicode-bidi:embed}';
    copy.insertBefore(style, copy.firstChild);
  }
  for (const a of Array.from(copy.querySelectorAll('a'))) {
    const href = a.getAttribute('href');
    if (href?.startsWith('#')) a.setAttribute('href', `${location.origin}${location.pathname}${href}`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}

export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function exportSvg(svg: SVGSVGElement, base: string): void {
  download(`${base}.svg`, new Blob([svgText(svg)], { type: 'image/svg+xml' }));
}

export function exportPng(svg: SVGSVGElement, base: string): Promise<void> {
  const canvas = renderToCanvas(svg, 2);
  return new Promise((resolve) =>
    canvas.toBlob((blob) => {
      if (blob) download(`${base}.png`, blob);
      resolve();
    }, 'image/png'),
  );
}

/** CSV of rows × buckets; every cell is quoted so hostnames and titles can't break the format. */
export function exportCsv(rows: (string | number)[][], base: string): void {
  // Quoted, and text that a spreadsheet would run as a formula is prefixed with an apostrophe.
  const q = (v: string | number) => {
    const t = typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : String(v);
    return `"${t.replace(/"/g, '""')}"`;
  };
  const text = rows.map((r) => r.map(q).join(',')).join('\r\n');
  download(`${base}.csv`, new Blob([`${text}\r\n`], { type: 'text/csv' }));
}
