import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleFunctions } from './lambda.bundler.ts';
import type { FunctionSpec } from './lambda.types.ts';

let root: string;
let builds = 0;

/** Writes a file dated a minute ago, as a source saved well before a start is. */
const write = async (path: string, text: string): Promise<void> => {
  const file = join(root, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
  const past = new Date(Date.now() - 60_000);
  await utimes(file, past, past);
};

const spec = (name: string, entry: string): FunctionSpec => ({
  name,
  entry: join(root, entry),
  handler: 'handler',
  memoryMb: 128,
  timeoutSeconds: 3,
  environment: {},
});

/** Each call builds into a folder of its own, as each stack does, with one cache for all. */
const bundle = (specs: readonly FunctionSpec[] = [spec('greet', 'src/greet.handler.ts')]) => {
  builds += 1;
  return bundleFunctions(specs, join(root, '.shop', 'build', `stack-${builds}`), {
    splitting: true,
    cacheDir: join(root, '.shop', 'bundle-cache'),
  });
};

const answerOf = async (bundlePath: string): Promise<unknown> => {
  const module = (await import(`${pathToFileURL(bundlePath).href}?v=${builds}`)) as {
    handler: () => Promise<unknown>;
  };
  return module.handler();
};

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'bundle-cache-'));
  await write('package.json', '{ "name": "cache-fixture", "type": "module" }\n');
  await write('src/greeting.ts', "export const greeting = 'hello';\n");
  await write(
    'src/greet.handler.ts',
    "import { greeting } from './greeting';\nimport { suffix } from 'suffix';\nexport const handler = async () => greeting + suffix;\n",
  );
  await write('node_modules/suffix/package.json', '{ "name": "suffix", "main": "one.js" }\n');
  await write('node_modules/suffix/one.js', "export const suffix = '!';\n");
  await write('node_modules/suffix/two.js', "export const suffix = '?';\n");
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('bundleFunctions with a cache folder', () => {
  it('copies an unchanged build from the cache: same files, a working bundle, its own metafile and source map', async () => {
    const first = await bundle();
    expect(first.fromCache).toBe(false);
    expect(first.warnings).toEqual([]);
    const second = await bundle();
    expect(second.fromCache).toBe(true);
    expect(second.outDir).not.toBe(first.outDir);

    const filesOf = async (dir: string) =>
      (await readdir(dir, { recursive: true })).filter((f) => f !== 'meta.json' && f !== 'chunks').sort();
    const files = await filesOf(first.outDir);
    expect(await filesOf(second.outDir)).toEqual(files);
    for (const file of files) {
      expect(await readFile(join(second.outDir, file), 'utf8')).toBe(
        await readFile(join(first.outDir, file), 'utf8'),
      );
    }
    expect(await answerOf(second.bundles.greet ?? '')).toBe('hello!');

    // The metafile names this build's folder, as esbuild would have.
    const metafile = JSON.parse(await readFile(second.metafilePath, 'utf8')) as Metafile;
    const outputs = Object.keys(metafile.outputs).map((path) => resolve(path));
    expect(outputs).toContain(second.bundles.greet);
    expect(outputs.every((path) => path.startsWith(second.outDir))).toBe(true);

    // The source map still points at the sources.
    const map = JSON.parse(await readFile(`${second.bundles.greet}.map`, 'utf8')) as { sources: string[] };
    const sources = map.sources.map((source) => resolve(second.outDir, source));
    expect(sources).toContain(join(root, 'src', 'greeting.ts'));
    expect(sources.every((source) => existsSync(source))).toBe(true);
  });

  it('builds again after a source file changes, and caches the new build', async () => {
    await bundle();
    await write('src/greeting.ts', "export const greeting = 'goodbye';\n");
    const changed = await bundle();
    expect(changed.fromCache).toBe(false);
    expect(await answerOf(changed.bundles.greet ?? '')).toBe('goodbye!');
    const again = await bundle();
    expect(again.fromCache).toBe(true);
    expect(await answerOf(again.bundles.greet ?? '')).toBe('goodbye!');
  });

  it('builds again when a new file changes what an import resolves to', async () => {
    await bundle();
    // `./greeting` resolves to greeting.tsx before greeting.ts.
    await write('src/greeting.tsx', "export const greeting = 'hi';\n");
    const shadowed = await bundle();
    expect(shadowed.fromCache).toBe(false);
    expect(await answerOf(shadowed.bundles.greet ?? '')).toBe('hi!');
  });

  it("builds again when a dependency's package.json points elsewhere", async () => {
    await bundle();
    await write('node_modules/suffix/package.json', '{ "name": "suffix", "main": "two.js" }\n');
    const repointed = await bundle();
    expect(repointed.fromCache).toBe(false);
    expect(await answerOf(repointed.bundles.greet ?? '')).toBe('hello?');
  });

  it('builds again when a source file is gone', async () => {
    await bundle();
    await rm(join(root, 'src', 'greeting.ts'));
    await expect(bundle()).rejects.toThrow(/greeting/);
  });

  it('builds again for another set of functions, keeping each set apart', async () => {
    await write('src/other.handler.ts', 'export const handler = async () => 42;\n');
    const both = [spec('greet', 'src/greet.handler.ts'), spec('other', 'src/other.handler.ts')];
    expect((await bundle()).fromCache).toBe(false);
    const withOther = await bundle(both);
    expect(withOther.fromCache).toBe(false);
    expect(await answerOf(withOther.bundles.other ?? '')).toBe(42);
    expect((await bundle()).fromCache).toBe(true);
    expect((await bundle(both)).fromCache).toBe(true);
  });

  it('builds again when a cached file is damaged or missing', async () => {
    const first = await bundle();
    const cached = join(root, '.shop', 'bundle-cache');
    const [entry] = await readdir(cached);
    const bundleInCache = join(
      cached,
      entry ?? '',
      'files',
      relative(first.outDir, first.bundles.greet ?? ''),
    );
    await writeFile(bundleInCache, 'export const handler = async () => "tampered";\n');
    const repaired = await bundle();
    expect(repaired.fromCache).toBe(false);
    expect(await answerOf(repaired.bundles.greet ?? '')).toBe('hello!');

    // The rebuild was cached again; a file missing from it is no more usable than a damaged one.
    expect((await bundle()).fromCache).toBe(true);
    await rm(`${bundleInCache}.map`);
    expect((await bundle()).fromCache).toBe(false);
  });

  it('does not cache a build whose sources were saved just before it', async () => {
    await writeFile(join(root, 'src', 'greeting.ts'), "export const greeting = 'fresh';\n");
    const fresh = await bundle();
    expect(fresh.fromCache).toBe(false);
    expect(fresh.warnings).toEqual(['a source file changed while it was bundled']);
    expect(await answerOf(fresh.bundles.greet ?? '')).toBe('fresh!');
    expect((await bundle()).fromCache).toBe(false);
  });
});
