/** What a censor behaviour is: validated arguments in, rules/daemon wishes added to a plan. */
import { isIpv4, resolveTarget } from '../names.ts';
import type { CensorPlan } from './plan.ts';

export interface PlanCtx {
  hosts: Record<string, string>;
  /** Index of this behaviour's entries, for unique class ids / marks. */
  nextMinor(): number;
}

export interface Behaviour {
  name: string;
  usage: string;
  summary: string;
  /** Validate and normalise arguments (throws with a usage message). */
  normalize(args: string[], hosts: Record<string, string>): string[];
  contribute(args: string[], plan: CensorPlan, ctx: PlanCtx): void;
}

export function needNames(b: { name: string; usage: string }, args: string[]): string[] {
  if (args.length === 0) throw new Error(`${b.name} needs arguments: ${b.usage}`);
  return args.map((a) => a.toLowerCase().replace(/\.$/, ''));
}

export function needNoArgs(b: { name: string }, args: string[]): string[] {
  if (args.length > 0) throw new Error(`${b.name} takes no arguments`);
  return [];
}

/** Names or IPs, each must resolve to a lab IP. */
export function needTargets(
  b: { name: string; usage: string },
  args: string[],
  hosts: Record<string, string>,
): string[] {
  const names = needNames(b, args);
  for (const n of names) if (!isIpv4(n)) resolveTarget(n, hosts);
  return names;
}

/** Both directions for protocols that run over TCP and UDP (DNS). */
export const TCP_UDP = ['-p udp', '-p tcp'];
