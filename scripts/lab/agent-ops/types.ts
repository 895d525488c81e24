/** Wire types of the lab agent (see ../agent.ts). */

export interface AgentRequest {
  id: number;
  op: string;
  [key: string]: unknown;
}

export interface AgentResponse {
  id: number;
  ok: boolean;
  /** Error code when !ok: ECONNRESET, ECONNREFUSED, ETIMEDOUT (our timeout), ETIMEOUT (c-ares), ENOTFOUND, ... */
  code?: string;
  message?: string;
  ms: number;
  [key: string]: unknown;
}

export function timeoutError(what: string, ms: number): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${what} timed out after ${ms} ms`);
  err.code = 'ETIMEDOUT';
  return err;
}

export const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);
export const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : d);
