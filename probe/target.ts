/** Targets come from suite data files (probe/suites/*.json); a target is one input of one test. */
export type TargetKind = 'web' | 'tcp' | 'dns' | 'openvpn' | 'wireguard' | 'ikev2' | 'tor';

export interface Target {
  /** URL for web targets (`https://x.com/`), `host:port` for tcp, `proto://host:port/transport` for VPNs. */
  input: string;
  kind: TargetKind;
  suite: string;
  /** x, whatsapp_text, whatsapp_media, news, openvpn, wireguard, ikev2, tor, dns … */
  group: string;
  category_code: string | null;
  /** Run a bounded transfer after the HTTP step (media endpoints). */
  throughput?: { path?: string; maxBytes?: number; maxSeconds?: number };
  /** Protocol parameters (VPN keys, tls-auth, expected responses…). */
  params?: Record<string, unknown>;
}
