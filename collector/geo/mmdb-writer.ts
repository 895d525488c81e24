/**
 * A small writer for the MaxMind DB format (https://maxmind.github.io/MaxMind-DB/): an IPv6 binary search
 * tree (IPv4 networks live under ::/96, as in MaxMind's own databases), a data section with the spec's
 * type encoding, and the metadata map. Enough for tests and the lab to build their own ASN/country
 * database; read back with mmdb-lib (test/collector/mmdb.test.ts).
 */
import { isIP } from 'node:net';

export type MmdbValue = string | number | boolean | MmdbValue[] | { [k: string]: MmdbValue };

export interface MmdbNetwork {
  /** CIDR, IPv4 or IPv6: `198.51.100.0/24`, `2001:db8::/32` */
  network: string;
  data: { [k: string]: MmdbValue };
}

export interface MmdbOptions {
  databaseType?: string;
  description?: string;
  buildEpoch?: number;
}

type Leaf = { data: number };
type TreeNode = { children: [TreeNode | Leaf | null, TreeNode | Leaf | null]; index?: number };

function ipBits(ip: string): number[] {
  const family = isIP(ip);
  const bytes: number[] = [];
  if (family === 4) {
    for (let i = 0; i < 12; i++) bytes.push(0);
    for (const part of ip.split('.')) bytes.push(Number(part));
  } else if (family === 6) {
    const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, ''];
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    for (const g of groups) {
      const v = Number.parseInt(g, 16);
      bytes.push(v >> 8, v & 0xff);
    }
  } else throw new Error(`not an IP address: ${ip}`);
  const bits: number[] = [];
  for (const b of bytes) for (let i = 7; i >= 0; i--) bits.push((b >> i) & 1);
  return bits;
}

function encodeControl(type: number, size: number): Buffer {
  const ext = type > 7;
  const first = (ext ? 0 : type) << 5;
  let sizeBytes: number[] = [];
  let sizeBits: number;
  if (size < 29) sizeBits = size;
  else if (size < 285) [sizeBits, sizeBytes] = [29, [size - 29]];
  else if (size < 65821) [sizeBits, sizeBytes] = [30, [(size - 285) >> 8, (size - 285) & 0xff]];
  else {
    const s = size - 65821;
    [sizeBits, sizeBytes] = [31, [(s >> 16) & 0xff, (s >> 8) & 0xff, s & 0xff]];
  }
  return Buffer.from([first | sizeBits, ...(ext ? [type - 7] : []), ...sizeBytes]);
}

function uintBytes(n: number | bigint): Buffer {
  let v = BigInt(n);
  const out: number[] = [];
  while (v > 0n) {
    out.unshift(Number(v & 0xffn));
    v >>= 8n;
  }
  return Buffer.from(out);
}

export function encodeValue(v: MmdbValue): Buffer {
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    return Buffer.concat([encodeControl(2, b.length), b]);
  }
  if (typeof v === 'boolean') return encodeControl(14, v ? 1 : 0);
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 0 && v < 2 ** 32) {
      const b = uintBytes(v);
      return Buffer.concat([encodeControl(6, b.length), b]);
    }
    if (Number.isInteger(v) && v < 0 && v >= -(2 ** 31)) {
      const b = Buffer.alloc(4);
      b.writeInt32BE(v);
      return Buffer.concat([encodeControl(8, 4), b]);
    }
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    return Buffer.concat([encodeControl(3, 8), b]);
  }
  if (Array.isArray(v)) return Buffer.concat([encodeControl(11, v.length), ...v.map(encodeValue)]);
  const entries = Object.entries(v);
  return Buffer.concat([
    encodeControl(7, entries.length),
    ...entries.flatMap(([k, val]) => [encodeValue(k), encodeValue(val)]),
  ]);
}

function encodeUint(type: 5 | 6 | 9, n: number): Buffer {
  const b = uintBytes(n);
  return Buffer.concat([encodeControl(type, b.length), b]);
}

