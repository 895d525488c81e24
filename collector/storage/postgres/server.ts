/**
 * A throw-away PostgreSQL server, for tests and benchmarks only: `initdb` into a temporary directory, listening
 * on 127.0.0.1 only, on a free port, run as the `postgres` system user (initdb refuses root, so this needs
 * root). A detached watchdog stops the server and removes its directory when the starting process dies
 * without running its exit handler (SIGKILL, a test runner's timeout), so no server is left behind.
 * `startStreamingStandby` adds a hot standby of such a server (pg_basebackup -R -X stream), stopped the same way.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgServer {
  /** `postgres://raabta@127.0.0.1:PORT/postgres` (superuser, trust authentication on loopback) */
  url: string;
  /** user + system CPU seconds of the server's processes so far (postmaster and its live children) */
  cpuSeconds(): number;
  stop(): void;
}

export interface ThrowawayOptions {
  /** `fsync` (default off, for tests; benchmarks turn it on so commits cost what they cost) */
  fsync?: boolean;
  maxConnections?: number;
  /** more `-c name=value` server settings */
  settings?: Record<string, string>;
  /**
   * allow streaming standbys (startStreamingStandby): `wal_level=replica`, WAL senders and slots, and a
   * `host replication` line for 127.0.0.1 in pg_hba.conf (default off: the server as every other test has it)
   */
  replication?: boolean;
}

/** How a server of this process was launched: what a standby of it needs. */
interface Launched {
  port: number;
  settings: Record<string, string>;
  replication: boolean;
}
const launched = new WeakMap<PgServer, Launched>();

/** Debian's newest /usr/lib/postgresql/N/bin that holds the server programs, or null. */
export function serverBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  for (const v of readdirSync(root).sort((a, b) => Number(b) - Number(a))) {
    const bin = join(root, v, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

/** Why a throw-away server cannot be started here, or null when it can. */
export function throwawayUnavailable(): string | null {
  if (!serverBinDir()) return 'PostgreSQL server binaries not installed (apt-get install postgresql)';
  if (process.getuid?.() !== 0)
    return 'starting a throw-away PostgreSQL needs root (initdb runs as postgres)';
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function procCpu(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

function procParent(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
  } catch {
    return -1;
  }
}

/** The settings the benchmarks run PostgreSQL with: durable commits (as a deployment), a realistic cache. */
export const BENCH_SETTINGS: ThrowawayOptions = {
  fsync: true,
  settings: { synchronous_commit: 'on', shared_buffers: '256MB' },
};

function asPostgres(bin: string, program: string, args: string[]): void {
  const r = spawnSync('runuser', ['-u', 'postgres', '--', join(bin, program), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${program} failed: ${r.stderr || r.stdout}`);
}

/** A temporary directory the postgres user owns (the server's data directory goes inside it). */
function serverDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'raabta-pg-'));
  chmodSync(dir, 0o777);
  execFileSync('chown', ['postgres', dir]);
  return dir;
}

export async function startThrowawayPostgres(o: ThrowawayOptions = {}): Promise<PgServer> {
  const why = throwawayUnavailable();
  if (why) throw new Error(why);
  const bin = serverBinDir() as string;
  const dir = serverDir();
  const data = join(dir, 'data');
  asPostgres(bin, 'initdb', ['-D', data, '-U', 'raabta', '--auth=trust', '-E', 'UTF8', '--no-sync', '-N']);
  if (o.replication) {
    // initdb's pg_hba.conf already has this line with --auth=trust; written again so it never depends on that
    appendFileSync(join(data, 'pg_hba.conf'), '\nhost replication raabta 127.0.0.1/32 trust\n');
  }
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    fsync: o.fsync ? 'on' : 'off',
    max_connections: String(o.maxConnections ?? 100),
    ...(o.replication ? { wal_level: 'replica', max_wal_senders: '10', max_replication_slots: '10' } : {}),
    ...o.settings,
  };
  return launch(bin, dir, settings, o.replication ?? false);
}

/**
 * A hot standby of `primary` (a throw-away server of this process started with `replication: true`):
 * `pg_basebackup -R -X stream` into a temporary directory as the postgres user, its own free loopback port,
 * `hot_standby=on`. Resolves once it accepts connections, is in recovery and its WAL receiver streams from
 * the primary. Stopped (and its directory removed) by `stop()`, at exit, or by its watchdog, as the primary.
 */
export async function startStreamingStandby(
  primary: PgServer,
  o: { timeoutMs?: number } = {},
): Promise<PgServer> {
  const p = launched.get(primary);
  if (!p?.replication)
    throw new Error(
      'a standby needs a throw-away primary of this process started with { replication: true }',
    );
  const bin = serverBinDir() as string;
  const dir = serverDir();
  const data = join(dir, 'data');
  try {
    asPostgres(bin, 'pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(p.port),
      '-U',
      'raabta',
      '-D',
      data,
      '-R',
      '-X',
      'stream',
      '--no-sync',
    ]);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  // a hot standby needs max_connections (and the other limits) at least as high as its primary's
  const standby = await launch(bin, dir, { ...p.settings, hot_standby: 'on' }, false);
  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  const port = launched.get(standby)?.port as number;
  for (;;) {
    const r = spawnSync(
      join(bin, 'psql'),
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'raabta',
        '-d',
        'postgres',
        '-XAt',
        '-c',
        "SELECT pg_is_in_recovery()::text || ' ' || coalesce((SELECT status FROM pg_stat_wal_receiver), 'none')",
      ],
      { encoding: 'utf8' },
    );
    if (r.status === 0 && r.stdout.trim() === 'true streaming') return standby;
    if (Date.now() > deadline) {
      standby.stop();
      throw new Error(`the standby did not stream from the primary: ${(r.stdout || r.stderr).trim()}`);
    }
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** Starts the server of `dir/data` on a free port, with its watchdog and stop; `dir` is removed at stop. */
async function launch(
  bin: string,
  dir: string,
  settings: Record<string, string>,
  replication: boolean,
): Promise<PgServer> {
  const data = join(dir, 'data');
  const flags = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(' ');
  // the port is picked right before the start, and picked again if another process took it meanwhile
  // (test files start their servers in parallel)
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      asPostgres(bin, 'pg_ctl', [
        '-D',
        data,
        '-l',
        join(dir, 'log'),
        '-w',
        '-o',
        `-p ${port} -k ${dir} ${flags}`,
        'start',
      ]);
      break;
    } catch (err) {
      if (attempt >= 3) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
  const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  // stops the server if this process dies without its exit handler; exits quietly once the directory is gone
  const watchdog = spawn(
    'sh',
    [
      '-c',
      'while kill -0 "$1" 2>/dev/null; do sleep 1; done; ' +
        'if [ -d "$3" ]; then runuser -u postgres -- "$2" -D "$3" -m immediate -w stop; rm -rf "$4"; fi',
      'raabta-pg-watchdog',
      String(process.pid),
      join(bin, 'pg_ctl'),
      data,
      dir,
    ],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.unref();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      asPostgres(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  const server: PgServer = {
    url: `postgres://raabta@127.0.0.1:${port}/postgres`,
    cpuSeconds() {
      let s = procCpu(postmaster);
      for (const e of readdirSync('/proc')) {
        const pid = Number(e);
        if (pid > 0 && procParent(pid) === postmaster) s += procCpu(pid);
      }
      return s;
    },
    stop,
  };
  launched.set(server, { port, settings, replication });
  return server;
}
