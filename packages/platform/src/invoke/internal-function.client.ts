import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CORRELATION_ID_MEMBER, type InternalFunctionContract } from '@shop/contracts/internal';
import type * as z from 'zod';
import { currentInvocation } from '../invocation/invocation-scope.ts';
import { traceClient } from '../tracing/tracer.ts';
import {
  type CallPolicy,
  type CallPolicyOptions,
  createCallPolicy,
  InternalContractError,
  InternalFunctionError,
} from './call-policy.ts';

export interface InternalFunctionClientOptions<TInput extends z.ZodType, TOutput extends z.ZodType> {
  readonly contract: InternalFunctionContract<TInput, TOutput>;
  /** The deployed function's name (from the environment: `<SERVICE>_<FUNCTION>_FUNCTION_NAME`). */
  readonly functionName: string;
  /**
   * Defaults to a client configured by the environment, with the SDK's own retries off: the
   * policy owns them. A client passed in should be built with `maxAttempts: 1` too.
   */
  readonly lambda?: LambdaClient;
  /** Either the options of a policy of its own, or a policy to share. */
  readonly policy?: CallPolicyOptions | CallPolicy;
}

export interface InternalFunctionClient<TInput extends z.ZodType, TOutput extends z.ZodType> {
  /**
   * Invokes the function with the input (parsed by its contract) and the current correlation id,
   * and parses the answer by the contract.
   *
   * @throws InternalFunctionError, InternalContractError, cockatiel's TaskCancelledError and
   *   BrokenCircuitError, or the SDK's error: callers map them to their own "unavailable" error.
   */
  call(input: z.input<TInput>): Promise<z.infer<TOutput>>;
  /** The circuit's state, for logs and tests: `closed`, `open`, `halfOpen` or `isolated`. */
  readonly circuitState: CallPolicy['breaker']['state'];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const isPolicy = (value: CallPolicyOptions | CallPolicy | undefined): value is CallPolicy =>
  value !== undefined && 'execute' in value;

/**
 * A client of another service's internal function (Lambda Invoke), built from its zod contract, with
 * the platform's one call policy (see `createCallPolicy`).
 *
 * @example
 * const lookupSkus = createInternalFunctionClient({ contract: LookupSkus, functionName: env.CATALOG_LOOKUP_SKUS_FUNCTION_NAME });
 * const { items, missing } = await lookupSkus.call({ skus });
 */
export const createInternalFunctionClient = <TInput extends z.ZodType, TOutput extends z.ZodType>(
  options: InternalFunctionClientOptions<TInput, TOutput>,
): InternalFunctionClient<TInput, TOutput> => {
  const { contract, functionName } = options;
  const lambda = options.lambda ?? traceClient(new LambdaClient({ maxAttempts: 1 }));
  const policy = isPolicy(options.policy) ? options.policy : createCallPolicy(options.policy);

  const invoke = async (payload: Uint8Array, signal: AbortSignal): Promise<z.infer<TOutput>> => {
    const result = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: payload }), {
      abortSignal: signal,
    });
    const text = result.Payload ? decoder.decode(result.Payload) : '';
    if (result.FunctionError) {
      let errorType = result.FunctionError;
      let detail: string | undefined;
      try {
        const body = JSON.parse(text) as { errorType?: unknown; errorMessage?: unknown };
        if (typeof body.errorType === 'string') errorType = body.errorType;
        if (typeof body.errorMessage === 'string') detail = body.errorMessage.slice(0, 300);
      } catch {
        // Lambda's own error payloads are JSON; anything else keeps the FunctionError name.
      }
      throw new InternalFunctionError(contract.ref, errorType, detail);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new InternalContractError(contract.ref, 'not JSON');
    }
    const parsed = contract.output.safeParse(json);
    if (!parsed.success) throw new InternalContractError(contract.ref, parsed.error.message);
    return parsed.data;
  };

  return {
    get circuitState() {
      return policy.breaker.state;
    },
    call: async (input) => {
      const correlationId = currentInvocation()?.correlationId;
      const body = {
        ...(contract.input.parse(input) as Record<string, unknown>),
        ...(correlationId ? { [CORRELATION_ID_MEMBER]: correlationId } : {}),
      };
      const payload = encoder.encode(JSON.stringify(body));
      return policy.execute((signal) => invoke(payload, signal));
    },
  };
};
