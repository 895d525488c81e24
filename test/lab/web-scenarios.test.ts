/**
 * Scenario matrix (root, censor lab): every scenario of test/fixtures/web/scenarios.ts is switched on in
 * the lab, the probe runs its targets in rb-probe and the control runs the same measure() in rb-outside
 * (each through test/fixtures/web/measure-in-ns.ts), the controls are attached and the verdicts
 * recomputed. Prints a confusion table (expected × got). RAABTA_SCENARIOS=a,b runs a subset.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { testFor } from '../../probe/tests/index.ts';
import type { Control, Measurement } from '../../schemas/src/measurement.ts';
import { validateMeasurement } from '../../schemas/validate.ts';
import { type Cell, confusionTable, label } from '../fixtures/web/confusion.ts';
import type { HarnessJob } from '../fixtures/web/measure-in-ns.ts';
import { SCENARIOS, type Scenario } from '../fixtures/web/scenarios.ts';
import { useLab } from '../helpers/lab.ts';

const lab = useLab(test);
const only = process.env.RAABTA_SCENARIOS?.split(',').filter(Boolean);
const scenarios = only ? SCENARIOS.filter((s) => only.includes(s.name)) : SCENARIOS;
const cells: Cell[] = [];
const dir = mkdtempSync(join(tmpdir(), 'raabta-web-matrix-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

async function harness(ns: string, mode: 'probe' | 'control', job: HarnessJob): Promise<unknown[]> {
  const file = join(dir, `${mode}-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(job));
  const child = lab().spawn(
    ns,
    [process.execPath, '--import', 'tsx', 'test/fixtures/web/measure-in-ns.ts', mode, file],
    {
      cwd: process.cwd(),
      env: { ...process.env, UV_THREADPOOL_SIZE: '32' },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  if (code !== 0) throw new Error(`${mode} harness in ${ns} exited ${code}: ${stderr.slice(-2000)}`);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

async function runScenario(s: Scenario): Promise<{ m: Measurement; expect: string }[]> {
  const { state } = lab();
  for (const c of s.censor) await lab().censor(c.behaviour, true, c.args);
  for (const st of s.stop ?? []) await lab().server(st.server, 'stop', st.mode);
  const targets = s.targets.map((x) => x.target);
  const job: HarnessJob = {
    allow: state.allowList,
    caCert: state.caCert,
    resolver: state.resolver,
    stepTimeoutMs: 4000,
    concurrency: 8,
    targets,
  };
  const [probe, controls] = await Promise.all([
    harness(state.namespaces.probe, 'probe', job) as Promise<Measurement[]>,
    harness(state.namespaces.outside, 'control', job) as Promise<
      { input: string; kind: string; control: Control }[]
    >,
  ]);
  return s.targets.map(({ target, expect }) => {
    const m = probe.find((p) => p.input === target.input && p.test_name === target.kind);
    if (!m) throw new Error(`no measurement for ${target.kind} ${target.input}`);
    m.test_keys.control =
      controls.find((c) => c.input === target.input && c.kind === target.kind)?.control ?? null;
    m.raabta.verdict = testFor(target.kind).analyze(m);
    return { m, expect };
  });
}

for (const s of scenarios) {
  test.serial(`scenario ${s.name}: ${s.why}`, async (t) => {
    t.timeout(300_000);
    const started = Date.now();
    const results = await runScenario(s);
    for (const { m, expect } of results) {
      const v = validateMeasurement(m);
      t.true(v.ok, `${m.input}: ${v.ok ? '' : v.error}`);
      const got = label(m.raabta.verdict);
      cells.push({
        scenario: s.name,
        input: `${m.test_name} ${m.input}`,
        expected: expect,
        got,
        verdict: m.raabta.verdict,
      });
      t.is(got, expect, `${s.name} ${m.test_name} ${m.input}: ${m.raabta.verdict?.reason}`);
      if (expect.startsWith('ok') || expect === 'down' || expect === 'error') {
        t.false(
          got.startsWith('blocked') && (m.raabta.verdict?.confidence ?? 0) >= 0.7,
          `cried wolf on ${m.input}`,
        );
      }
    }
    if (process.env.RAABTA_RECORD_DIR) {
      for (const { m } of results) {
        const name = `${s.name}--${m.test_name}--${(m.input ?? '').replace(/[^a-z0-9]+/gi, '_')}.json`;
        writeFileSync(join(process.env.RAABTA_RECORD_DIR, name), `${JSON.stringify(m, null, 1)}\n`);
      }
    }
    t.log(`${s.name}: ${results.length} targets in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const { m } of results)
      t.log(`  ${label(m.raabta.verdict).padEnd(18)} ${m.input}: ${m.raabta.verdict?.reason.slice(0, 300)}`);
  });
}

test.serial('the confusion table shows every expected verdict, and zero blocked without censorship', (t) => {
  t.log(`\n${confusionTable(cells)}`);
  const none = cells.filter((c) => c.scenario === 'none');
  t.is(none.filter((c) => c.got.startsWith('blocked')).length, 0);
  const wrong = cells.filter((c) => c.got !== c.expected);
  t.deepEqual(
    wrong.map((c) => `${c.scenario} ${c.input}: expected ${c.expected}, got ${c.got}`),
    [],
  );
});
