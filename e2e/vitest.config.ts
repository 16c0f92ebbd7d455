import { mergeConfig } from 'vitest/config';
import { shopVitestConfig } from '../vitest.shared.ts';

// One file at a time: every local stack of this repository bundles into `<root>/.shop/build`, and a
// second stack starting there (`npm start` in npm-start.test.ts) would replace the bundles the
// journeys' stack is still loading new execution environments from.
export default mergeConfig(shopVitestConfig(import.meta.dirname, ['**/*.test.ts']), {
  test: { fileParallelism: false },
});