export function writeMmdb(networks: MmdbNetwork[], o: MmdbOptions = {}): Buffer {
  // data section, identical records shared
  const dataParts: Buffer[] = [];
  const offsets = new Map<string, number>();
  let dataSize = 0;
  const root: TreeNode = { children: [null, null] };
  const parsed = networks.map((n) => {
    const [addr, prefixText] = n.network.split('/');
    const v4 = isIP(addr) === 4;
    const prefix = (prefixText === undefined ? (v4 ? 32 : 128) : Number(prefixText)) + (v4 ? 96 : 0);
    if (!Number.isInteger(prefix) || prefix < 1 || prefix > 128) throw new Error(`bad network ${n.network}`);
    return { addr, prefix, data: n.data };
  });
  // wider networks first, so narrower ones split them instead of being overwritten
  parsed.sort((a, b) => a.prefix - b.prefix);
  for (const n of parsed) {
    const { addr, prefix } = n;
    const key = JSON.stringify(n.data);
    let offset = offsets.get(key);
    if (offset === undefined) {
      const enc = encodeValue(n.data);
      offset = dataSize;
      offsets.set(key, offset);
      dataParts.push(enc);
      dataSize += enc.length;
    }
    const bits = ipBits(addr);
    let node = root;
    for (let depth = 0; depth < prefix - 1; depth++) {
      const b = bits[depth];
      let next = node.children[b];
      if (next === null) next = node.children[b] = { children: [null, null] };
      else if ('data' in next) next = node.children[b] = { children: [next, next] };
      node = next as TreeNode;
    }
    node.children[bits[prefix - 1]] = { data: offset };
  }
  // number the nodes breadth-first (root = 0)
  const order: TreeNode[] = [];
  const queue: TreeNode[] = [root];
  while (queue.length) {
    const n = queue.shift()!;
    n.index = order.length;
    order.push(n);
    for (const c of n.children) if (c && !('data' in c)) queue.push(c);
  }
  const nodeCount = order.length;
  const maxRecord = nodeCount + 16 + dataSize;
  const recordSize = maxRecord < 2 ** 24 ? 24 : 32;
  const nodeBytes = recordSize / 4;
  const tree = Buffer.alloc(nodeCount * nodeBytes);
  const recordOf = (c: TreeNode | Leaf | null): number =>
    c === null ? nodeCount : 'data' in c ? nodeCount + 16 + c.data : c.index!;
  for (const n of order) {
    const [l, r] = n.children.map(recordOf);
    const at = n.index! * nodeBytes;
    if (recordSize === 24) {
      tree.writeUIntBE(l, at, 3);
      tree.writeUIntBE(r, at + 3, 3);
    } else {
      tree.writeUInt32BE(l, at);
      tree.writeUInt32BE(r, at + 4);
    }
  }
  const meta = Buffer.concat([
    encodeControl(7, 9),
    encodeValue('node_count'),
    encodeUint(6, nodeCount),
    encodeValue('record_size'),
    encodeUint(5, recordSize),
    encodeValue('ip_version'),
    encodeUint(5, 6),
    encodeValue('database_type'),
    encodeValue(o.databaseType ?? 'Raabta-Test-ASN-Country'),
    encodeValue('languages'),
    encodeValue(['en']),
    encodeValue('binary_format_major_version'),
    encodeUint(5, 2),
    encodeValue('binary_format_minor_version'),
    encodeUint(5, 0),
    encodeValue('build_epoch'),
    encodeUint(9, o.buildEpoch ?? Math.floor(Date.now() / 1000)),
    encodeValue('description'),
    encodeValue({ en: o.description ?? 'written by collector/geo/mmdb-writer.ts' }),
  ]);
  return Buffer.concat([
    tree,
    Buffer.alloc(16),
    ...dataParts,
    Buffer.from([0xab, 0xcd, 0xef]),
    Buffer.from('MaxMind.com'),
    meta,
  ]);
}
