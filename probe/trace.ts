/**
 * One trace model: every step a test performs is appended here, with times in seconds from the
 * measurement start and a transaction id linking the steps of one attempt (OONI's convention).
 */

import type { Static } from '@sinclair/typebox';
import type { FailedOperation, Failure } from '../schemas/src/failures.ts';
import type { Control, TestKeys } from '../schemas/src/measurement.ts';
import type {
  DnsQuery,
  Handshake,
  HttpRequest,
  NetworkEvent,
  TcpConnect,
  Throughput,
  TlsHandshake,
} from '../schemas/src/steps.ts';

export type FailureValue = Static<typeof Failure>;
export type FailedOperationValue = Static<typeof FailedOperation>;

export class Trace {
  private readonly origin: number;
  private tx = 0;
  readonly queries: DnsQuery[] = [];
  readonly tcp_connect: TcpConnect[] = [];
  readonly tls_handshakes: TlsHandshake[] = [];
  readonly requests: HttpRequest[] = [];
  readonly network_events: NetworkEvent[] = [];
  readonly handshakes: Handshake[] = [];
  readonly throughput: Throughput[] = [];
  failure: FailureValue = null;
  failed_operation: FailedOperationValue = null;

  constructor(private readonly monotonicMs: () => number = () => performance.now()) {
    this.origin = monotonicMs();
  }

  /** Seconds since the measurement started, microsecond resolution. */
  now(): number {
    return Math.round((this.monotonicMs() - this.origin) * 1000) / 1e6;
  }

  nextTransaction(): number {
    this.tx += 1;
    return this.tx;
  }

  /** Records the first failure that decided the outcome (OONI's top-level failure / failed_operation). */
  fail(failure: FailureValue, operation: FailedOperationValue): void {
    if (this.failure === null && failure !== null) {
      this.failure = failure;
      this.failed_operation = operation;
    }
  }

  testKeys(control: Control | null = null): TestKeys {
    return {
      queries: this.queries,
      tcp_connect: this.tcp_connect,
      tls_handshakes: this.tls_handshakes,
      requests: this.requests,
      handshakes: this.handshakes,
      throughput: this.throughput,
      network_events: this.network_events,
      control,
      failure: this.failure,
      failed_operation: this.failed_operation,
    };
  }

  /** The same observations in the shape of a control (what the collector returns from its vantage point). */
  asControl(source: string): Control {
    return {
      source,
      failure: this.failure,
      queries: this.queries,
      tcp_connect: this.tcp_connect,
      tls_handshakes: this.tls_handshakes,
      requests: this.requests,
      handshakes: this.handshakes,
      throughput: this.throughput,
    };
  }
}
