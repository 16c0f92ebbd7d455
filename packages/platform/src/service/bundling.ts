/**
 * How every Lambda function is bundled, in AWS (CDK `NodejsFunction`) and locally alike:
 * one minified ESM file per function, with a `require` shim for CommonJS dependencies.
 */
export const LAMBDA_RUNTIME = 'nodejs24.x';
export const LAMBDA_ARCHITECTURE = 'arm64';

export const LAMBDA_BUNDLING = {
  format: 'esm',
  platform: 'node',
  target: 'node24',
  minify: true,
  /** Error class names survive minification: logs and problem codes name `OrderNotFoundError`, not `ky`. */
  keepNames: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  /** ESM bundles of CommonJS packages need `require`. */
  banner:
    "import { createRequire as __shopCreateRequire } from 'node:module';const require = __shopCreateRequire(import.meta.url);",
  outExtension: '.mjs',
} as const;
