/**
 * What `npm pack` ships is enough to run Raabta: the package's file list (package.json `files`) is copied
 * to a temporary directory, the package's own `prepack` builds the probe bundle and the dashboard there, and
 * the installed CLI then runs the probe from the bundle and starts a collector that serves the dashboard.
 * Also a static check that every relative import and data file of a shipped source is shipped too.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILT = /^(dist|dashboard\/dist)\//;

async function packList(dir: string): Promise<string[]> {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: dir,
    maxBuffer: 64 << 20,
  });
  const [pack] = JSON.parse(stdout) as { files: { path: string }[] }[];
  return pack.files.map((f) => f.path).sort();
}

/** Relative specifiers of a source file: static and dynamic imports, and `new URL('…', import.meta.url)`. */
function relativeRefs(text: string): string[] {
  const out: string[] = [];
  const patterns = [
    /\bfrom\s+'(\.{1,2}\/[^']+)'/g,
    /\bimport\(\s*'(\.{1,2}\/[^']+)'\s*\)/g,
    /new URL\(\s*'(\.{1,2}\/[^']+)',\s*import\.meta\.url\)/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) if (!m[1].includes('<')) out.push(m[1]); // not a placeholder in a comment
  return out;
}

const list = packList(ROOT);

test('the package ships the sources, data files and CLI, and no tests, lab, benchmarks or local data', async (t) => {
  const files = await list;
  for (const f of ['bin/raabta.js', 'bin/cli.ts', 'package.json', 'README.md', 'tsconfig.json']) {
    t.true(files.includes(f), `${f} is shipped`);
  }
  t.true(files.includes('schemas/measurement.schema.json'), 'the published JSON Schema');
  t.true(files.includes('collector/data/networks.json'), 'the network names');
  t.true(
    files.some((f) => /^probe\/suites\/.+\.json$/.test(f)),
    'the target lists',
  );
  const unwanted = files.filter((f) => /^(test|\.ci|bench|data|node_modules|scripts\/(lab|bench))\//.test(f));
  t.deepEqual(unwanted, []);
});

test('every relative import and data file of a shipped source is shipped too', async (t) => {
  const files = await list;
  const shipped = new Set(files);
  const missing: string[] = [];
  for (const f of files.filter((f) => /\.(ts|js|mjs)$/.test(f) && !BUILT.test(f))) {
    for (const ref of relativeRefs(readFileSync(join(ROOT, f), 'utf8'))) {
      const target = normalize(join(dirname(f), ref));
      const found = ref.endsWith('/') ? files.some((g) => g.startsWith(target)) : shipped.has(target);
      if (!found) missing.push(`${f} → ${ref}`);
    }
  }
  t.deepEqual(missing, []);
});

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.stderr?.on('data', (d: Buffer) => {
      err += d;
    });
    child.once('exit', (code) => reject(new Error(`collector exited (${code}) before listening: ${err}`)));
  });
}

test('the packed files, built by their own prepack, run the probe from the bundle and a collector with the dashboard', async (t) => {
  t.timeout(180_000);
  const tmp = mkdtempSync(join(tmpdir(), 'raabta-pack-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  const pkg = join(tmp, 'package');
  for (const f of (await list).filter((f) => !BUILT.test(f))) cpSync(join(ROOT, f), join(pkg, f));
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  const env = {
    ...process.env,
    HOME: tmp,
    XDG_CONFIG_HOME: join(tmp, 'config'),
    XDG_DATA_HOME: join(tmp, 'data'),
  };

  await run('npm', ['run', 'prepack'], { cwd: pkg, env, maxBuffer: 16 << 20 });
  const packed = await packList(pkg);
  t.true(packed.includes('dist/raabta-probe.mjs'), 'prepack builds the probe bundle, and it is packed');
  t.true(packed.includes('dashboard/dist/index.html'), 'prepack builds the dashboard, and it is packed');

  const help = await run(process.execPath, [join(pkg, 'bin', 'raabta.js'), 'probe', '--help'], {
    cwd: tmp,
    env,
  });
  t.regex(help.stdout, /Usage: raabta probe/);
  t.notRegex(help.stderr, /running the sources/, 'the probe runs from the bundle');

  const collector = spawn(
    process.execPath,
    [
      join(pkg, 'bin', 'raabta.js'),
      'collector',
      'start',
      '--db',
      join(tmp, 'c.db'),
      '--port',
      '0',
      '--no-demo',
    ],
    { cwd: tmp, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.teardown(() => {
    collector.kill('SIGKILL');
  });
  const url = await waitForUrl(collector);
  t.is((await fetch(`${url}/healthz`)).status, 200);
  const events = await fetch(`${url}/api/v1/events`);
  t.is(events.status, 200);
  const page = await fetch(`${url}/`);
  t.is(page.status, 200);
  t.regex(await page.text(), /<script[^>]+app\.js/, 'the dashboard built in the package is served');
  t.true(existsSync(join(pkg, 'dashboard', 'dist', 'app.js')));
});
