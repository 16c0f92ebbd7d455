import type { InternalFunctionContract } from '@shop/contracts/internal';
import type * as z from 'zod';
import { correlationIdOf, type InvocationContext } from '../invocation/invocation-scope.ts';
import { inputInvalid, runLogged, type TaskErrorNames } from './saga-task.ts';

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
  (event: unknown, context?: InvocationContext): Promise<z.input<TOutput>> =>
    runLogged({
      message: 'invocation',
      name: options.contract.ref,
      fields: { function: options.contract.ref },
      context,
      correlationId: correlationIdOf(event),
      errors: options.errors,
      run: () => {
        const parsed = options.contract.input.safeParse(event);
        if (!parsed.success) throw inputInvalid(options.contract.ref, parsed.error);
        return options.run(parsed.data);
      },
    });
