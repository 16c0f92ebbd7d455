import type { ServiceDefinition } from '@shop/platform/service';

/** What every section of the benchmark gets. */
export interface BenchContext {
  /** Repository root. */
  readonly root: string;
  readonly services: readonly ServiceDefinition[];
  /** Fewer rounds, for a quick look; the figures are noisier. */
  readonly quick: boolean;
  /** Write V8 CPU profiles of the warm runs. */
  readonly profile: boolean;
  /** Scratch space for bundles (inside `.shop/`, which git ignores). */
  readonly workDir: string;
  /** Progress lines (stderr), kept apart from the results on stdout. */
  readonly progress: (line: string) => void;
}
