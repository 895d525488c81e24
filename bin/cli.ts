/**
 * `raabta <probe|collector> …`. The probe CLI is probe/cli/main.ts; the collector's is collector/cli.ts
 * (`runCollectorCli`), imported lazily so the probe works even where the collector is not installed.
 */
const USAGE = `Usage: raabta probe <run --once|start|status|upload> [options]   (raabta probe --help)
       raabta collector [options]                                 (raabta collector --help)
`;

export async function main(argv: string[]): Promise<number> {
  const [part, ...rest] = argv;
  if (part === 'probe') {
    const { runProbeCli } = await import('../probe/cli/main.ts');
    return runProbeCli(rest);
  }
  if (part === 'collector') {
    let mod: { runCollectorCli?: (argv: string[]) => Promise<number | undefined> | number | undefined };
    try {
      mod = await import('../collector/cli.ts' as string);
    } catch (err) {
      process.stderr.write(`raabta: the collector is not available here (${(err as Error).message})\n`);
      return 1;
    }
    if (typeof mod.runCollectorCli !== 'function') {
      process.stderr.write('raabta: collector/cli.ts does not export runCollectorCli\n');
      return 1;
    }
    const code = await mod.runCollectorCli(rest);
    return typeof code === 'number' ? code : -1;
  }
  if (part === '--help' || part === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  process.stderr.write(`${part ? `raabta: unknown command "${part}"\n` : ''}${USAGE}`);
  return 2;
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain || process.env.RAABTA_BIN === '1') {
  main(process.argv.slice(2)).then(
    (code) => {
      // -1: a long-running command (the collector server) keeps the process alive by itself
      if (code >= 0) process.exitCode = code;
    },
    (err: Error) => {
      process.stderr.write(`raabta: ${err.stack ?? err.message}\n`);
      process.exitCode = 1;
    },
  );
}
