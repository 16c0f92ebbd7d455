import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from '../process/child-process.ts';

export interface Cleanup {
  add(step: () => Promise<void> | void): void;
  run(): Promise<void>;
}

/** Runs a set of cleanups in reverse order, each whatever happens to the others. */
export const createCleanup = (): Cleanup => {
  const steps: (() => Promise<void> | void)[] = [];
  return {
    add: (step) => {
      steps.push(step);
    },
    run: async () => {
      for (const step of steps.reverse()) {
        try {
          await step();
        } catch (error) {
          console.error('[local-cloud] cleanup failed', error);
        }
      }
      steps.length = 0;
    },
  };
};

/** Build folders of stacks whose process is gone (a crash or SIGKILL skips the cleanup). */
export const removeOrphanBuilds = async (buildsDir: string): Promise<void> => {
  const entries = await readdir(buildsDir).catch(() => []);
  await Promise.all(
    entries
      .filter((name) => {
        const pid = Number(name.split('-')[0]);
        return Number.isInteger(pid) && pid > 0 && !isProcessAlive(pid);
      })
      .map((name) => rm(join(buildsDir, name), { recursive: true, force: true })),
  );
};
