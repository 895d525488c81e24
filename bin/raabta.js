#!/usr/bin/env node
// `npx raabta` / global install: register tsx so the TypeScript sources run as they are, then start the CLI.
import { register } from 'tsx/esm/api';

register();
process.env.RAABTA_BIN = '1';
await import('./cli.ts');
