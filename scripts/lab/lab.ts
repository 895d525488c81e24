/** Bring the lab up, switch censor behaviours and origin servers, report status, reset. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { applyCensor } from './censor/apply.ts';
import { censorBaseRules, serversBaseRules, stoppedRules } from './censor/base.ts';
import { getBehaviour } from './censor/index.ts';
import { ALL_NS, NETNS_ETC, NS, RESOLVER_IP, RUN_DIR, VPN } from './constants.ts';
import { initialState } from './initial-state.ts';
import { resolveTarget } from './names.ts';
import { createTopology, labNamespaces } from './netns.ts';
import { writeContent } from './pages.ts';
import { labPaths } from './paths.ts';
import { createPki } from './pki.ts';
import { preflight } from './preflight.ts';
import { isAlive } from './procs.ts';
import { SERVICES, type ServiceCtx } from './services/index.ts';
import { generateWgKeys } from './services/wireguard.ts';
import { inNs, run } from './sh.ts';
import { BENCH, ORIGINS } from './sites.ts';
import { type LabState, readState, type ServerStopMode, tryReadState, writeState } from './state.ts';
import { downSync } from './teardown.ts';

export interface UpOptions {
  log?: (line: string) => void;
}

function certNames(): string[] {
  return [...ORIGINS.flatMap((o) => o.names), `*.${BENCH.domain}`, VPN.openvpn.name, VPN.openvpn.clientName];
}

function writeResolvConfs(): void {
  for (const ns of ALL_NS) {
    mkdirSync(`${NETNS_ETC}/${ns}`, { recursive: true });
    writeFileSync(
      `${NETNS_ETC}/${ns}/resolv.conf`,
      `nameserver ${RESOLVER_IP}\noptions timeout:2 attempts:2\n`,
    );
  }
}

/** Clean any leftovers, then build the whole lab. On failure everything is torn down again. */
export async function up(opts: UpOptions = {}): Promise<LabState> {
  preflight();
  const log = opts.log ?? (() => {});
  const t0 = performance.now();
  const lap = (() => {
    let last = t0;
    return () => {
      const now = performance.now();
      const ms = Math.round(now - last);
      last = now;
      return ms;
    };
  })();
  const timings: Record<string, number> = {};
  timings.cleanupMs = downSync(RUN_DIR).ms + lap();
  const p = labPaths(RUN_DIR);
  mkdirSync(p.logs, { recursive: true });
  try {
    const [, , wg] = await Promise.all([
      createTopology(),
      createPki(p.pki, certNames()),
      generateWgKeys(),
      Promise.resolve().then(() => writeContent(p.www, ORIGINS)),
    ]);
    writeResolvConfs();
    await Promise.all([
      run(inNs(NS.censor, ['iptables-restore']), { input: censorBaseRules() }),
      run(inNs(NS.servers, ['iptables-restore']), { input: serversBaseRules() }),
    ]);
    timings.topologyAndPkiMs = lap();
    const state = initialState(RUN_DIR, wg);
    const ctx: ServiceCtx = { p, wg };
    const records = await Promise.all(SERVICES.map((s) => s.start(ctx)));
    SERVICES.forEach((s, i) => {
      state.daemons[s.id] = records[i];
    });
    timings.daemonsMs = lap();
    timings.totalUpMs = Math.round(performance.now() - t0);
    state.timings = timings;
    writeFileSync(`${p.runDir}/wg-keys.json`, JSON.stringify(wg), { mode: 0o600 });
    writeState(state);
    log(`lab up in ${timings.totalUpMs} ms (${JSON.stringify(timings)})`);
    return state;
  } catch (err) {
    downSync(RUN_DIR);
    throw err;
  }
}

export function down(): ReturnType<typeof downSync> {
  return downSync(RUN_DIR);
}

export async function setCensor(name: string, on: boolean, args: string[] = []): Promise<LabState> {
  const state = readState();
  const b = getBehaviour(name);
  if (on) state.censor[name] = b.normalize(args, state.hosts);
  else delete state.censor[name];
  try {
    await applyCensor(state, labPaths(state.runDir));
  } finally {
    writeState(state);
  }
  return state;
}

async function applyStopped(state: LabState): Promise<void> {
  await run(inNs(NS.servers, ['iptables-restore', '--noflush']), { input: stoppedRules(state.stopped) });
  await run(inNs(NS.servers, ['conntrack', '-F']), { check: false });
}

/** "Server really down": stop (refuse: RST / ICMP port unreachable; drop: silence) or start an origin IP. */
export async function setServer(
  target: string,
  action: 'stop' | 'start',
  mode: ServerStopMode = 'refuse',
): Promise<LabState> {
  const state = readState();
  const ip = resolveTarget(target, state.hosts);
  if (action === 'stop') state.stopped[ip] = mode;
  else delete state.stopped[ip];
  await applyStopped(state);
  writeState(state);
  return state;
}

/** All behaviours off, all servers started (dead daemons restarted). */
export async function reset(): Promise<LabState> {
  const state = readState();
  state.censor = {};
  state.stopped = {};
  const p = labPaths(state.runDir);
  try {
    await applyCensor(state, p);
    await applyStopped(state);
    const ctx: ServiceCtx = { p, wg: JSON.parse(readFileSync(`${p.runDir}/wg-keys.json`, 'utf8')) };
    for (const s of SERVICES) {
      const rec = state.daemons[s.id];
      if (!rec || !isAlive(rec.pid)) state.daemons[s.id] = await s.start(ctx);
    }
  } finally {
    writeState(state);
  }
  return state;
}

export interface LabStatus {
  up: boolean;
  namespaces: string[];
  daemons: { id: string; pid: number; ns: string; alive: boolean }[];
  censor: Record<string, string[]>;
  stopped: Record<string, ServerStopMode>;
  timings: Record<string, number>;
}

export function status(): LabStatus {
  const state = tryReadState();
  const namespaces = labNamespaces();
  const daemons = Object.entries(state?.daemons ?? {}).map(([id, d]) => ({
    id,
    pid: d.pid,
    ns: d.ns,
    alive: isAlive(d.pid),
  }));
  return {
    up: state !== undefined && namespaces.length === ALL_NS.length && daemons.every((d) => d.alive),
    namespaces,
    daemons,
    censor: state?.censor ?? {},
    stopped: state?.stopped ?? {},
    timings: state?.timings ?? {},
  };
}
