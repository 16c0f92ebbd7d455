import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundleResult, bundleFunctions } from './lambda.bundler.ts';
import type { FunctionSpec } from './lambda.types.ts';

const fixture = (file: string): string => new URL(`./test-fixtures/${file}`, import.meta.url).pathname;

const spec = (name: string, entry: string): FunctionSpec => ({
  name,
  entry: fixture(entry),
  handler: 'handler',
  memoryMb: 128,
  timeoutSeconds: 3,
  environment: {},
});

describe('bundleFunctions', () => {
  let outDir: string;
  let result: BundleResult;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'lambda-bundle-'));
    result = await bundleFunctions(
      [spec('probe', 'probe.handler.ts'), spec('http', 'http.handler.ts'), spec('sdk', 'sdk.handler.ts')],
      outDir,
    );
  });

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('writes one minified ESM bundle per function, named after it, with the require shim and a source map', async () => {
    expect(result.bundles).toEqual({
      probe: join(outDir, 'probe.mjs'),
      http: join(outDir, 'http.mjs'),
      sdk: join(outDir, 'sdk.mjs'),
    });
    const code = await readFile(join(outDir, 'probe.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire as __shopCreateRequire } from 'node:module';")).toBe(true);
    expect(code).toContain('//# sourceMappingURL=probe.mjs.map');
    // Minified: the fixture's local names are gone.
    expect(code).not.toContain('remainingAtStart =');
    expect((await stat(join(outDir, 'probe.mjs.map'))).size).toBeGreaterThan(0);
  });

  it('bundles npm dependencies into the function and records every input in the metafile', async () => {
    const metafile = JSON.parse(await readFile(result.metafilePath, 'utf8')) as Metafile;
    // Metafile paths are relative to esbuild's working directory.
    const inputsOf = (file: string) =>
      Object.keys(metafile.outputs[relative(process.cwd(), join(outDir, file))]?.inputs ?? {});

    expect(result.metafilePath).toBe(join(outDir, 'meta.json'));
    expect(inputsOf('http.mjs').some((input) => input.includes('node_modules/hono/'))).toBe(true);
    expect(inputsOf('sdk.mjs').some((input) => input.includes('@aws-sdk/client-dynamodb'))).toBe(true);
    expect(inputsOf('probe.mjs').some((input) => input.includes('node_modules'))).toBe(false);
  });

  it('refuses two functions with the same name', async () => {
    await expect(
      bundleFunctions([spec('twin', 'probe.handler.ts'), spec('twin', 'http.handler.ts')], outDir),
    ).rejects.toThrow('Two functions are named "twin"');
  });
});
