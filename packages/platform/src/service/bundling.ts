import { join } from 'node:path';

/**
 * How every Lambda function is bundled, in AWS (CDK `NodejsFunction`) and locally alike:
 * one minified ESM file per function, with a `require` shim for CommonJS dependencies.
 */
export const LAMBDA_RUNTIME = 'nodejs24.x';
export const LAMBDA_ARCHITECTURE = 'arm64';

/** The stand-in for `node:http` in every bundle (see {@link LAMBDA_BUNDLING}'s `alias`). */
const NODE_HTTP_BUILTIN = join(import.meta.dirname, 'node-http.builtin.cjs');
/** The stand-in for the SDK's default credential chain in every bundle (see `env-credentials.provider.ts`). */
const ENV_CREDENTIALS_PROVIDER = join(import.meta.dirname, 'env-credentials.provider.ts');

export const LAMBDA_BUNDLING = {
  format: 'esm',
  platform: 'node',
  target: 'node24',
  minify: true,
  /** Error class names survive minification: logs and problem codes name `OrderNotFoundError`, not `ky`. */
  keepNames: true,
  /**
   * The map ships beside the bundle (`index.mjs.map`) but is not read at run time by default (see
   * {@link LAMBDA_RUNTIME_ENVIRONMENT}): a logged position is resolved offline, or the function is
   * given {@link SOURCE_MAPS_NODE_OPTIONS} while someone debugs it.
   */
  sourcemap: true,
  mainFields: ['module', 'main'],
  /** ESM bundles of CommonJS packages need `require`. */
  banner:
    "import { createRequire as __shopCreateRequire } from 'node:module';const require = __shopCreateRequire(import.meta.url);",
  outExtension: '.mjs',
  /**
   * `node:http` is taken with `process.getBuiltinModule` instead of an ESM `import` (the AWS SDK's
   * IMDS credential provider and the Powertools tracer import it statically). For an ESM import Node
   * builds a module facade, reading every export of `node:http`, and its lazy getters (`WebSocket`,
   * `MessageEvent`, ...) load Node's fetch implementation: measured at about 20 ms of every cold start,
   * for a module a deployed function calls only on the local stack's http endpoints. Lambda's own
   * runtime takes `node:http` with `require`, so nothing else builds that facade. `http` without the
   * prefix goes the same way, for the packages that import it so.
   */
  alias: {
    'node:http': NODE_HTTP_BUILTIN,
    http: NODE_HTTP_BUILTIN,
    // The credential chain of every SDK client is the environment only: see the provider's comment.
    '@aws-sdk/credential-provider-node': ENV_CREDENTIALS_PROVIDER,
  },
} as const;

/** Turns on Node's source-map support: stack traces in TypeScript positions, at a cold-start cost. */
export const SOURCE_MAPS_NODE_OPTIONS = '--enable-source-maps';

/**
 * Variables the platform sets on every deployed function, before the function's own (the CDK app and
 * the benchmark both use this, so the benchmark times what is deployed).
 *
 * No `NODE_OPTIONS=--enable-source-maps`: with it, Node parses the bundle's source map while importing
 * the bundle, on every cold start, whether or not an error is ever logged; measured at 7–20 ms per
 * cold start here, growing with the bundle. Minified bundles keep their class and function names
 * (`keepNames`), so a stack trace still names `OrderNotFoundError` and `reserveStock`.
 */
export const LAMBDA_RUNTIME_ENVIRONMENT: Readonly<Record<string, string>> = {};
