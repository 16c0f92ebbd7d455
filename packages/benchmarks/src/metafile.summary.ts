import { resolve } from 'node:path';

/** The part of esbuild's metafile this summary reads. */
export interface BundleMetafile {
  readonly outputs: Readonly<
    Record<
      string,
      {
        readonly bytes: number;
        readonly inputs: Readonly<Record<string, { readonly bytesInOutput: number }>>;
      }
    >
  >;
}

export interface PackageBytes {
  readonly name: string;
  readonly bytes: number;
}

/** What one output file is made of. */
export interface BundleComposition {
  /** Size of the bundle file. */
  readonly bytes: number;
  /** Bytes each package contributes, largest first (minified, as written to the bundle). */
  readonly packages: readonly PackageBytes[];
  /** The AWS SDK v3 spreads over dozens of packages; this is all of them together. */
  readonly awsSdkBytes: number;
  /** Absolute paths of the source files with code in the bundle. */
  readonly inputs: readonly string[];
}

const WORKSPACE = /(?:^|\/)(packages|services)\/([^/]+)\//;

/**
 * The package an esbuild input belongs to: the npm package for anything under `node_modules` (the last
 * one, so nested copies count as themselves), `@shop/<name>` for the repository's own workspaces.
 */
export const packageOf = (inputPath: string): string => {
  const path = inputPath.replaceAll('\\', '/');
  const marker = path.lastIndexOf('node_modules/');
  if (marker >= 0) {
    const [scopeOrName = '', name = ''] = path.slice(marker + 'node_modules/'.length).split('/');
    return scopeOrName.startsWith('@') ? `${scopeOrName}/${name}` : scopeOrName;
  }
  const workspace = WORKSPACE.exec(path);
  if (workspace) return `@shop/${workspace[2]}`;
  return '(other)';
};

export const isAwsSdkPackage = (name: string): boolean => /^@(aws-sdk|smithy|aws-crypto|aws)\//.test(name);

/** Breaks the output file `outputPath` (absolute, or as esbuild keys it) down by package. */
export const summarizeBundle = (
  metafile: BundleMetafile,
  outputPath: string,
  workingDir: string = process.cwd(),
): BundleComposition => {
  const wanted = resolve(workingDir, outputPath);
  const entry = Object.entries(metafile.outputs).find(([key]) => resolve(workingDir, key) === wanted);
  if (!entry) throw new Error(`the metafile has no output ${outputPath}`);
  const [, output] = entry;
  const byPackage = new Map<string, number>();
  const inputs: string[] = [];
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(input);
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    if (bytesInOutput > 0) inputs.push(resolve(workingDir, input));
  }
  const packages = [...byPackage]
    .map(([name, bytes]) => ({ name, bytes }))
    .filter((p) => p.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
  return {
    bytes: output.bytes,
    packages,
    awsSdkBytes: packages.filter((p) => isAwsSdkPackage(p.name)).reduce((sum, p) => sum + p.bytes, 0),
    inputs,
  };
};

/** `zod 452 KB, @aws-sdk/client-dynamodb 120 KB, hono 40 KB` */
export const describeTopPackages = (composition: BundleComposition, count = 3): string =>
  composition.packages
    .slice(0, count)
    .map((p) => `${p.name} ${formatKb(p.bytes)}`)
    .join(', ');

export const formatKb = (bytes: number): string => `${Math.round(bytes / 1024)} KB`;

/** zod's translated error messages: in a bundle only when something imports zod's `z` object. */
export const hasZodLocales = (composition: BundleComposition): boolean =>
  composition.inputs.some((input) => /\/zod\/v4\/locales\/(?!en\.js$|index\.js$)[^/]+\.js$/.test(input));

/** `import { z } from 'zod'` (a value import of the `z` object), not a namespace or type-only import. */
export const importsZodObject = (source: string): boolean =>
  /^\s*import\s*\{[^}]*(?<![\w$])z(?![\w$])[^}]*\}\s*from\s*["']zod["']/m.test(source);

/** What only the API document needs (`@shop/platform/http/openapi`); no function should bundle them. */
export const DOCUMENT_ONLY_PACKAGES: ReadonlySet<string> = new Set([
  '@hono/zod-openapi',
  '@asteasolutions/zod-to-openapi',
  'openapi3-ts',
  'yaml',
  '@scalar/hono-api-reference',
]);

/** Packages only an HTTP function needs; a task, consumer or relay that bundles them imports dead code. */
export const HTTP_ONLY_PACKAGES: ReadonlySet<string> = new Set([
  'hono',
  '@hono/zod-validator',
  'jose',
  '@shop/auth',
  ...DOCUMENT_ONLY_PACKAGES,
]);

/**
 * What a function's bundle carries that the function never runs: for every function, the API
 * document's generator and zod's translated messages; for a function without an HTTP trigger, HTTP
 * serving too (Hono, request validation, token verification). One line per finding, empty when lean.
 */
export const unneededModulesOf = (composition: BundleComposition, servesHttp: boolean): string[] => {
  const forbidden = servesHttp ? DOCUMENT_ONLY_PACKAGES : HTTP_ONLY_PACKAGES;
  const found = composition.packages
    .filter((p) => forbidden.has(p.name))
    .map((p) => `${p.name} (${formatKb(p.bytes)})`);
  if (hasZodLocales(composition)) found.push('zod locales other than English');
  return found;
};
