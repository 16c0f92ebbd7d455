import type { InternalFunctionContract } from '@shop/contracts/internal';
import { TASK_INPUT_INVALID } from '@shop/contracts/saga';
import type * as z from 'zod';
import { correlationIdOf, type InvocationContext, runInInvocation } from '../invocation/invocation-scope.ts';
import { getLogger } from '../observability/logger.ts';
import { SagaTaskError, type TaskErrorNames, taskErrorOf } from './saga-task.ts';

export interface InvokedFunctionOptions<TInput extends z.ZodType, TOutput extends z.ZodType> {
  /** The contract the callers' client is built from. */
  readonly contract: InternalFunctionContract<TInput, TOutput>;
  /** Domain errors and the error names (`errorType`) callers see; anything else is `TransientError`. */
  readonly errors: TaskErrorNames;
  readonly run: (input: z.infer<TInput>) => Promise<z.input<TOutput>>;
}

/**
 * A function other services invoke directly (Lambda Invoke, never a saga): parses the payload with the
 * contract (`TaskInputInvalid` otherwise), runs in an invocation scope carrying the caller's
 * correlation id, maps domain errors to the contract's names and anything else to `TransientError`
 * (retried by the caller's policy), and logs one INFO line per invocation.
 *
 * @example
 * export const handler = defineInvokedFunction({ contract: LookupSkus, errors: [], run: (input) => lookupSkus(deps, input) });
 */
export const defineInvokedFunction =
  <TInput extends z.ZodType, TOutput extends z.ZodType>(options: InvokedFunctionOptions<TInput, TOutput>) =>
  async (event: unknown, context?: InvocationContext): Promise<z.input<TOutput>> => {
    const started = performance.now();
    const correlationId = correlationIdOf(event);
    const remaining = context?.getRemainingTimeInMillis;
    const scope = {
      ...(remaining ? { remainingTimeMs: () => remaining.call(context) } : {}),
      ...(correlationId ? { correlationId } : {}),
    };
    const line = (outcome: 'succeeded' | 'failed', errorName?: string) => ({
      function: options.contract.ref,
      outcome,
      ...(errorName ? { errorName } : {}),
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      ...(correlationId ? { correlationId } : {}),
    });
    try {
      const output = await runInInvocation(scope, async () => {
        const parsed = options.contract.input.safeParse(event);
        if (!parsed.success) {
          throw new SagaTaskError(
            TASK_INPUT_INVALID,
            `${options.contract.ref}: invalid input: ${parsed.error.message}`,
          );
        }
        return options.run(parsed.data);
      });
      getLogger().info('invocation', line('succeeded'));
      return output;
    } catch (error) {
      const failure = taskErrorOf(error, options.errors);
      getLogger().info('invocation', line('failed', failure.name));
      throw failure;
    }
  };
