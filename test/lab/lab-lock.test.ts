/** Unit tests of the machine-wide lab lock, on a temporary lock directory (no root needed). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { acquireLabLock, releaseLabLock } from '../../scripts/lab/lock.ts';

const made: string[] = [];
const tmpLock = () => {
  const parent = mkdtempSync(join(tmpdir(), 'rb-lock-'));
  made.push(parent);
  return join(parent, 'lab.lock');
};
test.after.always(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

test('acquire, re-acquire by the owner, release', async (t) => {
  const dir = tmpLock();
  const lock = await acquireLabLock({ dir, timeoutMs: 1000 });
  t.is(lock.pid, process.pid);
  t.is(JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')).pid, process.pid);
  await acquireLabLock({ dir, timeoutMs: 1000 });
  releaseLabLock(dir);
  t.false(existsSync(dir));
});

test('a lock held by a dead process is stolen', async (t) => {
  const dir = tmpLock();
  const dead = spawnSync('true').pid!;
  mkdirSync(dir);
  writeFileSync(join(dir, 'owner.json'), JSON.stringify({ pid: dead, since: 'then' }));
  const lock = await acquireLabLock({ dir, timeoutMs: 2000 });
  t.is(lock.pid, process.pid);
  releaseLabLock(dir);
});

test('a lock held by a live process is waited for, then times out', async (t) => {
  const dir = tmpLock();
  mkdirSync(dir);
  writeFileSync(join(dir, 'owner.json'), JSON.stringify({ pid: 1, since: 'boot' }));
  let waitedFor = 0;
  await t.throwsAsync(acquireLabLock({ dir, timeoutMs: 500, onWait: (p) => (waitedFor = p) }), {
    message: /timed out/,
  });
  t.is(waitedFor, 1);
  releaseLabLock(dir);
  t.true(existsSync(dir), 'someone else’s lock is not released');
});

test('a lock directory without owner file (crashed taker) is stolen after a while', async (t) => {
  const dir = tmpLock();
  mkdirSync(dir);
  const lock = await acquireLabLock({ dir, timeoutMs: 10_000 });
  t.true(lock.waitedMs >= 2900);
  releaseLabLock(dir);
});
