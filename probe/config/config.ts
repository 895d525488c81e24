/**
 * The probe's configuration file (JSON, default `$XDG_CONFIG_HOME/raabta/probe.json`). Every key is optional;
 * command-line options override the file. Documented key by key in probe/README.md ("Configuration").
 */
import { existsSync, readFileSync } from 'node:fs';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const Str = Type.String();
export const ConfigFile = Type.Object(
  {
    collectors: Type.Optional(Type.Array(Str, { description: 'collector base URLs, tried in order' })),
    resolver: Type.Optional(Type.Union([Str, Type.Null()])),
    system_resolver: Type.Optional(Type.Union([Str, Type.Null()])),
    ca_files: Type.Optional(Type.Array(Str)),
    allow: Type.Optional(Str),
    proxy: Type.Optional(Type.Union([Str, Type.Null()])),
    upload: Type.Optional(Type.Boolean()),
    schedule: Type.Optional(Type.Record(Str, Type.Union([Str, Type.Null()]))),
    jitter_max_seconds: Type.Optional(Type.Integer({ minimum: 0 })),
    check_in_interval_seconds: Type.Optional(Type.Number({ minimum: 1 })),
    upload_schedule: Type.Optional(Str),
    upload_retry_min_seconds: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    upload_retry_max_seconds: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    risky_categories: Type.Optional(Type.Array(Str)),
    enabled_risky_categories: Type.Optional(Type.Array(Str)),
    vpn_policy: Type.Optional(Type.Union([Type.Literal('annotate'), Type.Literal('skip')])),
    outbox_max_mb: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    uploaded_retention_days: Type.Optional(Type.Number({ minimum: 0 })),
    batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    daily_bandwidth_mb: Type.Optional(Type.Union([Type.Number({ minimum: 0 }), Type.Null()])),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
    step_timeout_ms: Type.Optional(Type.Integer({ minimum: 100 })),
    body_cap_bytes: Type.Optional(Type.Integer({ minimum: 0 })),
    shutdown_grace_seconds: Type.Optional(Type.Number({ minimum: 0 })),
    log_level: Type.Optional(
      Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
    ),
  },
  { additionalProperties: false },
);
export type ConfigFile = Static<typeof ConfigFile>;

/** Categories (OONI category codes) that can put a volunteer at risk; skipped unless enabled. */
export const DEFAULT_RISKY = ['PORN', 'LGBT', 'REL', 'PROV', 'DATE', 'ALDR', 'GMB', 'HATE', 'MILX', 'XED'];

/** Suites and their default cron expressions (minute hour day month weekday; 6 fields add seconds). */
export const DEFAULT_SCHEDULE: Record<string, string> = {
  x: '*/15 * * * *',
  whatsapp: '*/15 * * * *',
  vpn: '*/15 * * * *',
  news: '0 * * * *',
  dns: '*/30 * * * *',
};

export interface ProbeConfig {
  collectors: string[];
  resolver: string | null;
  /**
   * IP[:port] of a DNS server that stands in for the system resolver (getaddrinfo is replaced by a UDP query
   * to it); null = the machine's resolver. For tests and machines whose resolv.conf is unusable.
   */
  system_resolver: string | null;
  ca_files: string[];
  allow: string;
  proxy: string | null;
  upload: boolean;
  /** suite → cron expression; null disables a default suite */
  schedule: Record<string, string>;
  /**
   * suites the configuration file set to null (not a file key: derived from `schedule`), so that a central
   * schedule cannot turn on a suite the volunteer disabled, default or not (probe/daemon/targets.ts)
   */
  schedule_disabled: string[];
  jitter_max_seconds: number;
  /** how often the daemon checks in: target lists and the central schedule (followed without a restart) */
  check_in_interval_seconds: number;
  upload_schedule: string;
  /** backoff after a failed upload round: min·2ⁿ⁻¹ seconds, capped at max, times 0.5–1.5 */
  upload_retry_min_seconds: number;
  upload_retry_max_seconds: number;
  risky_categories: string[];
  enabled_risky_categories: string[];
  vpn_policy: 'annotate' | 'skip';
  outbox_max_mb: number;
  uploaded_retention_days: number;
  batch_size: number;
  daily_bandwidth_mb: number | null;
  concurrency: number;
  step_timeout_ms: number;
  body_cap_bytes: number;
  shutdown_grace_seconds: number;
  log_level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export const DEFAULTS: ProbeConfig = {
  collectors: [],
  resolver: null,
  system_resolver: null,
  ca_files: [],
  allow: 'public',
  proxy: null,
  upload: true,
  schedule: DEFAULT_SCHEDULE,
  schedule_disabled: [],
  jitter_max_seconds: 600,
  check_in_interval_seconds: 3600,
  upload_schedule: '*/5 * * * *',
  upload_retry_min_seconds: 30,
  upload_retry_max_seconds: 1800,
  risky_categories: DEFAULT_RISKY,
  enabled_risky_categories: [],
  vpn_policy: 'annotate',
  outbox_max_mb: 200,
  uploaded_retention_days: 7,
  batch_size: 100,
  daily_bandwidth_mb: 500,
  concurrency: 4,
  step_timeout_ms: 10_000,
  body_cap_bytes: 65_536,
  shutdown_grace_seconds: 20,
  log_level: 'info',
};

export class ConfigError extends Error {}

export function parseConfig(text: string, file: string): ConfigFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const first = Value.Errors(ConfigFile, raw).First();
  if (first) {
    const where = first.path || '/';
    const extra = first.schema && (first.value === undefined ? '' : ` (got ${JSON.stringify(first.value)})`);
    throw new ConfigError(`${file}: ${where}: ${first.message}${extra ?? ''}`);
  }
  return raw as ConfigFile;
}

/** Reads the file if it exists (a missing default file is fine; a missing explicit one is an error). */
export function loadConfigFile(file: string, explicit: boolean): ConfigFile {
  if (!existsSync(file)) {
    if (explicit) throw new ConfigError(`config file ${file} does not exist`);
    return {};
  }
  return parseConfig(readFileSync(file, 'utf8'), file);
}

export function resolveConfig(file: ConfigFile, overrides: Partial<ProbeConfig>): ProbeConfig {
  const merged: ProbeConfig = { ...DEFAULTS };
  for (const src of [file, overrides] as Partial<ProbeConfig>[]) {
    for (const [k, v] of Object.entries(src)) {
      if (v !== undefined) (merged as unknown as Record<string, unknown>)[k] = v;
    }
  }
  const schedule: Record<string, string> = { ...DEFAULT_SCHEDULE };
  const disabled: string[] = [];
  for (const [suite, expr] of Object.entries(file.schedule ?? {})) {
    if (expr === null) {
      delete schedule[suite];
      disabled.push(suite);
    } else schedule[suite] = expr;
  }
  merged.schedule = overrides.schedule ?? schedule;
  merged.schedule_disabled = overrides.schedule ? (overrides.schedule_disabled ?? []) : disabled;
  return merged;
}
