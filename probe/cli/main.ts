/** `raabta probe …`: parse options, ask for consent, then run / start / status / upload. Returns the exit code. */
import { ConfigError } from '../config/config.ts';
import { startDaemon } from '../daemon/daemon.ts';
import { createRuntime, makeLogger } from '../daemon/runtime.ts';
import { filterRisky } from '../daemon/targets.ts';
import { applyMemorySettings } from '../memory-settings.ts';
import { type ProbeArgs, parseProbeArgs, USAGE, UsageError } from './args.ts';
import { consentText, ensureConsent } from './consent.ts';
import { runOnce } from './run-once.ts';
import { collectStatus, formatStatus } from './status.ts';
import { uploadNow } from './upload.ts';

const COMMANDS = ['run', 'start', 'status', 'upload'];

export async function runProbeCli(argv: string[]): Promise<number> {
  applyMemorySettings();
  const say = (line: string) => process.stderr.write(`${line}\n`);
  let args: ProbeArgs;
  try {
    args = parseProbeArgs(argv);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      say(`raabta probe: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  if (args.help || !args.command) {
    process.stdout.write(USAGE);
    return args.help ? 0 : 2;
  }
  if (!COMMANDS.includes(args.command)) {
    say(`raabta probe: unknown command "${args.command}" (expected ${COMMANDS.join(', ')})\n\n${USAGE}`);
    return 2;
  }
  if (args.command === 'run' && !args.once) {
    say('raabta probe: "run" needs --once (use "raabta probe start" for the scheduled daemon)');
    return 2;
  }
  if (args.command === 'status') {
    const s = collectStatus(args.config, args.dataDir);
    process.stdout.write(args.json ? `${JSON.stringify(s, null, 2)}\n` : formatStatus(s));
    return 0;
  }
  if (args.command === 'run' || args.command === 'start') {
    const { run, skipped } = filterRisky(
      args.config.risky_categories.map((c) => ({
        input: c,
        kind: 'web',
        suite: '',
        group: '',
        category_code: c,
      })),
      args.config.risky_categories,
      args.config.enabled_risky_categories,
    );
    const text = consentText({
      collectors: args.config.collectors,
      enabledRisky: run.map((t) => t.input),
      skippedRisky: skipped.map((t) => t.input),
    });
    const consent = await ensureConsent(`${args.dataDir}/consent.json`, args.accept, text);
    if (!consent.ok) {
      say(consent.message ?? 'No consent: nothing was measured.');
      return 3;
    }
  }
  const log = makeLogger(
    args.command === 'start'
      ? args.config.log_level
      : args.config.log_level === 'info'
        ? 'warn'
        : args.config.log_level,
  );
  let rt: Awaited<ReturnType<typeof createRuntime>>;
  try {
    rt = await createRuntime(args.config, { dataDir: args.dataDir, log });
  } catch (err) {
    say(`raabta probe: ${(err as Error).message}`);
    return 1;
  }
  if (args.command === 'start') {
    const d = await startDaemon(rt);
    let signals = 0;
    const onSignal = (sig: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        say(`second ${sig}: exiting now (the outbox stays consistent)`);
        process.exit(130);
      }
      void d.stop(sig);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    await d.done;
    return 0;
  }
  // SIGTERM/SIGINT during `run --once`: start no further target, let the ones in progress finish and commit,
  // exit with 128 + the signal's number; a second signal exits at once (the outbox stays consistent).
  const abort = new AbortController();
  let firstSignal: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals) => {
    if (firstSignal) {
      say(`second ${sig}: exiting now (the outbox stays consistent)`);
      process.exit(128 + (sig === 'SIGINT' ? 2 : 15));
    }
    firstSignal = sig;
    say(`${sig}: finishing the targets in progress, starting no more`);
    abort.abort();
  };
  if (args.command === 'run') {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  try {
    if (args.command === 'upload') return await uploadNow(rt, args, say);
    return await runOnce(rt, args, say, {
      signal: abort.signal,
      interruptedCode: () => 128 + (firstSignal === 'SIGINT' ? 2 : 15),
    });
  } catch (err) {
    say(`raabta probe: ${(err as Error).message}`);
    return 1;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await rt.close();
  }
}
