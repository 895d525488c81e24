/**
 * `npm start`: the collector and the dashboard on http://localhost:8080, with the embedded SQLite database
 * at data/raabta.db; the simulated demo dataset is loaded on first start (empty database) unless --no-demo.
 * Options after `--`: `npm start -- --port 8081 --db /tmp/second.db --no-demo` (any `raabta collector start`
 * option works).
 */
import { fileURLToPath } from 'node:url';
import { START_OPTIONS, startFromArgs, USAGE } from '../collector/cli.ts';
import { parseArgs, UsageError } from '../collector/cli-args.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const withDefaults = (name: string, value: string) =>
  argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`)) ? [] : [`--${name}`, value];

const args = [
  ...withDefaults('db', `${root}data/raabta.db`),
  ...withDefaults('port', '8080'),
  ...withDefaults('host', '127.0.0.1'),
  ...argv,
];

try {
  const parsed = parseArgs(args, START_OPTIONS);
  const running = await startFromArgs(parsed, {
    demo: true,
    dashboardDir: `${root}dashboard/dist`,
    datasetsDir: `${root}data/datasets`,
  });
  const shown = running.url.replace('127.0.0.1', 'localhost');
  process.stdout.write(`Raabta: dashboard and API on ${shown}  (API docs: ${shown}/api/docs)\n`);
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`npm start: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  throw err;
}
