import { describe, expect, it } from 'vitest';
import {
  type BundleMetafile,
  describeTopPackages,
  hasZodLocales,
  importsZodObject,
  packageOf,
  summarizeBundle,
  unneededModulesOf,
} from './metafile.summary.ts';

describe('packageOf', () => {
  it('names npm packages, scoped or not, by the innermost node_modules', () => {
    expect(packageOf('node_modules/zod/v4/classic/schemas.js')).toBe('zod');
    expect(packageOf('../../node_modules/@aws-sdk/client-dynamodb/dist-es/index.js')).toBe(
      '@aws-sdk/client-dynamodb',
    );
    expect(packageOf('node_modules/@smithy/core/node_modules/uuid/dist/index.js')).toBe('uuid');
  });

  it('names the repository workspaces as @shop packages', () => {
    expect(packageOf('services/catalog/src/handlers/http.ts')).toBe('@shop/catalog');
    expect(packageOf('../../packages/platform/src/http/app.ts')).toBe('@shop/platform');
    expect(packageOf('<runtime>')).toBe('(other)');
  });
});

describe('summarizeBundle', () => {
  const metafile: BundleMetafile = {
    outputs: {
      '.shop/bench/catalog-http.mjs': {
        bytes: 1000,
        inputs: {
          'node_modules/zod/a.js': { bytesInOutput: 300 },
          'node_modules/zod/b.js': { bytesInOutput: 200 },
          'node_modules/@aws-sdk/client-dynamodb/index.js': { bytesInOutput: 150 },
          'node_modules/@smithy/core/index.js': { bytesInOutput: 100 },
          'services/catalog/src/handlers/http.ts': { bytesInOutput: 50 },
          'node_modules/unused/index.js': { bytesInOutput: 0 },
        },
      },
      '.shop/bench/catalog-http.mjs.map': { bytes: 5000, inputs: {} },
    },
  };

  it('adds up the bytes of each package, largest first, and the AWS SDK family', () => {
    const summary = summarizeBundle(metafile, '/repo/.shop/bench/catalog-http.mjs', '/repo');
    expect(summary.bytes).toBe(1000);
    expect(summary.packages).toEqual([
      { name: 'zod', bytes: 500 },
      { name: '@aws-sdk/client-dynamodb', bytes: 150 },
      { name: '@smithy/core', bytes: 100 },
      { name: '@shop/catalog', bytes: 50 },
    ]);
    expect(summary.awsSdkBytes).toBe(250);
    expect(summary.inputs).toContain('/repo/services/catalog/src/handlers/http.ts');
    expect(summary.inputs).not.toContain('/repo/node_modules/unused/index.js');
  });

  it('describes the top packages in kilobytes', () => {
    const summary = {
      bytes: 0,
      awsSdkBytes: 0,
      inputs: [],
      packages: [
        { name: 'zod', bytes: 460_000 },
        { name: 'hono', bytes: 40_960 },
        { name: 'jose', bytes: 1_000 },
      ],
    };
    expect(describeTopPackages(summary, 2)).toBe('zod 449 KB, hono 40 KB');
  });

  it('refuses an output the metafile does not describe', () => {
    expect(() => summarizeBundle(metafile, '/repo/.shop/bench/other.mjs', '/repo')).toThrow(/no output/);
  });
});

describe('zod import forms', () => {
  it('tells the `z` object import, which keeps every zod export, from namespace and type-only imports', () => {
    expect(importsZodObject("import { z } from 'zod';")).toBe(true);
    expect(importsZodObject('import { OpenAPIRegistry } from "x";\nimport { z } from "zod";')).toBe(true);
    expect(importsZodObject("import { type ZodError, z } from 'zod';")).toBe(true);
    expect(importsZodObject("import * as z from 'zod';")).toBe(false);
    expect(importsZodObject("import type { z } from 'zod';")).toBe(false);
    expect(importsZodObject("import { z } from 'zod/mini';")).toBe(false);
    expect(importsZodObject("import { zx } from 'zod';")).toBe(false);
  });

  it('sees zod locales other than English in a bundle', () => {
    const composition = (inputs: string[]) => ({ bytes: 0, awsSdkBytes: 0, packages: [], inputs });
    expect(hasZodLocales(composition(['/r/node_modules/zod/v4/locales/de.js']))).toBe(true);
    expect(hasZodLocales(composition(['/r/node_modules/zod/v4/locales/en.js']))).toBe(false);
    expect(hasZodLocales(composition(['/r/node_modules/zod/v4/classic/schemas.js']))).toBe(false);
  });
});

describe('unneededModulesOf', () => {
  const composition = (names: string[], inputs: string[] = []) => ({
    bytes: 0,
    awsSdkBytes: 0,
    inputs,
    packages: names.map((name) => ({ name, bytes: 2048 })),
  });

  it('finds the API document generator in any function, and HTTP serving only outside HTTP functions', () => {
    const bundle = composition(['hono', 'jose', '@hono/zod-openapi', 'zod']);
    expect(unneededModulesOf(bundle, true)).toEqual(['@hono/zod-openapi (2 KB)']);
    expect(unneededModulesOf(bundle, false)).toEqual([
      'hono (2 KB)',
      'jose (2 KB)',
      '@hono/zod-openapi (2 KB)',
    ]);
  });

  it('finds zod locales other than English, and nothing in a lean bundle', () => {
    expect(unneededModulesOf(composition(['zod'], ['/r/node_modules/zod/v4/locales/fr.js']), true)).toEqual([
      'zod locales other than English',
    ]);
    expect(
      unneededModulesOf(composition(['zod', 'hono'], ['/r/node_modules/zod/v4/locales/en.js']), true),
    ).toEqual([]);
  });
});
