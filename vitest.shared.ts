import { basename } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The vitest configuration of every workspace. With SHOP_TEST_REPORT_DIR set (CI), each workspace also
 * writes a JSON report there so CI can add up the results of all of them.
 */
export const shopVitestConfig = (
  workspaceDir: string,
  include = ['src/**/*.test.ts', 'test/**/*.test.ts'],
) => {
  const reportDir = process.env.SHOP_TEST_REPORT_DIR;
  return defineConfig({
    test: {
      include,
      exclude: ['**/node_modules/**', '**/dist/**'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      reporters: reportDir
        ? ['default', ['json', { outputFile: `${reportDir}/${basename(workspaceDir)}.json` }]]
        : ['default'],
    },
  });
};
