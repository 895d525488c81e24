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

// biome-ignore lint/suspicious/noExplicitAny: any AVA context type
export function useLab(test: TestFn<any>, opts: UseLabOptions = {}): () => LabFixture {
  const lockTimeoutMs = opts.lockTimeoutMs ?? 20 * 60_000;
  let fixture: LabFixture | undefined;
  let agents: LabAgent[] = [];
  let isDown = true;
  let ownsLock = false;

  const teardownSync = () => {
    for (const a of agents) a.close();
    agents = [];
    const report = isDown ? { ms: 0, killed: 0, namespaces: [] } : down();
    isDown = true;
    if (ownsLock) releaseLabLock();
    ownsLock = false;
    return report;
  };
  const onSignal = (sig: NodeJS.Signals) => {
    teardownSync();
    process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGHUP' ? 1 : 15));
  };
  const onExit = () => teardownSync();

  test.before('lab up', async (t) => {
    t.timeout(lockTimeoutMs + 120_000);
    for (const s of SIGNALS) process.once(s, onSignal);
    process.once('exit', onExit);
    const lock = await acquireLabLock({
      timeoutMs: lockTimeoutMs,
      onWait: (owner) => t.log(`waiting for the lab lock held by pid ${owner}`),
    });
    ownsLock = true;
    if (lock.waitedMs > 1000) t.log(`waited ${lock.waitedMs} ms for the lab lock`);
    isDown = false;
    const state = await up({ log: (l) => t.log(l) });
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
      teardown: teardownSync,
    };
  });

  if (opts.resetAfterEach !== false) {
    test.afterEach.always('lab reset', async () => {
      if (!isDown) await reset();
    });
  }

  test.after.always('lab down', (t) => {
    const r = teardownSync();
    if (r.namespaces.length > 0) t.log(`lab down in ${r.ms} ms`);
    for (const s of SIGNALS) process.off(s, onSignal);
    process.off('exit', onExit);
  });

  return () => {
    if (!fixture) throw new Error('the lab is not up (did the before hook fail?)');
    return fixture;
  };
}
