/**
 * Builds the probe CLI into one JavaScript file, dist/raabta-probe.mjs (esbuild, ESM, platform node20), so
 * volunteers' machines run it without tsx compiling TypeScript at start-up. bin/raabta.js runs it when present.
 *
 * - Entry: bin/cli.ts. The collector (`raabta collector`) is not bundled: its lazy import stays external and
 *   bin/raabta.js sends `collector` to the TypeScript sources through tsx.
 * - External: better-sqlite3 (native addon, loaded from node_modules at run time).
 * - Data files: every `new URL('<relative>', import.meta.url)` in the bundled sources is rewritten to
 *   `new URL('./<path from the repository root>', import.meta.url)` and the file (or, for a directory, its
 *   *.json files) copied to the same place under dist/ — e.g. probe/suites/*.json → dist/probe/suites/,
 *   probe/fingerprints/blockpages.json → dist/probe/fingerprints/. Any other use of import.meta.url in the
 *   sources fails the build unless listed in META_URL_OK (so a new data file cannot be silently missed).
 *   dist/probe/suites/load.ts is a marker: probe/daemon/targets.ts picks the validating suite loader (which
 *   is bundled) only when it sees that file next to the suites.
 * - CommonJS dependencies get a real `require` (createRequire) for their require() of Node built-ins.
 *
 * - raabta-probe.inputs.json lists the repository files the bundle was made from: bin/raabta.js runs the
 *   sources through tsx instead when one of them is newer than the bundle (edited, pulled) — never stale code.
 *
 * `npm run build:probe` (`--quiet`: no size line). Prints the bundle size and the copied data files.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PROBE_DIST = path.join(root, 'dist');
export const PROBE_BUNDLE = path.join(PROBE_DIST, 'raabta-probe.mjs');

/** Uses of import.meta.url that are not data-file paths, and are correct in the bundle as they are. */
const META_URL_OK: Record<string, RegExp> = {
  // `raabta` run directly (`node dist/raabta-probe.mjs …`): the bundle's own URL equals argv[1]'s
  'bin/cli.ts': /import\.meta\.url === new URL\(`file:\/\/\$\{process\.argv\[1\]\}`\)\.href/g,
};

const NEW_URL = /new URL\(\s*(['"])([^'"`]+)\1\s*,\s*import\.meta\.url\s*\)/g;

/** Rewrites data-file URLs (see above) and records what to copy: absolute source path → path under dist. */
function dataFiles(assets: Map<string, string>): Plugin {
  return {
    name: 'raabta-data-files',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const rel = path.relative(root, args.path).split(path.sep).join('/');
        let src = readFileSync(args.path, 'utf8');
        src = src.replace(NEW_URL, (_m, _q: string, spec: string) => {
          const abs = fileURLToPath(new URL(spec, `file://${args.path}`));
          if (!existsSync(abs))
            throw new Error(`${rel}: new URL('${spec}', import.meta.url): ${abs} does not exist`);
          const under = path.relative(root, abs).split(path.sep).join('/');
          if (under.startsWith('..')) throw new Error(`${rel}: ${spec} points outside the repository`);
          assets.set(abs, under);
          const dir = statSync(abs).isDirectory();
          return `new URL(${JSON.stringify(`./${under}${dir && under ? '/' : ''}`)}, import.meta.url)`;
        });
        const rest = src.replace(META_URL_OK[rel] ?? /$^/g, '');
        const left = rest
          .split('\n')
          .filter((l) => l.includes('import.meta.url') && !l.includes('new URL("./'));
        if (left.length) {
          throw new Error(
            `${rel}: import.meta.url used in a way the probe bundle cannot relocate:\n  ${left.join('\n  ')}\n` +
              'use new URL(<relative path literal>, import.meta.url) or list it in META_URL_OK',
          );
        }
        return { contents: src, loader: 'ts' };
      });
    },
  };
}

