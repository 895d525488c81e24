/**
 * Child process of pg-exclusive-jobs.test.ts: a collector's background job in the middle of its run — it
 * takes the named lock on a PostgreSQL database the way the jobs do (exclusive.ts), prints `held` and never
 * finishes, until it is killed. Usage: tsx pg-lock-child.ts DB_URL NAME
 */
import { postgresLock } from '../../collector/jobs/exclusive.ts';
import { openPostgresStorage } from '../../collector/storage/postgres/index.ts';

const [url, name] = process.argv.slice(2);
const storage = await openPostgresStorage({ url, maxConnections: 2 });
await postgresLock(storage.pool).run(name, async () => {
  process.stdout.write('held\n');
  await new Promise(() => setInterval(() => {}, 1000));
});
