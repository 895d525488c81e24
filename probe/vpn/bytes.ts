/** Small byte helpers shared by the VPN packet codecs (no I/O). */

/** A parse error: the reply is truncated, oversized or not the expected protocol. Never thrown to callers. */
export class MalformedPacket extends Error {
  override readonly name = 'MalformedPacket';
}

/** Bounds-checked big-endian reader over a buffer; every overrun becomes a MalformedPacket. */
export class Reader {
  private pos = 0;
  constructor(
    readonly buf: Uint8Array,
    private readonly what = 'packet',
  ) {}

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  need(n: number, field: string): void {
    if (n < 0 || this.pos + n > this.buf.length) {
      throw new MalformedPacket(
        `${this.what} truncated: ${field} needs ${n} bytes at offset ${this.pos}, ${this.remaining} left`,
      );
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.buf[this.pos++];
  }

  u16(field: string): number {
    this.need(2, field);
    const v = (this.buf[this.pos] << 8) | this.buf[this.pos + 1];
    this.pos += 2;
    return v;
  }

  u32(field: string): number {
    this.need(4, field);
    const b = this.buf;
    const v =
      ((b[this.pos] << 24) >>> 0) + (b[this.pos + 1] << 16) + (b[this.pos + 2] << 8) + b[this.pos + 3];
    this.pos += 4;
    return v;
  }

  bytes(n: number, field: string): Buffer {
    this.need(n, field);
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  rest(): Buffer {
    return this.bytes(this.remaining, 'rest');
  }
}

export function u16be(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

export function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** base64 of at most the first `max` bytes (the Handshake step keeps the first reply bytes only). */
export function base64Head(b: Uint8Array | null, max = 2048): string | null {
  if (!b || b.length === 0) return null;
  return Buffer.from(b.subarray(0, max)).toString('base64');
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
