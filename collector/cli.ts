/**
 * `raabta collector <start|backup|rescore|verify|export>` (also run directly: `tsx collector/cli.ts …`).
 * runCollectorCli returns an exit code, or -1 when the server keeps the process alive.
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CheckInConfigError } from './check-in/catalog.ts';
import { openCheckInStore } from './check-in/store.ts';
import { int, type ParsedArgs, parseArgs, required, str, time, UsageError } from './cli-args.ts';
import { createAnalyzer } from './ingest/analyze.ts';
import { runExport, runImportOoni } from './jobs/datasets-cli.ts';
import { rescore } from './jobs/rescore.ts';
import { createLogger } from './logging.ts';
import { start } from './server.ts';
import { copyDatabase } from './storage/postgres/copy.ts';
import { openStorage } from './storage/postgres/open-storage.ts';

export const USAGE = `Usage: raabta collector <command> [options]

  start    --db PATH [--port N] [--host H] [--mmdb FILE]... [--allow CIDRS] [--admin-token T]
           [--no-demo] [--trust-proxy true|N|CIDRS] [--workers N] [--synchronous normal|full]
           [--dashboard DIR] [--datasets DIR] [--datasets-every MIN] [--uploads-per-minute N]
           [--check-in-dir DIR] [--read-only [--primary-url URL]]
           Serve the API (and the dashboard). Admin token also from RAABTA_ADMIN_TOKEN.
           --dashboard: the built dashboard to serve (default: dashboard/dist of this package when built).
           --check-in-dir: suites and schedules per country/network handed out at check-in (collector/API.md);
           validated at start (a bad file: no start), reloaded on SIGHUP and when a file changes.
           --datasets-every: publish complete days to --datasets DIR every MIN minutes (60; 0 = never).
           --read-only: serve reads only, e.g. from a PostgreSQL streaming replica (docs/postgres.md): no
           migrations (the schema must be at this version), uploads, registrations and admin edits answer
           503 read_only (naming --primary-url, a writing collector, if given), no detection or publishing.
  backup   --db PATH --out FILE        consistent copy of a live database (SQLite online backup)
  rescore  --db PATH --since ISO [--until ISO]
                                       re-run the analysis: replaces collector verdicts, raw data untouched
  verify   --db PATH                   recount rollups from raw rows and report differences
  export   --db PATH --out DIR --since YYYY-MM-DD [--until YYYY-MM-DD] [--format jsonl.gz,csv,parquet,ooni]
                                       daily dataset files and manifests (collector/datasets/)
  import-ooni FILE.jsonl[.gz]... --db PATH [--batch N] [--dry-run]
                                       OONI measurements converted to format v1 and stored
  migrate-db --from PATH|URL --to PATH|URL
                                       copy a whole database between SQLite and PostgreSQL (empty destination)

  --db takes a SQLite file or a postgres:// URL (start: also RAABTA_DB_URL); see docs/postgres.md.
  backup of a PostgreSQL database writes a pg_dump custom-format file (restore with pg_restore).
`;

export const START_OPTIONS = {
  db: { value: true },
  port: { value: true },
  host: { value: true },
  mmdb: { value: true, repeat: true },
  allow: { value: true },
  'admin-token': { value: true },
  'no-demo': { value: false },
  demo: { value: false },
  'trust-proxy': { value: true },
  workers: { value: true },
  synchronous: { value: true },
  dashboard: { value: true },
  datasets: { value: true },
  'datasets-every': { value: true },
  'uploads-per-minute': { value: true },
  'check-in-dir': { value: true },
  'read-only': { value: false },
  'primary-url': { value: true },
};

/** The collector did not start, for a reason the operator can fix (exit 1, no stack trace). */
export class NotStartedError extends Error {}

