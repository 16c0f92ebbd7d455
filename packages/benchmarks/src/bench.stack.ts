import { type LocalStack, startDynamoDbLocal, startLocalStack } from '@shop/local-cloud';
import { functionNameOf, ShopClient } from '@shop/local-cloud/testing';
import { type AwsTap, startAwsTap } from './aws-call.tap.ts';
import type { BenchContext } from './bench.context.ts';
import { sleep } from './bench.util.ts';

/** One invocation seen by the Lambda host. */
export interface InvocationRecord {
  readonly functionName: string;
  readonly startedAt: number;
  readonly ms: number;
  readonly ok: boolean;
  /** Records of an SQS or stream batch. */
  readonly records: number;
  /** CPU milliseconds of the function's environment thread, when it answered. */
  readonly cpuMs?: number;
}

/** The running local stack, instrumented for the benchmark. */
export interface BenchStack {
  readonly stack: LocalStack;
  readonly client: ShopClient;
  /** The process id of the stack's DynamoDB Local (its JVM), to read its CPU time. */
  readonly dynamoDbPid: number | undefined;
  /** Every invocation so far, in completion order. */
  readonly invocations: readonly InvocationRecord[];
  /** How many invocations there were when the tap was installed (later ones start cold again). */
  tappedFrom(): number | undefined;
  inFlight(): number;
  /** Routes every function's AWS calls through a tap, so each call is attributed to its function. */
  installTap(): Promise<AwsTap>;
  /** Waits until no invocation has run for `quietMs` (async consumers done), at most `maxMs`. */
  settle(quietMs?: number, maxMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const recordsOf = (payload: unknown): number => {
  if (typeof payload !== 'object' || payload === null) return 0;
  const records = (payload as { Records?: unknown }).Records;
  return Array.isArray(records) ? records.length : 0;
};

/** Starts the shop on free ports, seeded, with a record of every Lambda invocation and its duration. */
export const startBenchStack = async (ctx: BenchContext): Promise<BenchStack> => {
  const lines: string[] = [];
  // Started here rather than by the stack so that its JVM's CPU time can be read: the stack owns and stops it.
  const dynamoDb = startDynamoDbLocal();
  const stack = await startLocalStack({
    dynamoDb,
    root: ctx.root,
    port: 0,
    edgePort: 0,
    // The functions' logs would drown the results; the last ones are kept for errors.
    log: (line) => {
      lines.push(line);
      if (lines.length > 200) lines.shift();
    },
  });
  const invocations: InvocationRecord[] = [];
  let running = 0;
  let lastActivity = performance.now();
  // Every caller (gateway, saga, pollers) holds this same host object, so wrapping its method sees them all.
  const invoke = stack.host.invoke.bind(stack.host);
  stack.host.invoke = async (name, payload, options) => {
    const startedAt = performance.now();
    running += 1;
    try {
      const result = await invoke(name, payload, options);
      invocations.push({
        // `catalog-outbox-relay:live`, as event sources and saga tasks invoke the alias, is catalog-outbox-relay.
        functionName: functionNameOf(name),
        startedAt,
        ms: performance.now() - startedAt,
        ok: result.ok,
        records: recordsOf(payload),
        ...(result.cpuMs !== undefined ? { cpuMs: result.cpuMs } : {}),
      });
      return result;
    } finally {
      running -= 1;
      lastActivity = performance.now();
    }
  };
  let tap: AwsTap | undefined;
  let tappedFrom: number | undefined;
  return {
    tappedFrom: () => tappedFrom,
    stack,
    dynamoDbPid: (await dynamoDb).pid,
    client: new ShopClient(stack.gatewayUrl, {
      mintToken: async (sub, roles) => (await stack.devIssuer.mint({ sub, roles: [...roles] })).token,
    }),
    invocations,
    inFlight: () => running,
    async installTap() {
      if (tap) return tap;
      tappedFrom = invocations.length;
      tap = await startAwsTap({ upstream: stack.edgeUrl, consumedCapacity: true });
      for (const fn of stack.host.functions()) {
        stack.host.register(
          {
            ...fn.spec,
            environment: { ...fn.spec.environment, AWS_ENDPOINT_URL: tap.endpointFor(fn.spec.name) },
          },
          fn.bundlePath,
        );
      }
      return tap;
    },
    async settle(quietMs = 400, maxMs = 10_000) {
      const deadline = performance.now() + maxMs;
      while (performance.now() < deadline) {
        if (running === 0 && performance.now() - lastActivity >= quietMs) return;
        await sleep(50);
      }
    },
    async stop() {
      await stack.stop();
      await tap?.close();
    },
  };
};
