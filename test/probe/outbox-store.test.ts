/** The outbox as a run uses it: one measurement written after another, the disk budget, a small page cache. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Outbox } from '../../probe/outbox/outbox.ts';
import { recorded } from '../fixtures/web/recorded.ts';

function withOutbox(maxBytes: number, fn: (o: Outbox) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'raabta-outbox-'));
  const outbox = new Outbox(join(dir, 'outbox.db'), { maxBytes });
  try {
    fn(outbox);
  } finally {
    outbox.db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const copies = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const m = recorded('none--web--https_x_com_');
    m.measurement_uid = `20241110T013347Z_PK_web_${i.toString(16).padStart(16, '0')}`;
    return m;
  });

test('measurements added one after another are all kept, in order, each once', (t) => {
  withOutbox(1e9, (outbox) => {
    const ms = copies(50);
    for (const m of ms) outbox.add(m);
    outbox.add(ms[3]);
    const batch = outbox.nextBatch(100);
    t.deepEqual(
      batch.map((b) => b.uid),
      ms.map((m) => m.measurement_uid),
    );
    t.is(JSON.parse(batch[7].body).input, ms[7].input);
    t.is(outbox.counts().pending, 50);
  });
});

test('over its budget the outbox drops the oldest measurements and records each drop', (t) => {
  const size = Buffer.byteLength(JSON.stringify(copies(1)[0]));
  withOutbox(size * 10 + size / 2, (outbox) => {
    const ms = copies(15);
    for (const m of ms) outbox.add(m);
    const kept = outbox.nextBatch(100).map((b) => b.uid);
    t.deepEqual(
      kept,
      ms.slice(5).map((m) => m.measurement_uid),
    );
    t.is(outbox.counts().dropped, 5);
    t.true(outbox.heldBytes() <= size * 10 + size / 2);
  });
});

test('the outbox keeps SQLite at its 2 MB page cache, not better-sqlite3 16 MB', (t) => {
  withOutbox(1e9, (outbox) => {
    t.is(outbox.db.pragma('cache_size', { simple: true }), -2000);
  });
});
