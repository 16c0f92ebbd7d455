import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFunctions } from '@shop/local-cloud';
import { loadServiceDefinitions, type ResolvedFunction } from '@shop/platform/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BundleComposition,
  type BundleMetafile,
  summarizeBundle,
  unneededModulesOf,
} from './metafile.summary.ts';

const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');

const servesHttp = (fn: ResolvedFunction) => fn.triggers.some((t) => t.type === 'http');

// Every function of every service, bundled as deployed (one esbuild run), then read from the metafile.
describe('the function bundles', () => {
  let outDir = '';
  const bundles: { fn: ResolvedFunction; composition: BundleComposition }[] = [];

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'shop-bundles-'));
    const functions = (await loadServiceDefinitions(REPO_ROOT)).flatMap((service) => service.functions);
    const result = await bundleFunctions(
      functions.map((fn) => ({
        name: fn.name,
        entry: fn.entry,
        handler: 'handler',
        memoryMb: fn.memoryMb,
        timeoutSeconds: 10,
        environment: {},
      })),
      outDir,
    );
    const metafile = JSON.parse(await readFile(result.metafilePath, 'utf8')) as BundleMetafile;
    for (const fn of functions) {
      const bundlePath = result.bundles[fn.name];
      if (bundlePath) bundles.push({ fn, composition: summarizeBundle(metafile, bundlePath) });
    }
  }, 240_000);

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('cover HTTP functions and functions without an HTTP trigger', () => {
    expect(bundles.filter((b) => servesHttp(b.fn)).length).toBeGreaterThan(0);
    expect(bundles.filter((b) => !servesHttp(b.fn)).length).toBeGreaterThan(0);
  });

  it('carry no module their function does not run (document generator, zod locales, HTTP serving in tasks)', () => {
    const findings = Object.fromEntries(
      bundles
        .map((b) => [b.fn.name, unneededModulesOf(b.composition, servesHttp(b.fn))] as const)
        .filter(([, unneeded]) => unneeded.length > 0),
    );
    expect(findings).toEqual({});
  });
});
