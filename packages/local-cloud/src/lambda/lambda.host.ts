import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { basename, dirname, extname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { type FaultInjector, type FunctionFaults, NO_FAULTS } from '../faults/fault.types.ts';
import { type ActiveSpan, idsInText, type SpanRecorder } from '../traces/span.recorder.ts';
import { ExecutionEnvironment, type RawInvokeResult } from './execution-environment.ts';
import {
  FunctionNotFoundError,
  InvalidRequestContentError,
  RequestTooLargeError,
  ReservedEnvironmentVariableError,
  TooManyRequestsError,
} from './lambda.errors.ts';
import {
  type FunctionSpec,
  functionArn,
  functionNameOf,
  type InvokeOptions,
  type InvokeResult,
  type LambdaInvoker,
  LIVE_ALIAS,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  parseFunctionReference,
  versionOfQualifier,
} from './lambda.types.ts';

export interface LambdaHostOptions {
  readonly region?: string;
  readonly accountId?: string;
  /** Given to every function under its own environment, e.g. `AWS_ENDPOINT_URL` and credentials. */
  readonly baseEnvironment?: Readonly<Record<string, string>>;
  /**
   * Execution environments per function (unless the function reserves its own concurrency) before
   * invocations wait for one. Default {@link defaultConcurrencyPerFunction}: twice the cores.
   */
  readonly maxConcurrencyPerFunction?: number;
  /**
   * Synchronous invocations that may wait for an environment of a function at the cap; one more is
   * throttled (`TooManyRequestsException`). Default {@link DEFAULT_MAX_QUEUED_PER_FUNCTION}.
   */
  readonly maxQueuedPerFunction?: number;
  /**
   * Environments in their init phase at once, across all functions. A cold start is CPU-bound
   * (importing the bundle): more at once than cores only makes each slower, until init timeouts fire.
   * Default: the cores.
   */
  readonly maxConcurrentInits?: number;
  /** Faults to inject into invocations (`npm run local -- fault ...`). */
  readonly faults?: FaultInjector;
  /** An environment idle this long is shut down; the next invocation cold-starts. Default 10 minutes. */
  readonly idleTimeoutMs?: number;
  /** Receives each line the functions print, prefixed with `[function-name]`. Default: the parent's stdout. */
  readonly log?: (line: string) => void;
  /**
   * Records a span per invocation (cold or warm, errors, throttles), the child of the span its
   * `traceId` header names; the function's `_X_AMZN_TRACE_ID` then names the invocation's span.
   */
  readonly spans?: SpanRecorder;
}

/** A registered function, as the host and the Lambda API describe it. */
export interface RegisteredFunction {
  readonly spec: FunctionSpec;
  readonly bundlePath: string;
  readonly arn: string;
  /** `_HANDLER`: `<bundle file name>.<export>`. */
  readonly handler: string;
  readonly registeredAt: Date;
  /**
   * Its aliases, each pointing at `$LATEST`: the host gives every function the `live` alias the CDK
   * app gives it. Optional so that stand-ins for the host need not list any.
   */
  readonly aliases?: readonly string[];
  /** Live execution environments, and how many of them are running an invocation. */
  readonly environments: number;
  readonly busyEnvironments: number;
  /** Invocations waiting for a free environment. */
  readonly queued: number;
  /** The most environments this function may have at once. */
  readonly concurrencyLimit: number;
  /** Since registration: invocations (cold or warm), cold starts, function errors, throttled calls. */
  readonly invocations: number;
  readonly coldStarts: number;
  readonly errors: number;
  readonly throttles: number;
  /** Over the latest invocations: wall-clock milliseconds from start to answer (queueing excluded). */
  readonly durationP50Ms: number | undefined;
  readonly durationP95Ms: number | undefined;
  /**
   * Over the latest answered invocations: CPU milliseconds of the environment's thread per
   * invocation (what the function itself computed, without its I/O waits). Optional so that
   * stand-ins for the host need not give it.
   */
  readonly cpuP50Ms?: number;
  readonly cpuP95Ms?: number;
}

/** The local Lambda service: runs registered bundles in isolated execution environments. */
export interface LambdaHost extends LambdaInvoker {
  readonly region: string;
  readonly accountId: string;
  /** Adds a function, or replaces its code and configuration (running invocations finish on the old code). */
  register(spec: FunctionSpec, bundlePath: string): void;
  /** The function named by `nameOrArn` (its qualifier, if any, aside), if registered. */
  get(nameOrArn: string): RegisteredFunction | undefined;
  functions(): readonly RegisteredFunction[];
  /**
   * Terminates the function's execution environments, warm and busy: a busy one's invocation ends
   * with `Runtime.ExitError`, and the next invocation cold-starts. Returns how many there were.
   */
  killEnvironments(nameOrArn: string): Promise<number>;
  /** Terminates every execution environment; queued and running invocations end with `Runtime.ExitError`. */
  close(): Promise<void>;
}

/**
 * V8's memory reducer runs up to two compacting garbage collections in an isolate that has gone
 * quiet after allocating, to give memory back. Every execution environment is an isolate of this
 * process that goes quiet between the invocations of its function, so with dozens of them the
 * reducer fires again and again in each, on the same cores as the functions themselves (a Lambda
 * sandbox is frozen between invocations and spends nothing). One such collection per quiet spell
 * gives back about as much: with sequential checkouts on two cores, the process's CPU time per order
 * went from 172-178 ms to 153-157 ms, its resident memory stayed at 1.7-1.8 GB, and the p95 from
 * POST /checkout to CONFIRMED from 196-205 ms to 149-151 ms. The flag is the process's: it also
 * applies to the host's own isolate.
 */
const MEMORY_REDUCER_GCS = 1;
let memoryReducerSet = false;
const limitMemoryReducer = (): void => {
  if (memoryReducerSet) return;
  memoryReducerSet = true;
  setFlagsFromString(`--memory-reducer-gc-count=${MEMORY_REDUCER_GCS}`);
};

/** Twice the cores, at least two: enough to overlap I/O waits without starving the CPU. */
export const defaultConcurrencyPerFunction = (cores = availableParallelism()): number =>
  Math.max(2, 2 * cores);
export const DEFAULT_MAX_CONCURRENCY_PER_FUNCTION = defaultConcurrencyPerFunction();
export const DEFAULT_MAX_QUEUED_PER_FUNCTION = 64;
export const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60_000;
/** Lambda's payload quotas: 6 MB each way for synchronous invocations, 1 MB for asynchronous ones. */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
export const MAX_ASYNC_PAYLOAD_BYTES = 1024 * 1024;

/** Variables Lambda sets itself and refuses in a function's configuration. */
export const RESERVED_ENVIRONMENT_VARIABLES: ReadonlySet<string> = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);

