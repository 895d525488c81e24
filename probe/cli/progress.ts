/** Progress of a run: a bar on a terminal, plain lines otherwise (logs, systemd, pipes). */
import type { Measurement } from '../../schemas/src/measurement.ts';
import type { Target } from '../target.ts';

export type ProgressFn = (done: number, total: number, m: Measurement | null, t: Target) => void;

/** What the reporter needs of its stream (process.stderr, or a test's stand-in). */
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

function verdictWords(m: Measurement | null): string {
  if (!m) return 'error: could not measure';
  const v = m.raabta.verdict;
  if (!v) return 'no verdict';
  return `${v.status}${v.method ? ` (${v.method})` : ''}`;
}

/** The bar line, at most `columns` wide (a wrapped bar could not be erased with one line clear). */
export function barLine(done: number, total: number, columns: number): string {
  const counts = ` ${done}/${total}`;
  const width = Math.max(0, Math.min(24, columns - 1 - counts.length - 2));
  const filled = Math.round((done / Math.max(total, 1)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]${counts}`.slice(0, Math.max(1, columns - 1));
}

/**
 * On a terminal each result is printed as a line above a bar that is redrawn in place; the cursor is left at
 * the start of the bar line, so a log line written meanwhile overwrites the bar instead of being glued to
 * its end (the next redraw draws the bar again below it). Otherwise: one plain line per target.
 */
export function progressReporter(out: ProgressStream, isTTY = !!out.isTTY): ProgressFn & { end(): void } {
  let drawn = false;
  const fn = ((done, total, m, t) => {
    const line = `[${done}/${total}] ${t.input} ${verdictWords(m)}`;
    if (!isTTY) {
      out.write(`${line}\n`);
      return;
    }
    out.write(`\r\x1b[2K${line}\n\x1b[2K${barLine(done, total, out.columns || 80)}\r`);
    drawn = true;
  }) as ProgressFn & { end(): void };
  fn.end = () => {
    if (drawn) out.write('\n');
    drawn = false;
  };
  return fn;
}
