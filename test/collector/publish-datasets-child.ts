/**
 * Child process of publish-datasets-kill.test.ts: runs the publishing job on a real database (SQLite file or PostgreSQL URL) and, after
 * `pauseAfter` measurements of the day it exports, prints `midway` and waits to be killed (SIGKILL: no
 * cleanup code runs). Usage: tsx publish-datasets-child.ts DB ROOT NOW_ISO PAUSE_AFTER
 */
import pino from 'pino';
import { iterateRawByDayFromScan } from '../../collector/datasets/export-all.ts';
import type { ExportItem } from '../../collector/datasets/types.ts';
import { publishDatasets } from '../../collector/jobs/publish-datasets.ts';
import { openStorage } from '../../collector/storage/postgres/open-storage.ts';

const [db, root, nowIso, pauseAfter] = process.argv.slice(2);
const storage = await openStorage(db);
const real = iterateRawByDayFromScan((q) => storage.scanRaw(q));
async function* pausing(date: string): AsyncGenerator<ExportItem> {
  let n = 0;
  for await (const item of real(date)) {
    if (n++ === Number(pauseAfter)) {
      // let the file streams reach the disk, then report and wait for the kill
      await new Promise((r) => setTimeout(r, 200));
      process.stdout.write('midway\n');
      await new Promise(() => setInterval(() => {}, 1000));
    }
    yield item;
  }
}
await publishDatasets(storage, pino({ level: 'silent' }), {
  datasetsDir: root,
  now: () => new Date(nowIso),
  iterateRawByDay: pausing,
});
process.stdout.write('finished\n');