/** Every local function has the alias the CDK app gives it, on its only version. */
const FUNCTION_ALIASES: readonly string[] = [LIVE_ALIAS];

/** Parent variables a function may see: the ones a process needs, nothing that configures AWS. */
const INHERITED_VARIABLES = ['PATH', 'LANG', 'TMPDIR'] as const;

interface QueuedInvocation {
  readonly awsRequestId: string;
  readonly eventJson: string;
  readonly traceId: string;
  readonly invokedFunctionArn: string;
  readonly faults: FunctionFaults;
  readonly captureLog: boolean;
  readonly span: ActiveSpan | undefined;
  readonly resolve: (result: InvokeResult) => void;
}

interface FunctionCounters {
  invocations: number;
  coldStarts: number;
  errors: number;
  throttles: number;
}

/** How many recent durations each function keeps for its percentiles. */
const DURATION_SAMPLES = 512;

/** The latest durations of a function, in a ring: enough for a p50/p95 without keeping history. */
class DurationRing {
  readonly #samples: number[] = [];
  #next = 0;

  add(ms: number): void {
    if (this.#samples.length < DURATION_SAMPLES) this.#samples.push(ms);
    else this.#samples[this.#next] = ms;
    this.#next = (this.#next + 1) % DURATION_SAMPLES;
  }

  percentile(p: number): number | undefined {
    if (this.#samples.length === 0) return undefined;
    const sorted = [...this.#samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  }
}

const percentilesOf = (cpu: DurationRing): { cpuP50Ms?: number; cpuP95Ms?: number } => {
  const p50 = cpu.percentile(50);
  const p95 = cpu.percentile(95);
  return p50 === undefined || p95 === undefined ? {} : { cpuP50Ms: p50, cpuP95Ms: p95 };
};

interface FunctionSlot {
  spec: FunctionSpec;
  bundlePath: string;
  handler: string;
  arn: string;
  registeredAt: Date;
  /** Bumped on re-registration: environments of an older version are not reused. */
  codeVersion: number;
  readonly environments: Map<ExecutionEnvironment, { codeVersion: number; idleTimer?: NodeJS.Timeout }>;
  /** Idle warm environments, most recently used last (reused first, so the others can idle out). */
  readonly idle: ExecutionEnvironment[];
  readonly queue: QueuedInvocation[];
  /**
   * Invocations that started an environment and wait for its init phase, oldest first. A warm
   * environment that frees up meanwhile takes one over: on a busy machine an init phase takes far
   * longer than a warm invocation, and every later step of a saga would otherwise queue behind it.
   */
  readonly awaitingInit: Map<ExecutionEnvironment, QueuedInvocation>;
  readonly counters: FunctionCounters;
  readonly durations: DurationRing;
  readonly cpu: DurationRing;
}

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** An X-Ray trace header for a new trace, shaped as Lambda passes it in `_X_AMZN_TRACE_ID`. */
const newTraceId = (): string => {
  const epoch = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return `Root=1-${epoch}-${hex(12)};Parent=${hex(8)};Sampled=0`;
};

/** `2026/11/26/[$LATEST]<32 hex>`, Lambda's stream name for one execution environment. */
const newLogStreamName = (): string => {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${hex(16)}`;
};

/** The service a function belongs to: its Powertools service name, else the first part of its name. */
const serviceOf = (spec: FunctionSpec): string =>
  spec.environment.POWERTOOLS_SERVICE_NAME ?? spec.name.split('-')[0] ?? spec.name;

const endInvocationSpan = (span: ActiveSpan, result: InvokeResult): void => {
  if (result.ok) {
    span.end();
    return;
  }
  if (result.timedOut) span.set({ timedOut: true });
  span.end({ status: 'error', error: result.error.errorType });
};

const exitResult = (errorMessage: string): InvokeResult => ({
  ok: false,
  error: { errorType: 'Runtime.ExitError', errorMessage },
  timedOut: false,
});

/**
 * Creates the local Lambda service. Each function runs in worker-thread execution environments
 * with Lambda's environment variables and `Context`, created on demand and reused warm.
 *
 * @example
 * const host = createLambdaHost({ baseEnvironment: { AWS_ENDPOINT_URL: edge.url } });
 * host.register(spec, bundles[spec.name]);
 * const result = await host.invoke('catalog-http', event);
 */
export const createLambdaHost = (options: LambdaHostOptions = {}): LambdaHost => {
  const region = options.region ?? LOCAL_REGION;
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const maxConcurrency = options.maxConcurrencyPerFunction ?? DEFAULT_MAX_CONCURRENCY_PER_FUNCTION;
  const maxQueued = options.maxQueuedPerFunction ?? DEFAULT_MAX_QUEUED_PER_FUNCTION;
  const maxInits = options.maxConcurrentInits ?? availableParallelism();
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const faults = options.faults ?? NO_FAULTS;
  const writeLine = options.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
  for (const [name, value] of Object.entries({ maxConcurrency, maxInits })) {
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${name} must be a positive integer, got ${value}`);
  }
  if (!Number.isInteger(maxQueued) || maxQueued < 0) {
    throw new Error(`maxQueuedPerFunction must be a non-negative integer, got ${maxQueued}`);
  }
  limitMemoryReducer();
  const slots = new Map<string, FunctionSlot>();
  const spans = options.spans;
  /** The span of the invocation an environment is running: what it prints may name the order. */
  const runningSpans = new WeakMap<ExecutionEnvironment, ActiveSpan>();
  let closed = false;
  /** Environments between worker start and the end of their init phase, across all functions. */
  let initializing = 0;

  const limitOf = (slot: FunctionSlot): number => slot.spec.reservedConcurrency ?? maxConcurrency;

  const inherited: Record<string, string> = {};
  for (const name of INHERITED_VARIABLES) {
    const value = process.env[name];
    if (value !== undefined) inherited[name] = value;
  }

  const environmentOf = (slot: FunctionSlot, logStreamName: string): Record<string, string> => ({
    LANG: 'en_US.UTF-8',
    ...inherited,
    TZ: ':UTC',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: slot.spec.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(slot.spec.memoryMb),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${slot.spec.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
    LAMBDA_TASK_ROOT: dirname(slot.bundlePath),
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    _HANDLER: slot.handler,
    // Lambda hands every function its role's credentials; locally any non-empty value will do.
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: 'local',
    ...options.baseEnvironment,
    ...slot.spec.environment,
  });

  /** The function and the ARN it is invoked by (qualified when the caller qualified it), as Lambda resolves them. */
  const lookup = (nameOrArn: string): { slot: FunctionSlot; invokedFunctionArn: string } => {
    const reference = parseFunctionReference(nameOrArn);
    const name = reference?.name ?? nameOrArn;
    const qualifier = reference?.qualifier;
    const arn = functionArn(name, region, accountId);
    const invokedFunctionArn = qualifier ? `${arn}:${qualifier}` : arn;
    const slot = slots.get(name);
    if (!slot || versionOfQualifier(qualifier, FUNCTION_ALIASES) === undefined) {
      throw new FunctionNotFoundError(invokedFunctionArn);
    }
    return { slot, invokedFunctionArn };
  };

  const retire = (slot: FunctionSlot, environment: ExecutionEnvironment): void => {
    const state = slot.environments.get(environment);
    if (state?.idleTimer) clearTimeout(state.idleTimer);
    slot.environments.delete(environment);
    const idleIndex = slot.idle.indexOf(environment);
    if (idleIndex >= 0) slot.idle.splice(idleIndex, 1);
    void environment.terminate();
  };

  /**
   * Starts an environment for `job`, which runs on it once its init phase is over, unless a warm
   * environment has taken the job over by then.
   */
  const spawn = (slot: FunctionSlot, job: QueuedInvocation): void => {
    const logStreamName = newLogStreamName();
    const prefix = `[${slot.spec.name}] `;
    const environment = new ExecutionEnvironment({
      workerData: {
        bundlePath: slot.bundlePath,
        handlerName: slot.spec.handler,
        handlerLabel: slot.handler,
        functionName: slot.spec.name,
        memoryLimitInMB: String(slot.spec.memoryMb),
        logGroupName: `/aws/lambda/${slot.spec.name}`,
        logStreamName,
      },
      env: environmentOf(slot, logStreamName),
      memoryMb: slot.spec.memoryMb,
      log: (line) => {
        writeLine(prefix + line);
        const span = runningSpans.get(environment);
        if (span && (!span.record.orderId || !span.record.correlationId)) span.tag(idsInText(line));
      },
      onExit: (exited) => {
        if (!slot.environments.has(exited)) return;
        retire(slot, exited);
        dispatch(slot);
      },
    });
    slot.environments.set(environment, { codeVersion: slot.codeVersion });
    slot.awaitingInit.set(environment, job);
    slot.counters.coldStarts += 1;
    initializing += 1;
    void environment.initEnded.then(() => {
      initializing -= 1;
      const waiting = slot.awaitingInit.get(environment);
      slot.awaitingInit.delete(environment);
      const next = waiting ?? (environment.initialized ? slot.queue.shift() : undefined);
      if (next) void run(slot, environment, next, true);
      // Its invocation went to a warm environment and none is queued: it waits warm for the next one.
      else if (environment.initialized) release(slot, environment);
      else retire(slot, environment);
      dispatchWaiting();
    });
  };

  /** A function with invocations waiting and no environment at all, not even one in its init phase. */
  const blocked = (slot: FunctionSlot): boolean =>
    slot.queue.length > 0 && slot.environments.size === 0 && limitOf(slot) > 0;

  /**
   * A freed init slot goes first to the functions that have no environment at all: a function that
   * already has one serves its queue there meanwhile, while a blocked one holds up every caller
   * (a saga's next step, a shopper's request) until its first environment is up.
   */
  const dispatchWaiting = (): void => {
    const waiting = [...slots.values()].filter((slot) => slot.queue.length > 0);
    for (const slot of waiting) if (blocked(slot)) dispatch(slot);
    for (const slot of waiting) if (!blocked(slot)) dispatch(slot);
  };

  const release = (slot: FunctionSlot, environment: ExecutionEnvironment): void => {
    const state = slot.environments.get(environment);
    if (!state) return;
    if (closed || !environment.alive || state.codeVersion !== slot.codeVersion) {
      retire(slot, environment);
      return;
    }
    slot.idle.push(environment);
    if (Number.isFinite(idleTimeoutMs) && idleTimeoutMs > 0) {
      state.idleTimer = setTimeout(() => retire(slot, environment), idleTimeoutMs);
      state.idleTimer.unref();
    }
  };

  const toResult = (raw: RawInvokeResult): InvokeResult => {
    if (!raw.ok) return raw;
    const log = raw.log ? { log: raw.log } : {};
    if (Buffer.byteLength(raw.payloadJson) > MAX_SYNC_PAYLOAD_BYTES) {
      return {
        ...log,
        ok: false,
        error: {
          errorType: 'Function.ResponseSizeTooLarge',
          errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_SYNC_PAYLOAD_BYTES} bytes).`,
        },
        timedOut: false,
      };
    }
    const cpu = raw.cpuMs !== undefined ? { cpuMs: raw.cpuMs } : {};
    return { ...log, ...cpu, ok: true, payload: JSON.parse(raw.payloadJson) };
  };

  const run = async (
    slot: FunctionSlot,
    environment: ExecutionEnvironment,
    job: QueuedInvocation,
    coldStart: boolean,
  ) => {
    if (job.span) {
      job.span.set({ coldStart });
      runningSpans.set(environment, job.span);
    }
    const state = slot.environments.get(environment);
    if (state?.idleTimer) clearTimeout(state.idleTimer);
    const timeoutMs = slot.spec.timeoutSeconds * 1000;
    const startedAt = performance.now();
    const deadline = startedAt + timeoutMs;
    let result: InvokeResult;
    try {
      result = toResult(
        await environment.invoke({
          awsRequestId: job.awsRequestId,
          eventJson: job.eventJson,
          traceId: job.traceId,
          invokedFunctionArn: job.invokedFunctionArn,
          timeoutMs,
          captureLog: job.captureLog,
        }),
      );
    } catch (error) {
      result = exitResult(error instanceof Error ? error.message : String(error));
    }
    if (job.faults.outcome?.kind === 'timeout' && environment.alive) {
      // The handler ran (its writes are made) but its answer never comes: the caller waits out the
      // function's timeout, and the environment is discarded, as after a real timeout.
      await sleep(Math.max(0, deadline - performance.now()));
      const message = `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`;
      writeLine(`[${slot.spec.name}] ${job.awsRequestId} ${message} (${job.faults.outcome.faultId})`);
      result = { ok: false, error: { errorType: 'Sandbox.Timedout', errorMessage: message }, timedOut: true };
      retire(slot, environment);
    }
    if (!result.ok) slot.counters.errors += 1;
    slot.durations.add(performance.now() - startedAt);
    if (result.cpuMs !== undefined) {
      slot.cpu.add(result.cpuMs);
      job.span?.set({ cpuMs: Math.round(result.cpuMs * 1000) / 1000 });
    }
    if (job.span) {
      runningSpans.delete(environment);
      endInvocationSpan(job.span, result);
    }
    job.resolve(result);
    release(slot, environment);
    dispatch(slot);
  };

  /** Whether `slot` may start another environment now: under its cap, an init slot free, and no blocked function waiting for that slot. */
  const mayStart = (slot: FunctionSlot): boolean => {
    if (slot.environments.size >= limitOf(slot) || initializing >= maxInits) return false;
    if (slot.environments.size === 0) return true;
    for (const other of slots.values()) if (other !== slot && blocked(other)) return false;
    return true;
  };

  const nextIdle = (slot: FunctionSlot): ExecutionEnvironment | undefined => {
    let environment = slot.idle.pop();
    while (environment && !environment.alive) environment = slot.idle.pop();
    return environment;
  };

  /**
   * Hands queued invocations to warm environments first, then to new ones up to the concurrency cap;
   * a warm environment left over takes an invocation still waiting for an init phase.
   */
  const dispatch = (slot: FunctionSlot): void => {
    for (let job = slot.queue[0]; !closed && job; job = slot.queue[0]) {
      const environment = nextIdle(slot);
      if (!environment && !mayStart(slot)) return;
      slot.queue.shift();
      if (environment) void run(slot, environment, job, false);
      else spawn(slot, job);
    }
    for (const [starting, job] of slot.awaitingInit) {
      const environment = closed ? undefined : nextIdle(slot);
      if (!environment) return;
      slot.awaitingInit.delete(starting);
      void run(slot, environment, job, false);
    }
  };

  const describe = (slot: FunctionSlot): RegisteredFunction => {
    // An environment in its init phase for an invocation is as busy as one running it.
    let busy = slot.awaitingInit.size;
    for (const environment of slot.environments.keys()) if (environment.busy) busy += 1;
    return {
      spec: slot.spec,
      bundlePath: slot.bundlePath,
      arn: slot.arn,
      handler: slot.handler,
      registeredAt: slot.registeredAt,
      aliases: FUNCTION_ALIASES,
      environments: slot.environments.size,
      busyEnvironments: busy,
      queued: slot.queue.length,
      concurrencyLimit: limitOf(slot),
      ...slot.counters,
      durationP50Ms: slot.durations.percentile(50),
      durationP95Ms: slot.durations.percentile(95),
      ...percentilesOf(slot.cpu),
    };
  };

  /** Whether a synchronous invocation now would exceed what the function may run or wait for. */
  const overLimit = (slot: FunctionSlot): boolean => {
    const free =
      slot.idle.filter((environment) => environment.alive).length + limitOf(slot) - slot.environments.size;
    const waiting = slot.queue.length;
    if (slot.spec.reservedConcurrency !== undefined) return waiting >= free;
    return waiting >= free + maxQueued;
  };

  return {
    region,
    accountId,

    register(spec, bundlePath) {
      const reserved = Object.keys(spec.environment).filter((name) =>
        RESERVED_ENVIRONMENT_VARIABLES.has(name),
      );
      if (reserved.length > 0) {
        throw new ReservedEnvironmentVariableError(
          `Function ${spec.name} sets variables Lambda reserves for itself: ${reserved.join(', ')}`,
        );
      }
      const handler = `${basename(bundlePath, extname(bundlePath))}.${spec.handler}`;
      const existing = slots.get(spec.name);
      if (existing) {
        existing.spec = spec;
        existing.bundlePath = bundlePath;
        existing.handler = handler;
        existing.registeredAt = new Date();
        existing.codeVersion += 1;
        for (const environment of [...existing.idle]) retire(existing, environment);
        return;
      }
      slots.set(spec.name, {
        spec,
        bundlePath,
        handler,
        arn: functionArn(spec.name, region, accountId),
        registeredAt: new Date(),
        codeVersion: 0,
        environments: new Map(),
        idle: [],
        queue: [],
        awaitingInit: new Map(),
        counters: { invocations: 0, coldStarts: 0, errors: 0, throttles: 0 },
        durations: new DurationRing(),
        cpu: new DurationRing(),
      });
    },

    get(nameOrArn) {
      const slot = slots.get(functionNameOf(nameOrArn));
      return slot ? describe(slot) : undefined;
    },

    functions() {
      return [...slots.values()].map(describe);
    },

    async invoke(nameOrArn, payload, invokeOptions: InvokeOptions = {}) {
      const { slot, invokedFunctionArn } = lookup(nameOrArn);
      let eventJson: string;
      try {
        eventJson = JSON.stringify(payload) ?? 'null';
      } catch (error) {
        throw new InvalidRequestContentError(
          `Could not serialize the payload as JSON: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      const limit = invokeOptions.async ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES;
      const size = Buffer.byteLength(eventJson);
      if (size > limit) {
        throw new RequestTooLargeError(`Request payload of ${size} bytes exceeds the ${limit} bytes quota`);
      }
      if (closed) return exitResult('The local Lambda host is shut down');
      const async = invokeOptions.async === true;
      const span = spans?.startUnder(invokeOptions.traceId, {
        name: slot.spec.name,
        kind: 'invocation',
        service: serviceOf(slot.spec),
        function: slot.spec.name,
        ...idsInText(eventJson),
        ...(async ? { attributes: { invocationType: 'Event' } } : {}),
      });
      if (!async && overLimit(slot)) {
        slot.counters.throttles += 1;
        span?.set({ throttled: true });
        span?.end({ status: 'error', error: 'TooManyRequestsException' });
        throw new TooManyRequestsError(
          slot.spec.reservedConcurrency !== undefined
            ? 'ReservedFunctionConcurrentInvocationLimitExceeded'
            : 'ConcurrentInvocationLimitExceeded',
        );
      }
      slot.counters.invocations += 1;
      const awsRequestId = invokeOptions.awsRequestId ?? randomUUID();
      const injected = faults.forFunction(slot.spec.name);
      const completion = (async (): Promise<InvokeResult> => {
        if (injected.latencyMs > 0) await sleep(injected.latencyMs);
        const outcome = injected.outcome;
        if (outcome?.kind === 'error') {
          // As FIS's invocation-error action: the caller sees the failure; the handler does not run.
          slot.counters.errors += 1;
          span?.set({ faultId: outcome.faultId });
          span?.end({ status: 'error', error: outcome.errorType });
          writeLine(
            `[${slot.spec.name}] ${awsRequestId} ${outcome.errorType}: ${outcome.errorMessage} (${outcome.faultId})`,
          );
          return {
            ok: false,
            error: { errorType: outcome.errorType, errorMessage: outcome.errorMessage },
            timedOut: false,
          };
        }
        return new Promise<InvokeResult>((resolve) => {
          slot.queue.push({
            awsRequestId,
            eventJson,
            traceId: span?.header ?? invokeOptions.traceId ?? newTraceId(),
            invokedFunctionArn,
            faults: injected,
            captureLog: invokeOptions.captureLog === true && !async,
            span,
            resolve,
          });
          dispatch(slot);
        });
      })();
      if (!async) return completion;
      // Lambda's Event invocations: accepted now, run in the background; failures only reach the log.
      void completion.then((result) => {
        if (!result.ok) {
          writeLine(
            `[${slot.spec.name}] ${awsRequestId} asynchronous invocation failed: ${result.error.errorType}: ${result.error.errorMessage}`,
          );
        }
      });
      return { ok: true, payload: null };
    },

    async killEnvironments(nameOrArn) {
      const { slot } = lookup(nameOrArn);
      const environments = [...slot.environments.keys()];
      await Promise.all(
        environments.map((environment) => {
          retire(slot, environment);
          return environment.terminate();
        }),
      );
      dispatch(slot);
      return environments.length;
    },

    async close() {
      closed = true;
      const exits: Promise<void>[] = [];
      for (const slot of slots.values()) {
        for (const job of slot.queue.splice(0)) job.resolve(exitResult('The local Lambda host shut down'));
        for (const [environment, state] of slot.environments) {
          if (state.idleTimer) clearTimeout(state.idleTimer);
          exits.push(environment.terminate());
        }
      }
      await Promise.all(exits);
    },
  };
};
