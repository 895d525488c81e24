/**
 * Response bodies are hostile input: read at most `cap` bytes, hash them, decode them as text without
 * ever interpreting them (no HTML parser, no script), and pull out the <title> with a bounded regex.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

export interface CappedBody {
  bytes: Buffer;
  truncated: boolean;
}

/** Reads up to `cap` bytes, then stops reading (the caller closes the connection). */
export async function readCapped(body: Readable, cap: number): Promise<CappedBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    if (size + buf.length > cap) {
      chunks.push(buf.subarray(0, cap - size));
      size = cap;
      truncated = true;
      break;
    }
    chunks.push(buf);
    size += buf.length;
  }
  if (truncated) body.destroy();
  return { bytes: Buffer.concat(chunks, size), truncated };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * UTF-8 text, or null when the bytes look binary (NUL bytes or mostly undecodable). NUL and other C0
 * controls except tab/newline/CR are replaced, so the text can be stored anywhere (JSON, PostgreSQL).
 */
export function decodeText(bytes: Uint8Array, maxChars = 200_000): string | null {
  if (bytes.length === 0) return '';
  const sample = bytes.subarray(0, 4096);
  if (sample.includes(0)) return null;
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(bytes);
  let bad = 0;
  for (let i = 0; i < Math.min(text.length, 8192); i++) if (text.charCodeAt(i) === 0xfffd) bad++;
  if (bad > Math.min(text.length, 8192) * 0.1) return null;
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd').slice(0, maxChars);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (m, e: string) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
      return n > 0 && n < 0x110000 && !(n >= 0xd800 && n < 0xe000) ? String.fromCodePoint(n) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** The first <title>, whitespace collapsed, at most 512 characters; null when there is none. */
export function extractTitle(text: string | null): string | null {
  if (!text) return null;
  const head = text.slice(0, 65_536);
  const m = /<title[^>]{0,200}>([^<]{0,2048})<\/title/i.exec(head);
  if (!m) return null;
  const title = decodeEntities(m[1]).replace(/\s+/g, ' ').trim();
  return title ? title.slice(0, 512) : null;
}
