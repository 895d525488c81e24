/** Progress of a run: a bar on a terminal, plain lines otherwise (logs, systemd, pipes). */
import type { Measurement } from '../../schemas/src/measurement.ts';
import type { Target } from '../target.ts';

export type ProgressFn = (done: number, total: number, m: Measurement | null, t: Target) => void;

function verdictWords(m: Measurement | null): string {
  if (!m) return 'error: could not measure';
  const v = m.raabta.verdict;
  if (!v) return 'no verdict';
  return `${v.status}${v.method ? ` (${v.method})` : ''}`;
}

export function progressReporter(out: NodeJS.WriteStream, isTTY = !!out.isTTY): ProgressFn & { end(): void } {
  let drawn = false;
  const fn = ((done, total, m, t) => {
    const line = `[${done}/${total}] ${t.input} ${verdictWords(m)}`;
    if (!isTTY) {
      out.write(`${line}\n`);
      return;
    }
    const width = 24;
    const filled = Math.round((done / Math.max(total, 1)) * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    out.write(`\r\x1b[2K${line}\n\x1b[2K[${bar}] ${done}/${total}`);
    drawn = true;
  }) as ProgressFn & { end(): void };
  fn.end = () => {
    if (drawn) out.write('\n');
  };
  return fn;
}
