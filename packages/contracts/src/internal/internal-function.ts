import * as z from 'zod';

/**
 * A function one service offers another through Lambda Invoke (never public): its reference in the
 * caller's `invokes`, and the request and response schemas both sides parse with.
 *
 * @example
 * export const LookupSkus = defineInternalFunction({ ref: 'catalog.lookupSkus', input: LookupSkusInput, output: LookupSkusOutput });
 */
export interface InternalFunctionContract<TInput extends z.ZodType, TOutput extends z.ZodType> {
  /** `<service>.<function>`, as listed in the caller's definition (`invokes`). */
  readonly ref: string;
  readonly input: TInput;
  readonly output: TOutput;
}

export const defineInternalFunction = <TInput extends z.ZodType, TOutput extends z.ZodType>(
  contract: InternalFunctionContract<TInput, TOutput>,
): InternalFunctionContract<TInput, TOutput> => contract;

/**
 * The payload member that carries the caller's correlation id across an invoke. Contracts are
 * `z.object`s, which drop members they do not declare, so the callee's schema never sees it.
 */
export const CORRELATION_ID_MEMBER = 'correlationId';

/**
 * A correlation id as it travels in payloads, saga inputs, envelopes and message attributes: what
 * gateway request ids and common trace ids are made of, at most 128 characters.
 */
export const CorrelationId = z
  .string()
  .regex(/^[A-Za-z0-9._:@=-]{1,128}$/, 'letters, digits and . _ : @ = - only, at most 128');
export type CorrelationId = z.infer<typeof CorrelationId>;
