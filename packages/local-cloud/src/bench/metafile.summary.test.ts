import { describe, expect, it } from 'vitest';
import { type BundleMetafile, describeTopPackages, packageOf, summarizeBundle } from './metafile.summary.ts';

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
  });

  it('describes the top packages in kilobytes', () => {
    const summary = {
      bytes: 0,
      awsSdkBytes: 0,
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
