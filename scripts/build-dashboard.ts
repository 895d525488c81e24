/**
 * Builds the dashboard SPA into dashboard/dist: app.js (esbuild bundle, ESM, minified), app.css, index.html.
 * Also copies the published schema to dist/schemas/measurement.schema.json (served at that path).
 * No inline script or style anywhere (the collector serves it with CSP default-src 'self').
 * Prints the bundle sizes (raw and gzip) and writes them to dashboard/dist/build-info.json.
 */
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'dashboard', 'src');
const dist = path.join(root, 'dashboard', 'dist');

export async function buildDashboard(
  opts: { quiet?: boolean } = {},
): Promise<Record<string, { bytes: number; gzip: number }>> {
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  const common = {
    bundle: true,
    minify: true,
    sourcemap: 'linked' as const,
    legalComments: 'none' as const,
    logLevel: 'warning' as const,
  };
  await build({
    ...common,
    entryPoints: [path.join(src, 'main.ts')],
    outfile: path.join(dist, 'app.js'),
    format: 'esm',
    target: ['es2020', 'chrome90', 'safari15', 'firefox90'],
  });
  await build({
    ...common,
    entryPoints: [path.join(src, 'styles', 'app.css')],
    outfile: path.join(dist, 'app.css'),
  });
  for (const f of ['index.html', 'favicon.svg']) await copyFile(path.join(src, f), path.join(dist, f));
  // The published measurement schema, so `/schemas/measurement.schema.json` resolves wherever dist is served.
  await mkdir(path.join(dist, 'schemas'), { recursive: true });
  await copyFile(
    path.join(root, 'schemas', 'measurement.schema.json'),
    path.join(dist, 'schemas', 'measurement.schema.json'),
  );
  const html = await readFile(path.join(dist, 'index.html'), 'utf8');
  if (/<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|<style/i.test(html))
    throw new Error('index.html has inline script or style (CSP)');
  const sizes: Record<string, { bytes: number; gzip: number }> = {};
  for (const f of ['app.js', 'app.css', 'index.html']) {
    const buf = await readFile(path.join(dist, f));
    sizes[f] = { bytes: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
  }
  await writeFile(path.join(dist, 'build-info.json'), `${JSON.stringify({ sizes }, null, 2)}\n`);
  if (!opts.quiet) {
    for (const [f, s] of Object.entries(sizes))
      console.log(`dashboard/dist/${f}: ${s.bytes} B (${s.gzip} B gzip)`);
  }
  return sizes;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await buildDashboard();
}
