#!/usr/bin/env node
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBench } from './bench.command.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

try {
  await runBench(process.argv.slice(2), root);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
