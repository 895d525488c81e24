/** Small assertion helpers for agent responses in the lab self-test. */
import type { ExecutionContext } from 'ava';
import type { AgentResponse } from '../../../scripts/lab/index.ts';

const brief = (r: AgentResponse) =>
  JSON.stringify({ ...r, headers: undefined, body: undefined }).slice(0, 300);

export function ok(t: ExecutionContext, r: AgentResponse, what: string): void {
  t.true(r.ok, `${what}: expected success, got ${brief(r)}`);
}

export function fails(t: ExecutionContext, r: AgentResponse, code: string | string[], what: string): void {
  const codes = Array.isArray(code) ? code : [code];
  t.false(r.ok, `${what}: expected ${codes.join('|')}, got success ${brief(r)}`);
  t.true(codes.includes(r.code ?? ''), `${what}: expected ${codes.join('|')}, got ${brief(r)}`);
}

export function answers(r: AgentResponse): string[] {
  return (r.answers as string[] | undefined) ?? [];
}

/** Run async checks with bounded parallelism. */
export async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

export const BLOCKPAGE_TEXT =
  'The site you are trying to access contains content that is prohibited for viewership from within Pakistan.';
