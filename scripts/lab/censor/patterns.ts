/** Byte patterns for iptables string/u32 matches. Pure functions (unit-tested without root). */

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

function checkText(s: string): string {
  if (!/^[A-Za-z0-9.*_-]+$/.test(s)) throw new Error(`unsupported characters in name: ${s}`);
  return s;
}

/** TLS SNI entry: name type 0 (host_name) + 2-byte length + name, e.g. |00 00 05|x.com. */
export function sniHexString(name: string): string {
  const n = checkText(name.toLowerCase());
  return `|00 ${hex2(n.length >> 8)} ${hex2(n.length & 0xff)}|${n}`;
}

/** DNS wire-format QNAME, e.g. |01|x|03|com|00|. It also matches subdomains (their QNAME ends with it). */
export function qnameHexString(name: string): string {
  const labels = checkText(name.toLowerCase().replace(/\.$/, '')).split('.');
  return `${labels.map((l) => `|${hex2(l.length)}|${l}`).join('')}|00|`;
}

/** "Host: name\r\n" for a Host-triggered HTTP match (use with --icase). */
export function hostHeaderHexString(host: string): string {
  return `Host: ${checkText(host.toLowerCase())}|0d 0a|`;
}

/** u32: first byte of the UDP payload, top 5 bits (OpenVPN opcode) = 7 or 10 (0x38 / 0x50 with key id 0). */
export const OPENVPN_UDP_U32 = '0>>22&0x3C@8>>24&0xF8=0x38,0x50';

/**
 * u32 for OpenVPN over TCP: the opcode byte follows the 2-byte packet length. The length must be
 * plausible (14..1024) so that e.g. "GET " (byte 2 = 'T' = 0x54 → 0x50) does not match.
 */
export const OPENVPN_TCP_U32 =
  '0>>22&0x3C@12>>26&0x3C@0>>16=0xE:0x400&&0>>22&0x3C@12>>26&0x3C@0>>8&0xF8=0x38,0x50';

/** u32: first 32-bit word of the UDP payload is 0x01000000 (WireGuard handshake initiation). */
export const WIREGUARD_U32 = '0>>22&0x3C@8=0x01000000';
/** IP total length of a WireGuard initiation: 20 (IP) + 8 (UDP) + 148 (payload). */
export const WIREGUARD_INIT_IP_LEN = 176;

const RATE = /^\d+(\.\d+)?(bit|kbit|mbit|gbit|bps|kbps|mbps|gbps)$/i;
export function isRate(s: string): boolean {
  return RATE.test(s);
}

/** tc class id minor numbers are hexadecimal; CLASSIFY --set-class too. */
export function classId(minor: number): string {
  return `1:${minor.toString(16)}`;
}
