import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LocalStack, startLocalStack } from '@shop/local-cloud';
import { ShopClient } from '@shop/local-cloud/testing';
import { afterAll, beforeAll, beforeEach, onTestFailed } from 'vitest';
import { ShopFixtures } from './shop-fixtures.ts';

/** The repository root: the stack discovers the services in `<root>/services`. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A running local shop whose log lines are kept, so a failing journey can show what the system did. */
export interface ShopStack {
  readonly stack: LocalStack;
  readonly gatewayUrl: string;
  /** Every line logged so far (gateway, Lambda functions, stack). */
  readonly logLines: readonly string[];
  /**
   * What went wrong in the saga executions started since `sinceMs`: each execution that did not
   * succeed, or whose tasks failed and were retried, with the failing events' error and cause. The
   * stack logs what functions log, not what the state machine saw, so a failing journey prints this.
   */
  sagaTroubles(sinceMs: number): string[];
  stop(): Promise<void>;
}

/**
 * Starts the whole local shop as `npm start` does, on free ports, with the saga's waits and retry
 * intervals scaled down so retried steps (the flaky card) take milliseconds instead of seconds.
 */
export const startShopStack = async (): Promise<ShopStack> => {
  const logLines: string[] = [];
  const stack = await startLocalStack({
    root: REPO_ROOT,
    port: 0,
    edgePort: 0,
    log: (line) => logLines.push(line),
    waitTimeScale: 0.01,
  });
  return {
    stack,
    gatewayUrl: stack.gatewayUrl,
    logLines,
    sagaTroubles: (sinceMs) => sagaTroublesOf(stack, sinceMs),
    stop: () => stack.stop(),
  };
};

const sagaTroublesOf = (stack: LocalStack, sinceMs: number): string[] => {
  const sfn = stack.stepFunctions;
  const lines: string[] = [];
  for (const machine of sfn.listStateMachines({ maxResults: 100 }).stateMachines) {
    const executions = sfn
      .listExecutions({ stateMachineArn: machine.stateMachineArn, maxResults: 1000 })
      .executions.filter((execution) => execution.startDate >= sinceMs);
    for (const execution of executions) {
      const failures = sfn
        .getExecutionHistory({ executionArn: execution.executionArn, maxResults: 1000 })
        .events.filter((event) => /Failed|TimedOut|Aborted/.test(event.type));
      if (execution.status === 'SUCCEEDED' && failures.length === 0) continue;
      lines.push(
        `${machine.name}/${execution.name}: ${execution.status} ${execution.error ?? ''} ${execution.cause ?? ''}`,
      );
      for (const event of failures)
        lines.push(`  #${event.id} ${event.type} ${JSON.stringify(event.details ?? {})}`);
    }
  }
  return lines;
};

/** What a journey file works with: the running shop, a client of its gateway and the fixtures over it. */
export interface ShopJourney {
  readonly shop: ShopStack;
  readonly api: ShopClient;
  readonly fx: ShopFixtures;
}

export interface ShopJourneyOptions {
  /** Runs before each journey, before anything is logged for it (e.g. clearing the faults). */
  readonly beforeEachJourney?: (journey: ShopJourney) => void;
  /** How many of a failed journey's last log lines to print (default: all of them). */
  readonly logTail?: number;
}

/**
 * The set-up of every journey file against the whole shop: starts it once for the file (hooks of the
 * file's suite), hands it to `ready`, stops it afterwards, and prints, when a journey fails, what the
 * stack logged during it and which saga executions failed or retried.
 *
 * @example
 * let fx: ShopFixtures;
 * useShopStack((journey) => {
 *   fx = journey.fx;
 * });
 */
export const useShopStack = (
  ready: (journey: ShopJourney) => void,
  options: ShopJourneyOptions = {},
): void => {
  let journey: ShopJourney | undefined;
  beforeAll(async () => {
    const shop = await startShopStack();
    const api = new ShopClient(shop.gatewayUrl);
    journey = { shop, api, fx: new ShopFixtures(api) };
    ready(journey);
  }, 90_000);
  afterAll(async () => {
    await journey?.shop.stop();
  });
  beforeEach(() => {
    if (!journey) return;
    const { shop } = journey;
    options.beforeEachJourney?.(journey);
    const from = shop.logLines.length;
    const startedAt = Date.now();
    onTestFailed(() => {
      const lines = shop.logLines.slice(from);
      const shown = options.logTail === undefined ? lines : lines.slice(-options.logTail);
      const troubles = shop.sagaTroubles(startedAt);
      process.stderr.write(
        [
          `\n--- local stack log during the failed journey (${shown.length} of ${lines.length} lines) ---`,
          ...shown,
          `--- saga executions that failed or retried (${troubles.length} lines) ---`,
          ...troubles,
          '--- end ---\n',
        ].join('\n'),
      );
    });
  });
};
