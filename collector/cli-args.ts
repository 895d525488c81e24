/** A small, strict option parser for the collector CLI: unknown options are errors, not ignored. */

export interface OptionSpec {
  /** takes a value (`--port 8080` or `--port=8080`) or is a flag */
  value: boolean;
  /** may be given several times (values collected) */
  repeat?: boolean;
}

export type ParsedArgs = Record<string, string | string[] | boolean | undefined>;

export class UsageError extends Error {}

export function parseArgs(argv: string[], spec: Record<string, OptionSpec>): ParsedArgs {
  const out: ParsedArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq >= 0 ? eq : undefined);
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option --${name}`);
    if (!s.value) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      out[name] = true;
      continue;
    }
    const v = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (v === undefined || (eq < 0 && v.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    if (s.repeat) out[name] = [...((out[name] as string[] | undefined) ?? []), v];
    else out[name] = v;
  }
  return out;
}

export function str(a: ParsedArgs, name: string): string | undefined {
  const v = a[name];
  return typeof v === 'string' ? v : undefined;
}

export function required(a: ParsedArgs, name: string): string {
  const v = str(a, name);
  if (!v) throw new UsageError(`--${name} is required`);
  return v;
}

export function int(a: ParsedArgs, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = str(a, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name}: expected an integer ${min}–${max}`);
  return n;
}

export function time(a: ParsedArgs, name: string): number | undefined {
  const v = str(a, name);
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) throw new UsageError(`--${name}: "${v}" is not an ISO 8601 time`);
  return ms;
}