/** The collector is not part of the probe bundle: its lazy import stays a (failing-soft) external import. */
const collectorExternal: Plugin = {
  name: 'raabta-collector-external',
  setup(b) {
    b.onResolve({ filter: /collector\/cli\.ts$/ }, (args) => ({ path: args.path, external: true }));
  },
};

function copyAssets(assets: Map<string, string>, outDir: string): string[] {
  const copied: string[] = [];
  const copy = (from: string, under: string) => {
    const to = path.join(outDir, under);
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(from, to);
    copied.push(under);
  };
  for (const [abs, under] of assets) {
    if (statSync(abs).isDirectory()) {
      // A data directory (e.g. the suites): its JSON files, not the TypeScript next to them.
      mkdirSync(path.join(outDir, under), { recursive: true });
      for (const f of readdirSync(abs)
        .filter((n) => n.endsWith('.json'))
        .sort())
        copy(path.join(abs, f), `${under}/${f}`);
    } else copy(abs, under);
  }
  return copied;
}

/**
 * Builds into `outDir` (default dist/, emptied first): raabta-probe.mjs and its data files. The bundle finds
 * its data relative to itself, so the directory can be moved anywhere a `node_modules` with better-sqlite3 is
 * reachable from (the tests build into a temporary directory).
 */
export async function buildProbe(
  opts: { quiet?: boolean; outDir?: string; entry?: string; outName?: string } = {},
): Promise<{ bundle: string; bytes: number; data: string[] }> {
  const outDir = opts.outDir ?? PROBE_DIST;
  const bundle = path.join(outDir, opts.outName ?? 'raabta-probe.mjs');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const assets = new Map<string, string>();
  const result = await build({
    metafile: true,
    entryPoints: [opts.entry ?? path.join(root, 'bin', 'cli.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: ['better-sqlite3'],
    plugins: [collectorExternal, dataFiles(assets)],
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    banner: {
      js: [
        `// Raabta probe bundle: generated by scripts/build-probe.ts from ${path.relative(root, opts.entry ?? path.join(root, 'bin', 'cli.ts'))}. Do not edit.`,
        "import { createRequire as __raabtaCreateRequire } from 'node:module';",
        'const require = __raabtaCreateRequire(import.meta.url);',
      ].join('\n'),
    },
  });
  const data = copyAssets(assets, outDir);
  // What the bundle was built from (repository files, relative to the root), so bin/raabta.js can tell a
  // bundle older than the sources and run the sources instead of stale code.
  const inputs = [
    ...Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules/')),
    ...[...assets].flatMap(([abs, under]) =>
      statSync(abs).isDirectory()
        ? readdirSync(abs)
            .filter((n) => n.endsWith('.json'))
            .map((n) => `${under}/${n}`)
        : [under],
    ),
  ]
    .map((f) => path.relative(root, path.resolve(root, f)).split(path.sep).join('/'))
    .sort();
  writeFileSync(`${bundle.replace(/\.mjs$/, '')}.inputs.json`, `${JSON.stringify(inputs, null, 1)}\n`);
  // probe/daemon/targets.ts uses the validating suite loader (bundled) only where it sees
  // `<suites dir>/load.ts`; without this marker the bundle would fall back to its minimal JSON reader.
  const suitesDir = path.join(outDir, 'probe', 'suites');
  if (existsSync(suitesDir))
    writeFileSync(
      path.join(suitesDir, 'load.ts'),
      '// Marker: the suite loader (probe/suites/load.ts) is bundled into dist/raabta-probe.mjs.\nexport {};\n',
    );
  const bytes = statSync(bundle).size;
  if (!opts.quiet) {
    const shown = path.relative(root, outDir) || '.';
    console.log(`${shown}/${path.basename(bundle)}: ${bytes} B`);
    for (const d of data) console.log(`${shown}/${d}`);
  }
  return { bundle, bytes, data };
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  await buildProbe({ quiet: process.argv.includes('--quiet') });
}
