/** Where the probe keeps its files: XDG base directories, overridable by --data-dir / --config. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share');
  return join(base, 'raabta');
}

export function defaultConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'raabta', 'probe.json');
}

/** Files inside the data directory. */
export function dataPaths(dataDir: string) {
  return {
    dir: dataDir,
    outbox: join(dataDir, 'outbox.sqlite'),
    privateKey: join(dataDir, 'probe-key.pem'),
    identity: join(dataDir, 'identity.json'),
    checkIn: join(dataDir, 'check-in.json'),
    consent: join(dataDir, 'consent.json'),
    daemon: join(dataDir, 'daemon.json'),
  };
}
export type DataPaths = ReturnType<typeof dataPaths>;
