/**
 * Finds the exact bytes of each element of the top-level `measurements` array in a batch that JSON.parse
 * has already accepted, so every measurement is stored as the very bytes the probe sent. Works on UTF-8
 * bytes: every structural character is ASCII and never appears inside a multi-byte sequence.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Index just past the closing quote of the string starting at `i` (which is a quote). */
function skipString(buf: Buffer, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = buf.indexOf(QUOTE, j);
    if (q < 0) throw new Error('unterminated string');
    // the quote is escaped when an odd number of backslashes precede it
    let k = q - 1;
    while (buf[k] === BACKSLASH) k--;
    if ((q - 1 - k) % 2 === 0) return q + 1;
    j = q + 1;
  }
}

export interface Span {
  offset: number;
  length: number;
}

/**
 * Spans of the elements of the top-level object's `measurements` array (the last such key, as JSON.parse
 * keeps the last duplicate). Returns null when the top level is not an object with such an array.
 */
export function measurementSpans(buf: Buffer): Span[] | null {
  let i = 0;
  while (i < buf.length && isSpace(buf[i])) i++;
  if (buf[i] !== OPEN_OBJ) return null;
  let depth = 0;
  let found: Span[] | null = null;
  let lastKey: string | null = null;
  let current: Span[] | null = null; // collecting the array of the current "measurements" key
  let elementStart = -1;
  let lastNonSpace = -1;
  for (; i < buf.length; i++) {
    const b = buf[i];
    if (b === QUOTE) {
      const end = skipString(buf, i);
      if (depth === 1) {
        let k = end;
        while (k < buf.length && isSpace(buf[k])) k++;
        if (buf[k] === COLON) lastKey = JSON.parse(buf.toString('utf8', i, end));
      }
      if (current && depth === 2 && elementStart < 0) elementStart = i;
      i = end - 1;
      lastNonSpace = i;
      continue;
    }
    if (isSpace(b)) continue;
    if (b === OPEN_OBJ || b === OPEN_ARR) {
      depth++;
      if (depth === 2 && b === OPEN_ARR && lastKey === 'measurements' && !current) {
        current = [];
        elementStart = -1;
        lastNonSpace = i;
        continue;
      }
      if (current && depth === 3 && elementStart < 0) elementStart = i;
    } else if (b === CLOSE_OBJ || b === CLOSE_ARR) {
      if (current && depth === 2 && b === CLOSE_ARR) {
        if (elementStart >= 0)
          current.push({ offset: elementStart, length: lastNonSpace + 1 - elementStart });
        found = current;
        current = null;
        lastKey = null;
      }
      depth--;
    } else if (b === COMMA) {
      if (current && depth === 2) {
        if (elementStart >= 0)
          current.push({ offset: elementStart, length: lastNonSpace + 1 - elementStart });
        elementStart = -1;
      }
      if (depth === 1) lastKey = null;
    } else if (current && depth === 2 && elementStart < 0) {
      elementStart = i; // a scalar element (invalid as a measurement, but keep the span)
    }
    lastNonSpace = i;
  }
  return found;
}
