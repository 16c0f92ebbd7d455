import * as z from 'zod';

const Rate = z.number().min(0).max(1).default(1);
const Name = z.string().min(1).max(256);

/**
 * What can be broken on purpose, modelled on AWS Fault Injection Service's Lambda actions
 * (`aws:lambda:invocation-error`, `aws:lambda:invocation-add-delay`) and on the chaos APIs of
 * local AWS emulators: a function that fails, is slow or times out; a table that throttles; a queue
 * that delivers twice or redelivers what was handled. `rate` is the share of matching calls hit.
 */
export const FaultSpec = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('function-error'),
    function: Name,
    /** The Lambda `errorType` the caller sees, e.g. `TransientError` or `Lambda.ServiceException`. */
    errorType: z
      .string()
      .regex(/^[A-Za-z][\w.]{0,127}$/)
      .default('InjectedFault'),
    errorMessage: z.string().max(1024).default('Fault injected by the local runtime'),
    rate: Rate,
  }),
  z.strictObject({
    kind: z.literal('function-latency'),
    function: Name,
    latencyMs: z.number().int().min(1).max(900_000),
    rate: Rate,
  }),
  z.strictObject({
    kind: z.literal('function-timeout'),
    function: Name,
    rate: Rate,
  }),
  z.strictObject({
    kind: z.literal('table-throttle'),
    table: Name,
    rate: Rate,
  }),
  z.strictObject({
    kind: z.literal('queue-duplicate'),
    queue: Name,
    rate: Rate,
  }),
  z.strictObject({
    kind: z.literal('queue-redeliver'),
    queue: Name,
    rate: Rate,
  }),
]);
export type FaultSpec = z.infer<typeof FaultSpec>;
export type FaultSpecInput = z.input<typeof FaultSpec>;
export type FaultKind = FaultSpec['kind'];

/** An active fault: its spec, when it was added, and how often it struck. */
export type Fault = FaultSpec & {
  readonly id: string;
  readonly createdAt: string;
  /** Matching calls seen, and how many of them the fault hit. */
  readonly checks: number;
  readonly hits: number;
};

/** What a function's invocation is to suffer, when a fault strikes it. */
export type FunctionFault =
  | {
      readonly kind: 'error';
      readonly errorType: string;
      readonly errorMessage: string;
      readonly faultId: string;
    }
  | { readonly kind: 'timeout'; readonly faultId: string };

export interface FunctionFaults {
  /** Milliseconds to wait before the invocation starts (0 when no latency fault strikes). */
  readonly latencyMs: number;
  readonly outcome?: FunctionFault;
}

/** What the parts of the local runtime ask before doing their work. */
export interface FaultInjector {
  forFunction(functionName: string): FunctionFaults;
  throttlesTable(tableName: string): boolean;
  duplicatesDelivery(queueName: string): boolean;
  redeliversHandled(queueName: string): boolean;
}

/** No faults: what each part uses when the stack gives it none. */
export const NO_FAULTS: FaultInjector = {
  forFunction: () => ({ latencyMs: 0 }),
  throttlesTable: () => false,
  duplicatesDelivery: () => false,
  redeliversHandled: () => false,
};