function primaryUrl(a: ParsedArgs, readOnly: boolean): string | null {
  const v = str(a, 'primary-url');
  if (v === undefined) return null;
  if (!readOnly) throw new UsageError('--primary-url is only for a --read-only collector');
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new UsageError(`--primary-url: "${v}" is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new UsageError('--primary-url: an http:// or https:// URL');
  return v.replace(/\/+$/, '');
}

function trustProxy(v: string | undefined): boolean | number | string | undefined {
  if (v === undefined) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return /^\d+$/.test(v) ? Number(v) : v;
}

/** The dashboard built next to these sources (`npm run build:dashboard`, or shipped by `npm pack`), if any. */
function builtDashboard(): string | undefined {
  const dir = fileURLToPath(new URL('../dashboard/dist/', import.meta.url));
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}

export async function startFromArgs(
  a: ParsedArgs,
  defaults: { demo: boolean; dashboardDir?: string; datasetsDir?: string },
) {
  const sync = str(a, 'synchronous') ?? 'normal';
  if (sync !== 'normal' && sync !== 'full') throw new UsageError('--synchronous: normal or full');
  const perMinute = int(a, 'uploads-per-minute', 1);
  const readOnly = a['read-only'] === true;
  if (readOnly && a.demo) throw new UsageError('--demo cannot be used with --read-only (the demo writes)');
  const primary = primaryUrl(a, readOnly);
  const log = createLogger();
  const checkInDir = str(a, 'check-in-dir') ?? null;
  // read and validated before anything starts: a bad file stops the collector here, naming the file
  const checkIn = openCheckInStore({ dir: checkInDir, log, watch: checkInDir !== null });
  const running = await start({
    log,
    readOnly,
    primaryUrl: primary,
    checkIn,
    db: str(a, 'db') ?? process.env.RAABTA_DB_URL ?? required(a, 'db'),
    port: int(a, 'port', 0, 65535) ?? 8080,
    host: str(a, 'host') ?? '127.0.0.1',
    mmdb: ((a.mmdb as string[] | undefined) ?? []).flatMap((s) => s.split(',')).filter(Boolean),
    allow: str(a, 'allow') ?? 'public',
    adminToken: str(a, 'admin-token') ?? process.env.RAABTA_ADMIN_TOKEN ?? null,
    demo: readOnly || a['no-demo'] ? false : a.demo ? true : defaults.demo,
    trustProxy: trustProxy(str(a, 'trust-proxy')),
    prepareWorkers: int(a, 'workers', 0, 64),
    synchronous: sync,
    dashboardDir: str(a, 'dashboard') ?? defaults.dashboardDir ?? null,
    datasetsDir: str(a, 'datasets') ?? defaults.datasetsDir ?? null,
    publishDatasetsEveryMs: (int(a, 'datasets-every', 0, 7 * 24 * 60) ?? 60) * 60_000,
    rateLimits: perMinute ? { uploads: { capacity: perMinute, perSecond: perMinute / 60 } } : undefined,
  }).catch((err: Error) => {
    checkIn.close(); // its file watcher would keep the process alive
    // a read-only start refused by the storage (SQLite, schema at another version) is the operator's to fix
    throw readOnly ? new NotStartedError(err.message) : err;
  });
  const stop = (signal: string) => {
    running.app.log.info({ signal }, 'shutting down');
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGHUP', () => {
    checkIn.reload();
  });
  // machine-readable line for scripts and tests
  process.stdout.write(`collector listening on ${running.url}\n`);
  return running;
}

export async function runCollectorCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        await startFromArgs(parseArgs(rest, START_OPTIONS), { demo: false, dashboardDir: builtDashboard() });
        return -1;
      case 'backup': {
        const a = parseArgs(rest, { db: { value: true }, out: { value: true } });
        const storage = await openStorage(required(a, 'db'));
        await storage.backup(required(a, 'out'));
        await storage.close();
        process.stdout.write(`backup written to ${required(a, 'out')}\n`);
        return 0;
      }
      case 'rescore': {
        const a = parseArgs(rest, { db: { value: true }, since: { value: true }, until: { value: true } });
        const storage = await openStorage(required(a, 'db'));
        const log = createLogger();
        const r = await rescore(storage, {
          since_ms: time(a, 'since') ?? 0,
          until_ms: time(a, 'until'),
          analyze: createAnalyzer((test, err) => log.warn({ test, err: err.message }, 'analysis failed')),
        });
        await storage.close();
        process.stdout.write(
          `rescored ${r.rescored} of ${r.scanned} measurements (${r.changed} changed status or method, ${r.unanalysable} without an analysis)\n`,
        );
        return 0;
      }
      case 'verify': {
        const a = parseArgs(rest, { db: { value: true } });
        const storage = await openStorage(required(a, 'db'));
        const problems = await storage.verifyRollups();
        await storage.close();
        process.stdout.write(problems.length ? `${problems.join('\n')}\n` : 'rollups match the raw rows\n');
        return problems.length ? 1 : 0;
      }
      case 'migrate-db': {
        const a = parseArgs(rest, { from: { value: true }, to: { value: true } });
        const r = await copyDatabase(required(a, 'from'), required(a, 'to'));
        const counts = Object.entries(r.rows).map(([k, n]) => `${k} ${n}`);
        process.stdout.write(`copied: ${counts.join(', ')}\n`);
        process.stdout.write(
          r.problems.length ? `${r.problems.join('\n')}\n` : 'rollups match the raw rows\n',
        );
        return r.problems.length ? 1 : 0;
      }
      case 'export':
        return await runExport(rest);
      case 'import-ooni':
        return await runImportOoni(rest);
      case undefined:
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command ? 0 : 2;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`raabta collector: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof CheckInConfigError || err instanceof NotStartedError) {
      process.stderr.write(`raabta collector: not started: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  runCollectorCli(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (err: Error) => {
      process.stderr.write(`raabta collector: ${err.stack ?? err.message}\n`);
      process.exitCode = 1;
    },
  );
}
