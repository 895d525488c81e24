/**
 * A throw-away PostgreSQL server for tests: initdb into a temp directory, listening on 127.0.0.1 only,
 * on a free port, run as the `postgres` system user (initdb refuses root). `RAABTA_PG_URL` in the
 * environment uses an existing server instead.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgServer {
  url: string;
  stop(): void;
}

function pgBin(name: string): string {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root))
    throw new Error('PostgreSQL is not installed (apt-get install postgresql): .ci/run installs it');
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return join(root, versions[0], 'bin', name);
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

function asPostgres(bin: string, args: string[]): void {
  const r = spawnSync('runuser', ['-u', 'postgres', '--', pgBin(bin), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} failed: ${r.stderr || r.stdout}`);
}

export async function startPostgres(): Promise<PgServer> {
  if (process.env.RAABTA_PG_URL) return { url: process.env.RAABTA_PG_URL, stop() {} };
  const dir = mkdtempSync(join(tmpdir(), 'raabta-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  execFileSync('chown', ['postgres', dir]);
  asPostgres('initdb', ['-D', data, '-U', 'raabta', '--auth=trust', '-E', 'UTF8', '--no-sync', '-N']);
  asPostgres('pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'log'),
    '-w',
    '-o',
    `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=50`,
    'start',
  ]);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  return { url: `postgres://raabta@127.0.0.1:${port}/postgres`, stop };
}
