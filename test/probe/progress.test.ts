/**
 * `raabta probe run --once` progress: a bar redrawn in place on a terminal, plain lines otherwise. The
 * renderer is checked on what a terminal would show (a small emulator of \r, \n, line clear and wrapping at
 * the stream's columns); the CLI itself once in a real pseudo-terminal (`script` from util-linux) and once
 * through a pipe.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import test from 'ava';
import { progressReporter } from '../../probe/cli/progress.ts';
import type { Target } from '../../probe/target.ts';
import {
  CLI,
  exited,
  loopbackProbeArgs,
  NO_DEFAULT_SUITES,
  ROOT,
  runProbe,
  startLoopbackTarget,
  tempDir,
  writeJson,
} from '../e2e/harness.ts';

/** What a terminal of `columns` shows after `text`: \r, \n (as CR LF), ESC[2K and autowrap. */
function screen(text: string, columns: number): string[] {
  const rows: string[][] = [[]];
  let row = 0;
  let col = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (text.startsWith('\x1b[2K', i)) {
      rows[row] = [];
      i += 3;
    } else if (c === '\r') col = 0;
    else if (c === '\n') {
      row++;
      col = 0;
    } else {
      if (col === columns) {
        row++;
        col = 0;
      }
      rows[row] ??= [];
      rows[row][col++] = c;
    }
    rows[row] ??= [];
  }
  return rows
    .map((r) => Array.from(r, (c) => c ?? ' ').join(''))
    .filter((l, i, all) => l || i < all.length - 1);
}

function fakeTerminal(columns: number, isTTY = true) {
  let text = '';
  return { isTTY, columns, write: (s: string) => (text += s), text: () => text };
}

const target = (n: number, input = `https://site${n}.test/`): Target => ({
  input,
  kind: 'web',
  suite: 'adhoc',
  group: 'adhoc',
  category_code: null,
});

test('terminal: each result stays on its own line and one bar, redrawn in place, ends full', (t) => {
  const term = fakeTerminal(80);
  const p = progressReporter(term);
  for (let i = 1; i <= 3; i++) p(i, 3, null, target(i));
  p.end();
  t.deepEqual(screen(term.text(), 80), [
    '[1/3] https://site1.test/ error: could not measure',
    '[2/3] https://site2.test/ error: could not measure',
    '[3/3] https://site3.test/ error: could not measure',
    '[########################] 3/3',
  ]);
});

test('narrow terminal: the bar fits the columns, so redrawing leaves no pieces of old bars', (t) => {
  const term = fakeTerminal(20);
  const p = progressReporter(term);
  for (let i = 1; i <= 4; i++) p(i, 4, null, target(i, `https://s${i}.test/`));
  p.end();
  const shown = screen(term.text(), 20);
  // each result line wraps (it stays as printed); the bar must not: a wrapped bar leaves its first row behind
  const wrapped = (l: string) => l.match(/.{1,20}/g) ?? [];
  const results = [1, 2, 3, 4].flatMap((i) =>
    wrapped(`[${i}/4] https://s${i}.test/ error: could not measure`),
  );
  t.deepEqual(shown, [...results, shown.at(-1)], shown.join('\n'));
  t.regex(shown.at(-1) ?? '', /^\[#+\] 4\/4$/);
  t.true(shown.every((l) => l.length <= 20));
});

test('terminal: a log line written between two results gets its own line, not glued to the bar', (t) => {
  const term = fakeTerminal(80);
  const p = progressReporter(term);
  p(1, 2, null, target(1));
  const log = '{"level":40,"time":1795938332678,"pid":2189,"msg":"outbox over budget"}';
  term.write(`${log}\n`);
  p(2, 2, null, target(2));
  p.end();
  t.deepEqual(screen(term.text(), 80), [
    '[1/2] https://site1.test/ error: could not measure',
    log,
    '[2/2] https://site2.test/ error: could not measure',
    '[########################] 2/2',
  ]);
});

test('not a terminal: plain lines, no control characters', (t) => {
  const out = fakeTerminal(80, false);
  const p = progressReporter(out);
  for (let i = 1; i <= 2; i++) p(i, 2, null, target(i));
  p.end();
  t.is(
    out.text(),
    '[1/2] https://site1.test/ error: could not measure\n[2/2] https://site2.test/ error: could not measure\n',
  );
});

test('the CLI draws the bar in a pseudo-terminal and prints plain lines into a pipe', async (t) => {
  t.timeout(90_000);
  const tmp = tempDir('raabta-progress-');
  const site = await startLoopbackTarget();
  t.teardown(async () => {
    await site.close();
    tmp.remove();
  });
  const config = writeJson(join(tmp.dir, 'probe.json'), { schedule: NO_DEFAULT_SUITES });
  const args = (dir: string) => [
    'run',
    '--once',
    '--no-upload',
    ...[1, 2, 3].flatMap((i) => ['--target', `${site.url}?n=${i}`]),
    '--config',
    config,
    ...loopbackProbeArgs(site, join(tmp.dir, dir), []),
  ];
  // counters in order; the targets finish in any order (concurrency)
  const expected = {
    counters: ['1/3', '2/3', '3/3'],
    targets: [1, 2, 3].map((i) => `${site.url}?n=${i} ok`),
  };
  const resultLines = (lines: string[]) => {
    const found = lines.map((l) => /^\[(\d\/3)\] (.*)$/.exec(l)).filter((m) => m !== null);
    return { counters: found.map((m) => m[1]), targets: found.map((m) => m[2]).sort() };
  };
  const quote = (a: string) => `'${a.replace(/'/g, "'\\''")}'`;
  const cmd = [process.execPath, '--import', 'tsx', CLI, 'probe', ...args('tty')].map(quote).join(' ');
  const child = spawn('script', ['-qfec', `stty cols 100; exec ${cmd}`, '/dev/null'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, XDG_CONFIG_HOME: '/nonexistent-raabta-test', RAABTA_ALLOW: undefined },
  });
  let tty = '';
  child.stdout.on('data', (d: Buffer) => {
    tty += d.toString('utf8');
  });
  const exit = await exited(child);
  t.is(exit.code, 0, tty);
  const shown = screen(tty.replace(/\r\n/g, '\n'), 100);
  t.true(tty.includes('\x1b[2K'), 'the bar is redrawn in place');
  t.deepEqual(resultLines(shown), expected, shown.join('\n'));
  t.is(shown.filter((l) => l.startsWith('[')).at(-1), '[########################] 3/3', shown.join('\n'));

  const piped = await runProbe(args('pipe'));
  t.is(piped.code, 0, piped.stderr);
  t.false(piped.stderr.includes('\x1b'), 'no control characters in a pipe');
  t.deepEqual(resultLines(piped.stderr.split('\n')), expected);
});
