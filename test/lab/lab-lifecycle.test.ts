/**
 * Lab lifecycle (needs root): the CLI end to end, cleaning up after a crashed run, and the CLI's
 * refusal to touch a lab that another process holds. Holds the lab lock like every lab test file,
 * so it serializes with lab-self.test.ts when AVA runs both at once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { LabAgent, readState, status } from '../../scripts/lab/index.ts';
import { labNamespaces } from '../../scripts/lab/netns.ts';
import { runSync } from '../../scripts/lab/sh.ts';
import { strayLabProcesses } from '../../scripts/lab/teardown.ts';
import { holdLabLock } from '../helpers/lab.ts';

const session = holdLabLock(test);

function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/lab/cli.ts', ...args], {
    encoding: 'utf8',
    env,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

test.serial('CLI: up, status, censor, server, reset, down', async (t) => {
  const t0 = performance.now();
  const upRun = cli(['up']);
  t.is(upRun.code, 0, upRun.out);
  const upMs = performance.now() - t0;
  t.regex(upRun.out, /lab up in \d+ ms/);
  const st = cli(['status']);
  t.is(st.code, 0, st.out);
  t.regex(st.out, /lab UP/);
  t.is(cli(['censor', 'sni-rst', 'on', 'x.com']).code, 0);
  t.is(cli(['censor', 'dns-nxdomain', 'on', 'geo.tv']).code, 0);
  t.is(cli(['server', 'insaf.pk', 'stop']).code, 0);
  t.regex(cli(['status']).out, /censor sni-rst on x\.com[\s\S]*server 198\.18\.30\.8 stopped \(refuse\)/);
  t.not(cli(['censor', 'no-such-behaviour', 'on']).code, 0);
  t.not(cli(['censor', 'throttle', 'on', 'x.com']).code, 0, 'throttle needs a rate');

  const state = readState();
  const probe = await LabAgent.start(state.namespaces.probe);
  session.beforeDown(() => probe.close());
  t.is((await probe.tls('x.com', { ca: state.caCert })).code, 'ECONNRESET');
  t.is((await probe.dns('geo.tv')).code, 'ENOTFOUND');
  t.is((await probe.tcp('insaf.pk', 443)).code, 'ECONNREFUSED');
  const exec = cli(['exec', 'rb-probe', 'ip', '-o', 'addr', 'show', 'rb-p0']);
  t.regex(exec.out, /100\.64\.1\.2\/24/);

  t.is(cli(['reset']).code, 0);
  t.true((await probe.tls('x.com', { ca: state.caCert })).ok);
  t.true((await probe.tcp('insaf.pk', 443)).ok);
  probe.close();

  const t1 = performance.now();
  const downRun = cli(['down']);
  t.is(downRun.code, 0, downRun.out);
  t.log(
    `CLI up ${Math.round(upMs)} ms, down ${Math.round(performance.now() - t1)} ms (including tsx start-up)`,
  );
  t.deepEqual(labNamespaces(), []);
  t.false(status().up);
  t.is(cli(['down']).code, 0, 'down is idempotent');
});

test.serial('down cleans the leftovers of a crashed run', (t) => {
  // a process brings the lab up and dies without any cleanup
  const crash = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      "import('./scripts/lab/lab.ts').then(async (l) => { await l.up(); process.kill(process.pid, 'SIGKILL'); })",
    ],
    { encoding: 'utf8' },
  );
  t.is(crash.signal, 'SIGKILL', crash.stderr);
  t.is(labNamespaces().length, 4, 'namespaces left behind');
  t.true(strayLabProcesses().length >= 8, 'daemons left behind');
  const r = session.teardown();
  t.log(`cleanup of a crashed lab: ${r.ms} ms, ${r.killed} processes`);
  t.deepEqual(labNamespaces(), []);
  t.deepEqual(strayLabProcesses(), []);
  t.false(existsSync('/run/raabta-lab'));
  t.notRegex(runSync(['ip', 'netns', 'list']).stdout, /^rb-/m);
});

test.serial('the CLI refuses to change a lab that another process holds', (t) => {
  const parent = mkdtempSync(join(tmpdir(), 'rb-lock-'));
  t.teardown(() => rmSync(parent, { recursive: true, force: true }));
  const dir = join(parent, 'lab.lock');
  mkdirSync(dir);
  writeFileSync(join(dir, 'owner.json'), JSON.stringify({ pid: 1, since: 'boot' }));
  const env = { ...process.env, RAABTA_LAB_LOCK_DIR: dir };
  const r = cli(['down'], env);
  t.not(r.code, 0);
  t.regex(r.out, /in use by pid 1/);
  t.is(cli(['censor', 'list'], env).code, 0, 'read-only commands work');
});
