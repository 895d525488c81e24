/**
 * AVA helper for tests that need the censor lab (root only).
 *
 *   import test from 'ava';
 *   import { useLab } from '../helpers/lab.ts';
 *   const lab = useLab(test);
 *   test.serial('x.com is reset by SNI', async (t) => {
 *     const { probe, state, censor } = lab();
 *     await censor('sni-rst', true, ['x.com']);
 *     t.is((await probe.tls('x.com', { ca: state.caCert })).code, 'ECONNRESET');
 *   });
 *
 * Once per test file: wait for the machine-wide lab lock (AVA runs files in parallel processes and
 * only one lab fits on a machine), clean leftovers, bring the lab up, start agents in rb-probe and
 * rb-outside. Between tests: reset (all behaviours off, all servers running). Always torn down:
 * after.always, SIGINT/SIGTERM/SIGHUP and process exit. If the lab cannot start, the before hook
 * fails and so does every test of the file (nothing is skipped). Use test.serial: behaviours are global.
 * The hooks are serial hooks: AVA runs plain before hooks concurrently, which would start the lab
 * before the lock is held.
 */
import type { TestFn } from 'ava';
import {
  acquireLabLock,
  down,
  exec,
  LabAgent,
  type LabState,
  releaseLabLock,
  reset,
  setCensor,
  setServer,
  spawn,
  up,
} from '../../scripts/lab/index.ts';

export interface LabFixture {
  state: LabState;
  /** Agent running inside rb-probe (the volunteer's machine). */
  probe: LabAgent;
  /** Agent running inside rb-outside (the collector's vantage point abroad). */
  outside: LabAgent;
  censor: typeof setCensor;
  server: typeof setServer;
  reset: typeof reset;
  exec: typeof exec;
  spawn: typeof spawn;
  /** Start another agent in any lab namespace (e.g. rb-servers for echo servers). */
  agent(ns: string): Promise<LabAgent>;
  /** Tear the lab down now (idempotent); the after hook then has nothing left to do. */
  teardown(): ReturnType<typeof down>;
}

export interface UseLabOptions {
  /** How long to wait for another test file's lab (default 20 minutes). */
  lockTimeoutMs?: number;
  /** Reset the lab after each test (default true). */
  resetAfterEach?: boolean;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface LabLockSession {
  /** Tear the lab down now (idempotent; runs the registered cleanups first). */
  teardown(): ReturnType<typeof down>;
  /** Run fn (synchronously) before the lab is torn down, e.g. to close agents. */
  beforeDown(fn: () => void): void;
}

/**
 * Hold the machine-wide lab lock for the whole test file, and ALWAYS tear the lab down: in
 * after.always, on SIGINT/SIGTERM/SIGHUP and on process exit. Use directly for tests that manage
 * the lab themselves (e.g. through the CLI); useLab() builds on it.
 */
// biome-ignore lint/suspicious/noExplicitAny: any AVA context type
export function holdLabLock(test: TestFn<any>, lockTimeoutMs = 20 * 60_000): LabLockSession {
  let ownsLock = false;
  const cleanups: (() => void)[] = [];
  const teardown = () => {
    for (const fn of cleanups.splice(0)) fn();
    const report = ownsLock ? down() : { ms: 0, killed: 0, namespaces: [] };
    if (ownsLock) releaseLabLock();
    ownsLock = false;
    return report;
  };
  const onSignal = (sig: NodeJS.Signals) => {
    teardown();
    process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGHUP' ? 1 : 15));
  };
  const onExit = () => teardown();

  test.serial.before('lab lock', async (t) => {
    t.timeout(lockTimeoutMs + 60_000);
    for (const s of SIGNALS) process.once(s, onSignal);
    process.once('exit', onExit);
    const lock = await acquireLabLock({
      timeoutMs: lockTimeoutMs,
      onWait: (owner) => t.log(`waiting for the lab lock held by pid ${owner}`),
    });
    ownsLock = true;
    if (lock.waitedMs > 1000) t.log(`waited ${lock.waitedMs} ms for the lab lock`);
  });

  test.serial.after.always('lab down', (t) => {
    const r = teardown();
    if (r.namespaces.length > 0) t.log(`lab down in ${r.ms} ms`);
    for (const s of SIGNALS) process.off(s, onSignal);
    process.off('exit', onExit);
  });

  return { teardown, beforeDown: (fn) => cleanups.push(fn) };
}

// biome-ignore lint/suspicious/noExplicitAny: any AVA context type
export function useLab(test: TestFn<any>, opts: UseLabOptions = {}): () => LabFixture {
  const session = holdLabLock(test, opts.lockTimeoutMs);
  let fixture: LabFixture | undefined;
  let agents: LabAgent[] = [];
  let isUp = false;
  session.beforeDown(() => {
    for (const a of agents) a.close();
    agents = [];
    isUp = false;
  });

  test.serial.before('lab up', async (t) => {
    t.timeout(120_000);
    const state = await up({ log: (l) => t.log(l) });
    isUp = true;
    const newAgent = async (ns: string) => {
      const a = await LabAgent.start(ns);
      agents.push(a);
      return a;
    };
    const [probe, outside] = await Promise.all([
      newAgent(state.namespaces.probe),
      newAgent(state.namespaces.outside),
    ]);
    fixture = {
      state,
      probe,
      outside,
      censor: setCensor,
      server: setServer,
      reset,
      exec,
      spawn,
      agent: newAgent,
      teardown: session.teardown,
    };
  });

  if (opts.resetAfterEach !== false) {
    test.serial.afterEach.always('lab reset', async () => {
      if (isUp) await reset();
    });
  }

  return () => {
    if (!fixture) throw new Error('the lab is not up (did the before hook fail?)');
    return fixture;
  };
}
