/**
 * One UDP handshake through the guarded dialer, recorded as a Handshake step: send, retransmit a few
 * times within the timeout, judge every datagram that comes back. Outcomes: a matching reply; an ICMP
 * port unreachable (udp_port_unreachable); only malformed / foreign replies; or silence (udp_no_response).
 */
import type { Handshake } from '../../schemas/src/steps.ts';
import type { TestContext } from '../context.ts';
import { failureOf } from '../net/errors.ts';
import { base64Head } from './bytes.ts';
import { hostPort } from './target-input.ts';

export type Judgement =
  | { kind: 'match'; response: string; details?: Record<string, unknown> }
  | {
      kind: 'bad';
      failure: 'malformed_response' | 'protocol_mismatch';
      error: string;
      details?: Record<string, unknown>;
    };

export interface UdpHandshakeSpec {
  protocol: Handshake['protocol'];
  ip: string;
  port: number;
  tx: number;
  /** the datagram of attempt `i` (WireGuard builds a fresh initiation per attempt) */
  datagram(attempt: number): Buffer;
  judge(reply: Buffer): Judgement;
  attempts: number;
  timeoutMs: number;
  /** recorded as-is in details (role, payload kind, ids…) */
  details?: Record<string, unknown>;
}

export interface UdpHandshakeResult {
  entry: Handshake;
  matched: boolean;
}

/** Attempts are spread evenly over the timeout: with 3 attempts and 3 s, sends at 0, 1 and 2 s, each listened to for 1 s. */
export async function udpHandshake(ctx: TestContext, spec: UdpHandshakeSpec): Promise<UdpHandshakeResult> {
  const { trace } = ctx;
  const t0 = trace.now();
  const entry: Handshake = {
    transaction_id: spec.tx,
    t0,
    t: t0,
    protocol: spec.protocol,
    transport: 'udp',
    address: hostPort(spec.ip, spec.port),
    sent_bytes: 0,
    received_bytes: 0,
    rtt: null,
    response: null,
    details: { ...spec.details, attempts: 0 },
    raw_response: null,
    failure: null,
  };
  let matched = false;
  let firstBad: Extract<Judgement, { kind: 'bad' }> | null = null;
  let firstReply: Buffer | null = null;
  // every attempt gets its own listening window, even when timers run late on a loaded machine
  const interval = Math.max(1, Math.floor(spec.timeoutMs / Math.max(1, spec.attempts)));
  let channel: Awaited<ReturnType<TestContext['dialer']['udp']>> | null = null;
  try {
    channel = await ctx.dialer.udp(spec.ip, spec.port);
    for (let attempt = 0; attempt < spec.attempts && !matched; attempt++) {
      const d = spec.datagram(attempt);
      await channel.send(d);
      const lastSend = performance.now();
      entry.sent_bytes += d.length;
      entry.details.attempts = attempt + 1;
      const windowEnd = lastSend + interval;
      while (!matched) {
        const wait = windowEnd - performance.now();
        if (wait <= 0) break;
        const reply = await channel.receive(Math.max(1, wait));
        if (!reply) break;
        entry.received_bytes += reply.length;
        firstReply ??= reply;
        const j = spec.judge(reply);
        if (j.kind === 'match') {
          matched = true;
          entry.rtt = Math.round(performance.now() - lastSend) / 1000;
          entry.response = j.response;
          entry.raw_response = base64Head(reply);
          Object.assign(entry.details, j.details ?? {});
        } else firstBad ??= j;
      }
    }
    if (!matched) entry.failure = firstBad?.failure ?? 'udp_no_response';
  } catch (err) {
    const code = (err as { code?: string }).code;
    entry.failure = code === 'ECONNREFUSED' ? 'udp_port_unreachable' : failureOf(err);
    if (code === 'ECONNREFUSED') entry.response = 'icmp_port_unreachable';
  } finally {
    channel?.close();
  }
  if (!matched && firstBad) {
    entry.response ??= 'unrecognized';
    entry.details.error = firstBad.error;
    Object.assign(entry.details, firstBad.details ?? {});
  }
  if (!matched) entry.raw_response = base64Head(firstReply);
  entry.t = trace.now();
  trace.handshakes.push(entry);
  return { entry, matched };
}
