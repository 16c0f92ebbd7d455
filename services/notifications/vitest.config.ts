import { shopVitestConfig } from '../../vitest.shared.ts';

export default shopVitestConfig(import.meta.dirname);
