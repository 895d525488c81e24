/**
 * Writes the published JSON Schema files (draft 2020-12) from the TypeBox source in schemas/src.
 * `--check` fails when a committed file is out of date, so the source and the published files never drift.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Measurement } from '../schemas/src/measurement.ts';

const outputs: Record<string, unknown> = {
  'measurement.schema.json': Measurement,
};

const dir = fileURLToPath(new URL('../schemas/', import.meta.url));
const check = process.argv.includes('--check');
let stale = 0;
for (const [file, schema] of Object.entries(outputs)) {
  const text = `${JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...(schema as object) }, null, 2)}\n`;
  const path = dir + file;
  if (check) {
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {}
    if (current !== text) {
      console.error(`schemas/${file} is out of date: run npm run schemas`);
      stale++;
    }
  } else {
    writeFileSync(path, text);
    console.log(`wrote schemas/${file}`);
  }
}
process.exit(stale ? 1 : 0);
