import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { LAMBDA_BUNDLING } from '@shop/platform/service';
import { type BuildOptions, build, version as esbuildVersion, type Metafile } from 'esbuild';
import { bundleCacheKey, createBundleCache } from './bundle.cache.ts';
import type { FunctionSpec } from './lambda.types.ts';

/** What {@link bundleFunctions} wrote. */
export interface BundleResult {
  readonly outDir: string;
  /** Function name -> absolute path of its bundle (`<outDir>/<name>.mjs`), ready for `LambdaHost.register`. */
  readonly bundles: Readonly<Record<string, string>>;
  /** esbuild's metafile (`<outDir>/meta.json`), for bundle-size analysis. */
  readonly metafilePath: string;
  readonly warnings: readonly string[];
  readonly durationMs: number;
  /** True when the bundles were copied from {@link BundleOptions.cacheDir} rather than built. */
  readonly fromCache: boolean;
}

/** The shared bundling settings, spelled as esbuild options (the CDK side spells them as NodejsFunction props). */
export const lambdaBuildOptions = (): BuildOptions => ({
  bundle: true,
  format: LAMBDA_BUNDLING.format,
  platform: LAMBDA_BUNDLING.platform,
  target: LAMBDA_BUNDLING.target,
  minify: LAMBDA_BUNDLING.minify,
  keepNames: LAMBDA_BUNDLING.keepNames,
  sourcemap: LAMBDA_BUNDLING.sourcemap,
  mainFields: [...LAMBDA_BUNDLING.mainFields],
  banner: { js: LAMBDA_BUNDLING.banner },
  outExtension: { '.js': LAMBDA_BUNDLING.outExtension },
  alias: { ...LAMBDA_BUNDLING.alias },
});

export interface BundleOptions {
  /**
   * Put code that several functions share in chunks built once (`<outDir>/chunks/`). Each function
   * still gets exactly its code, minified the same way; only the packaging differs from the one file
   * per function deployed to AWS. With 27 functions this takes the build from ~5 s to ~1.6 s on two
   * cores, which is what keeps `npm start` under its budget.
   */
  readonly splitting?: boolean;
  /**
   * Keep each build in this folder and copy it from there on the next call with the same functions
   * and settings, as long as none of its inputs has changed (see `bundle.cache.ts` for what is
   * checked); anything changed, missing or damaged builds again. No cache when absent.
   */
  readonly cacheDir?: string;
}

const METAFILE = 'meta.json';

/**
 * Bundles every function as it is deployed (one minified ESM file each, or with shared chunks when
 * `splitting` is on), in a single esbuild run so shared dependencies are parsed once.
 *
 * @example
 * const { bundles } = await bundleFunctions(specs, '.shop/lambda');
 * for (const spec of specs) host.register(spec, bundles[spec.name]);
 */
export const bundleFunctions = async (
  specs: readonly FunctionSpec[],
  outDir: string,
  options: BundleOptions = {},
): Promise<BundleResult> => {
  const startedAt = performance.now();
  const absoluteOutDir = resolve(outDir);
  const entryPoints: Record<string, string> = {};
  for (const spec of specs) {
    if (spec.name in entryPoints) throw new Error(`Two functions are named "${spec.name}"`);
    entryPoints[spec.name] = spec.entry;
  }
  const buildOptions: BuildOptions = {
    ...lambdaBuildOptions(),
    ...(options.splitting ? { splitting: true, chunkNames: 'chunks/[name]-[hash]' } : {}),
    entryPoints,
    outdir: absoluteOutDir,
    metafile: true,
    write: true,
    logLevel: 'silent',
  };
  const cache = options.cacheDir ? createBundleCache(resolve(options.cacheDir)) : undefined;
  const key = bundleCacheKey({
    esbuild: esbuildVersion,
    cwd: process.cwd(),
    ...buildOptions,
    // Only the folder's parent: each stack's own folder differs, and source maps are relative to it.
    outdir: dirname(absoluteOutDir),
  });
  const metafilePath = join(absoluteOutDir, METAFILE);
  let metafile: Metafile | undefined = cache?.restore(key, absoluteOutDir, METAFILE);
  const fromCache = metafile !== undefined;
  const warnings: string[] = [];
  if (!metafile) {
    const buildStartedAt = Date.now();
    // Chunks of an earlier build would otherwise pile up.
    await rm(absoluteOutDir, { recursive: true, force: true });
    const result = await build(buildOptions);
    // With no entry points esbuild writes nothing, not even the folder.
    await mkdir(absoluteOutDir, { recursive: true });
    warnings.push(
      ...result.warnings.map((w) =>
        w.location ? `${w.location.file}:${w.location.line}: ${w.text}` : w.text,
      ),
    );
    if (!result.metafile) throw new Error('esbuild answered no metafile');
    metafile = result.metafile;
    const notCached = cache?.store(key, absoluteOutDir, metafile, METAFILE, buildStartedAt);
    if (notCached) warnings.push(notCached);
  }
  await writeFile(metafilePath, JSON.stringify(metafile));
  const bundles: Record<string, string> = {};
  for (const name of Object.keys(entryPoints)) {
    bundles[name] = join(absoluteOutDir, `${name}${LAMBDA_BUNDLING.outExtension}`);
  }
  return {
    outDir: absoluteOutDir,
    bundles,
    metafilePath,
    warnings,
    durationMs: performance.now() - startedAt,
    fromCache,
  };
};
