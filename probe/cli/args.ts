/** Command-line options of `raabta probe …` (node:util parseArgs) and their mapping onto the configuration. */
import { parseArgs } from 'node:util';
import { loadConfigFile, type ProbeConfig, resolveConfig } from '../config/config.ts';
import { defaultConfigFile, defaultDataDir } from '../config/paths.ts';
import { createGuard } from '../net/guard.ts';
import { checkCollectorUrl } from '../upload/collector-url.ts';

export class UsageError extends Error {}

const OPTIONS = {
  once: { type: 'boolean' },
  suite: { type: 'string', multiple: true },
  target: { type: 'string', multiple: true },
  collector: { type: 'string', multiple: true },
  resolver: { type: 'string' },
  'system-resolver': { type: 'string' },
  ca: { type: 'string', multiple: true },
  allow: { type: 'string' },
  'data-dir': { type: 'string' },
  config: { type: 'string' },
  accept: { type: 'boolean' },
  proxy: { type: 'string' },
  'no-upload': { type: 'boolean' },
  output: { type: 'string' },
  'log-level': { type: 'string' },
  json: { type: 'boolean' },
  'retry-failed': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ProbeArgs {
  command: string | null;
  once: boolean;
  suites: string[];
  targets: string[];
  accept: boolean;
  output: string | null;
  json: boolean;
  retryFailed: boolean;
  help: boolean;
  dataDir: string;
  configFile: string;
  config: ProbeConfig;
}

function splitList(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

export function parseProbeArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ProbeArgs {
  let parsed: ReturnType<
    typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; args: string[] }>
  >;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional.*$/s, ''));
  }
  const v = parsed.values;
  const [command = null, ...extra] = parsed.positionals;
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const explicitConfig = v.config !== undefined;
  const configFile = v.config ?? defaultConfigFile(env);
  const file = loadConfigFile(configFile, explicitConfig);
  const overrides: Partial<ProbeConfig> = {};
  const collectors = splitList(v.collector);
  if (collectors) overrides.collectors = collectors;
  if (v.resolver !== undefined) overrides.resolver = v.resolver;
  if (v['system-resolver'] !== undefined) overrides.system_resolver = v['system-resolver'];
  if (v.ca) overrides.ca_files = v.ca;
  const allow = v.allow ?? (env.RAABTA_ALLOW || undefined);
  if (allow !== undefined) overrides.allow = allow;
  if (v.proxy !== undefined) overrides.proxy = v.proxy;
  if (v['no-upload']) overrides.upload = false;
  if (v['log-level'] !== undefined) overrides.log_level = v['log-level'] as ProbeConfig['log_level'];
  const config = resolveConfig(file, overrides);
  validate(config);
  return {
    command,
    once: v.once ?? false,
    suites: splitList(v.suite) ?? [],
    targets: v.target ?? [],
    accept: v.accept ?? false,
    output: v.output ?? null,
    json: v.json ?? false,
    retryFailed: v['retry-failed'] ?? false,
    help: v.help ?? false,
    dataDir: v['data-dir'] ?? env.RAABTA_DATA_DIR ?? defaultDataDir(env),
    configFile,
    config,
  };
}

/** Clear errors for values that would only fail later, deep inside a run. */
function validate(c: ProbeConfig): void {
  try {
    createGuard(c.allow);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  try {
    c.collectors = c.collectors.map(checkCollectorUrl);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  for (const [flag, value] of [
    ['--resolver', c.resolver],
    ['--system-resolver', c.system_resolver],
  ] as const) {
    if (value !== null && !/^(\[[0-9a-f:.]+\]|[0-9.]+|[0-9a-f:]+)(:\d{1,5})?$/i.test(value)) {
      throw new UsageError(`${flag} "${value}" must be IP[:port] (e.g. 127.0.0.1:5353 or [::1]:53)`);
    }
  }
  if (c.upload_retry_max_seconds < c.upload_retry_min_seconds) {
    throw new UsageError('upload_retry_max_seconds must not be below upload_retry_min_seconds');
  }
  if (c.proxy !== null) {
    let u: URL | null = null;
    try {
      u = new URL(c.proxy);
    } catch {}
    if (!u || !['http:', 'https:', 'socks5:', 'socks5h:', 'socks:'].includes(u.protocol)) {
      throw new UsageError(`--proxy "${c.proxy}" must be http://, https:// or socks5://host:port`);
    }
  }
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(c.log_level)) {
    throw new UsageError(
      `--log-level "${c.log_level}" must be one of fatal, error, warn, info, debug, trace, silent`,
    );
  }
}

export const USAGE = `Usage: raabta probe <command> [options]

Commands:
  run --once [--suite NAME …] [--target URL …]   measure now (all scheduled suites if neither is given)
  start                                          run as a daemon on the schedule
  status [--json]                                schedule, last/next runs, outbox, uploads
  upload [--retry-failed]                        upload the outbox now

Options:
  --collector URL      collector base URL; repeat or comma-separate: tried in order
  --resolver IP[:port] DNS server queried directly, besides the system resolver
  --system-resolver IP[:port]
                       DNS server that stands in for the system resolver (tests; broken resolv.conf)
  --ca FILE            extra trusted CA certificate (PEM) for TLS
  --allow CIDR,…       destination allow-list (env RAABTA_ALLOW; default "public")
  --data-dir DIR       outbox, keys, check-in cache (default $XDG_DATA_HOME/raabta)
  --config FILE        configuration file (default $XDG_CONFIG_HOME/raabta/probe.json)
  --accept             consent to measuring and uploading (unattended installs)
  --proxy URL          upload through a proxy: http(s)://host:port or socks5://host:port (e.g. Tor)
  --no-upload          do not contact the collector; keep measurements in the outbox
  --output FILE|-      also write each measurement as a JSON line to FILE (- = stdout)
  --log-level LEVEL    fatal, error, warn, info (default), debug, trace, silent
`;
