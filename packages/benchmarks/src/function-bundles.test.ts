import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { bundleFunctions } from '@shop/local-cloud';
import {
  loadServiceDefinitions,
  type ResolvedFunction,
  type ServiceDefinition,
} from '@shop/platform/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coldStartEnvironment } from './bench-environment.ts';
import {
  type BundleComposition,
  type BundleMetafile,
  summarizeBundle,
  unneededModulesOf,
} from './metafile.summary.ts';

const run = promisify(execFile);

const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');

const servesHttp = (fn: ResolvedFunction) => fn.triggers.some((t) => t.type === 'http');

// Every function of every service, bundled as deployed (one esbuild run), then read from the metafile.
describe('the function bundles', () => {
  let outDir = '';
  let services: ServiceDefinition[] = [];
  const bundles: { fn: ResolvedFunction; composition: BundleComposition; path: string }[] = [];

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'shop-bundles-'));
    services = await loadServiceDefinitions(REPO_ROOT);
    const functions = services.flatMap((service) => service.functions);
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
      if (bundlePath)
        bundles.push({ fn, composition: summarizeBundle(metafile, bundlePath), path: bundlePath });
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

  it('take node:http from Node without an ES module import, static or dynamic', async () => {
    const importsHttpAsModule = /\bfrom\s*["'](?:node:)?http["']|\bimport\(\s*["'](?:node:)?http["']\s*\)/;
    const importing = [];
    for (const b of bundles) {
      if (importsHttpAsModule.test(await readFile(b.path, 'utf8'))) importing.push(b.fn.name);
    }
    expect(importing).toEqual([]);
  });

  it("read credentials from the environment only, without the SDK's default chain and its STS/SSO clients", () => {
    const chain = new Set([
      '@aws-sdk/credential-provider-node',
      '@aws-sdk/credential-provider-ini',
      '@aws-sdk/credential-provider-sso',
      '@aws-sdk/credential-provider-web-identity',
      '@aws-sdk/nested-clients',
      '@smithy/credential-provider-imds',
    ]);
    const carrying = bundles.flatMap((b) =>
      b.composition.packages.filter((p) => chain.has(p.name)).map((p) => `${b.fn.name}: ${p.name}`),
    );
    expect(carrying).toEqual([]);
    const awsSdkClients = bundles.filter((b) => b.composition.awsSdkBytes > 0);
    expect(awsSdkClients.length).toBeGreaterThan(0);
    for (const b of awsSdkClients) {
      expect(
        b.composition.packages.map((p) => p.name),
        b.fn.name,
      ).toContain('@aws-sdk/credential-provider-env');
    }
  });

  it('load no fetch implementation (undici) when a function is imported', async () => {
    // An HTTP function loads it at its first request (the Lambda adapter's `Request`), as the
    // cold-start reference does, not while its module is imported.
    const loadedUndici: string[] = [];
    for (const b of bundles) {
      const service = services.find((s) => s.name === b.fn.service);
      if (!service) throw new Error(`no service ${b.fn.service}`);
      // As Lambda's runtime does: import the handler module, nothing else.
      const { stdout } = await run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          "await import(process.argv[1]); process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => m.includes('undici'))));",
          pathToFileURL(b.path).href,
        ],
        { env: coldStartEnvironment(services, service, b.fn) },
      );
      if ((JSON.parse(stdout) as string[]).length > 0) loadedUndici.push(b.fn.name);
    }
    expect(loadedUndici).toEqual([]);
  }, 120_000);
});
