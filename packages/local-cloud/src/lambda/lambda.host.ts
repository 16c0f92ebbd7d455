import { randomBytes, randomUUID } from 'node:crypto';
import { basename, dirname, extname } from 'node:path';
import { ExecutionEnvironment, type RawInvokeResult } from './execution-environment.ts';
import {
  FunctionNotFoundError,
  InvalidRequestContentError,
  RequestTooLargeError,
  ReservedEnvironmentVariableError,
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
  /** Execution environments per function before invocations queue (Lambda's concurrency). Default 8. */
  readonly maxConcurrencyPerFunction?: number;
  /** An environment idle this long is shut down; the next invocation cold-starts. Default 10 minutes. */
  readonly idleTimeoutMs?: number;
  /** Receives each line the functions print, prefixed with `[function-name]`. Default: the parent's stdout. */
  readonly log?: (line: string) => void;
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
  /** Terminates every execution environment; queued and running invocations end with `Runtime.ExitError`. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_CONCURRENCY_PER_FUNCTION = 8;
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
  readonly captureLog: boolean;
  readonly resolve: (result: InvokeResult) => void;
}

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
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const writeLine = options.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
    throw new Error(`maxConcurrencyPerFunction must be a positive integer, got ${maxConcurrency}`);
  }
  const slots = new Map<string, FunctionSlot>();
  let closed = false;

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

  const spawn = (slot: FunctionSlot): ExecutionEnvironment => {
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
      log: (line) => writeLine(prefix + line),
      onExit: (exited) => {
        if (!slot.environments.has(exited)) return;
        retire(slot, exited);
        dispatch(slot);
      },
    });
    slot.environments.set(environment, { codeVersion: slot.codeVersion });
    return environment;
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
    return { ...log, ok: true, payload: JSON.parse(raw.payloadJson) };
  };

  const run = async (slot: FunctionSlot, environment: ExecutionEnvironment, job: QueuedInvocation) => {
    const state = slot.environments.get(environment);
    if (state?.idleTimer) clearTimeout(state.idleTimer);
    let result: InvokeResult;
    try {
      result = toResult(
        await environment.invoke({
          awsRequestId: job.awsRequestId,
          eventJson: job.eventJson,
          traceId: job.traceId,
          invokedFunctionArn: job.invokedFunctionArn,
          timeoutMs: slot.spec.timeoutSeconds * 1000,
          captureLog: job.captureLog,
        }),
      );
    } catch (error) {
      result = exitResult(error instanceof Error ? error.message : String(error));
    }
    job.resolve(result);
    release(slot, environment);
    dispatch(slot);
  };

  /** Hands queued invocations to warm environments first, then to new ones up to the concurrency cap. */
  const dispatch = (slot: FunctionSlot): void => {
    while (!closed && slot.queue.length > 0) {
      let environment = slot.idle.pop();
      while (environment && !environment.alive) environment = slot.idle.pop();
      if (!environment) {
        if (slot.environments.size >= maxConcurrency) return;
        environment = spawn(slot);
      }
      const job = slot.queue.shift();
      if (!job) return;
      void run(slot, environment, job);
    }
  };

  const describe = (slot: FunctionSlot): RegisteredFunction => {
    let busy = 0;
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
    };
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
      const awsRequestId = invokeOptions.awsRequestId ?? randomUUID();
      const completion = new Promise<InvokeResult>((resolve) => {
        slot.queue.push({
          awsRequestId,
          eventJson,
          traceId: invokeOptions.traceId ?? newTraceId(),
          invokedFunctionArn,
          captureLog: invokeOptions.captureLog === true && !invokeOptions.async,
          resolve,
        });
      });
      dispatch(slot);
      if (!invokeOptions.async) return completion;
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
