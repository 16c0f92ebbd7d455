import type { Readable } from 'node:stream';
import * as threads from 'node:worker_threads';
import { type InvocationLog, LOG_RESULT_BYTES } from './invocation-log.ts';
import type { FunctionError } from './lambda.types.ts';
import {
  type InvokeMessage,
  lambdaRuntime,
  type RuntimeMessage,
  type RuntimeWorkerData,
} from './lambda-runtime.worker.ts';

/** Lambda gives the init phase of an on-demand environment 10 seconds. */
export const INIT_TIMEOUT_MS = 10_000;

const RUNTIME_SOURCE = `(${lambdaRuntime.toString()})(
  require('node:worker_threads'),
  require('node:url'),
  (specifier) => import(specifier),
);`;

export interface ExecutionEnvironmentOptions {
  readonly workerData: RuntimeWorkerData;
  readonly env: Readonly<Record<string, string>>;
  readonly memoryMb: number;
  /** Receives each complete line the function writes to stdout or stderr. */
  readonly log: (line: string) => void;
  /** Called once, when the environment is gone (terminated, crashed or timed out). */
  readonly onExit: (environment: ExecutionEnvironment) => void;
}

export interface InvocationRequest {
  readonly awsRequestId: string;
  readonly eventJson: string;
  readonly traceId: string;
  readonly invokedFunctionArn: string;
  readonly timeoutMs: number;
  /** Keep what the function prints during this invocation, with its timings, for its log (`LogType: Tail`). */
  readonly captureLog?: boolean;
}

/** The raw outcome: the payload stays JSON text until the host decides what to do with it. */
export type RawInvokeResult = (
  | { readonly ok: true; readonly payloadJson: string }
  | { readonly ok: false; readonly error: FunctionError; readonly timedOut: boolean }
) & {
  readonly log?: InvocationLog;
  /** The environment thread's CPU time for the invocation, when the handler ran to an answer. */
  readonly cpuMs?: number;
};

const MB = 1024 * 1024;

/** The lines of one invocation, keeping the last {@link LOG_RESULT_BYTES} (all a log result shows). */
class LogCapture {
  readonly lines: string[] = [];
  #bytes = 0;

  add(line: string): void {
    this.lines.push(line);
    this.#bytes += Buffer.byteLength(line) + 1;
    while (
      this.lines.length > 1 &&
      this.#bytes - Buffer.byteLength(this.lines[0] ?? '') - 1 >= LOG_RESULT_BYTES
    ) {
      this.#bytes -= Buffer.byteLength(this.lines.shift() ?? '') + 1;
    }
  }
}

interface PendingInvocation {
  readonly awsRequestId: string;
  readonly settle: (result: RawInvokeResult) => void;
}

const formatSeconds = (ms: number): string => (ms / 1000).toFixed(2);

/** Splits text that arrives in pieces into lines; `end` hands over a partial last line. */
class LineSplitter {
  #pending = '';
  readonly #log: (line: string) => void;

  constructor(log: (line: string) => void) {
    this.#log = log;
  }

  push(text: string): void {
    const lines = (this.#pending + text).split('\n');
    this.#pending = lines.pop() ?? '';
    for (const line of lines) this.#log(line);
  }

  end(): void {
    if (this.#pending !== '') this.#log(this.#pending);
    this.#pending = '';
  }
}

/** Splits a worker's output stream into lines; a partial last line is flushed when the stream ends. */
const forwardLines = (stream: Readable, log: (line: string) => void): void => {
  const lines = new LineSplitter(log);
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => lines.push(chunk));
  stream.on('end', () => lines.end());
};

/**
 * One Lambda execution environment: a worker thread with its own module scope and `process.env`,
 * initialised once (cold start) and then reused, one invocation at a time.
 */
export class ExecutionEnvironment {
  readonly logStreamName: string;
  readonly #worker: threads.Worker;
  readonly #options: ExecutionEnvironmentOptions;
  readonly #ready: Promise<FunctionError | undefined>;
  #settleInit: ((error: FunctionError | undefined) => void) | undefined;
  #current: PendingInvocation | undefined;
  #crash: FunctionError | undefined;
  #alive = true;
  /** Set as soon as termination is requested, before the worker has actually exited. */
  #discarded = false;
  #initialized = false;
  #inUse = false;
  readonly #createdAt = performance.now();
  /** How long the init phase took, until the first invocation has reported it. */
  #unreportedInitMs: number | undefined;
  #maxMemoryUsedMb = 0;
  #capture: LogCapture | undefined;
  /** What the runtime sends of the function's stdout and stderr, ahead of its answers. */
  readonly #output = {
    stdout: new LineSplitter((line) => this.#log(line)),
    stderr: new LineSplitter((line) => this.#log(line)),
  };

  constructor(options: ExecutionEnvironmentOptions) {
    this.#options = options;
    this.logStreamName = options.workerData.logStreamName;
    this.#ready = new Promise((resolve) => {
      this.#settleInit = resolve;
    });
    this.#worker = new threads.Worker(RUNTIME_SOURCE, {
      eval: true,
      name: options.workerData.functionName,
      workerData: options.workerData,
      env: { ...options.env },
      stdout: true,
      stderr: true,
      // Lambda's memory setting bounds the whole sandbox; the heap is the part a worker can bound.
      resourceLimits: { maxOldGenerationSizeMb: Math.max(options.memoryMb, 64) },
    });
    // The runtime sends the function's output as messages; anything else written to the worker's
    // own streams still arrives here.
    forwardLines(this.#worker.stdout, (line) => this.#log(line));
    forwardLines(this.#worker.stderr, (line) => this.#log(line));
    this.#worker.on('message', (message: RuntimeMessage) => this.#onMessage(message));
    this.#worker.on('error', (error: Error) => this.#onError(error));
    this.#worker.on('exit', (code: number) => this.#onExit(code));
    const initTimer = setTimeout(() => {
      this.#finishInit({
        errorType: 'Sandbox.Timedout',
        errorMessage: `Init timed out after ${formatSeconds(INIT_TIMEOUT_MS)} seconds`,
      });
      void this.terminate({ force: true });
    }, INIT_TIMEOUT_MS);
    initTimer.unref();
    void this.#ready.then(() => clearTimeout(initTimer));
  }

  /** False once the worker is gone; a dead environment is never reused. */
  get alive(): boolean {
    return this.#alive && !this.#discarded;
  }

  get busy(): boolean {
    return this.#inUse;
  }

  /** Settles when the init phase has ended, successfully or not. */
  get initEnded(): Promise<unknown> {
    return this.#ready;
  }

  /** Whether the init phase has already run successfully (a warm environment). */
  get initialized(): boolean {
    return this.#initialized;
  }

  /** Runs one invocation; waits for the init phase first on a cold start. */
  async invoke(request: InvocationRequest): Promise<RawInvokeResult> {
    if (this.#inUse) throw new Error('An execution environment runs one invocation at a time');
    this.#inUse = true;
    this.#worker.ref();
    try {
      const initError = await this.#ready;
      if (initError) {
        void this.terminate();
        return { ok: false, error: initError, timedOut: false };
      }
      if (!this.alive) {
        return { ok: false, error: this.#exitError('Runtime exited before the invocation'), timedOut: false };
      }
      // Lambda reports the init phase on the invocation that waited for it, and only there.
      const initDurationMs = this.#unreportedInitMs;
      this.#unreportedInitMs = undefined;
      const capture = request.captureLog ? new LogCapture() : undefined;
      this.#capture = capture;
      const startedAt = performance.now();
      const result = await new Promise<RawInvokeResult>((resolve) => {
        const timer = setTimeout(() => {
          const message = `Task timed out after ${formatSeconds(request.timeoutMs)} seconds`;
          this.#log(`${request.awsRequestId} ${message}`);
          settle({
            ok: false,
            error: { errorType: 'Sandbox.Timedout', errorMessage: message },
            timedOut: true,
          });
          // As in Lambda, a timed-out environment is discarded: whatever it was doing stops here.
          void this.terminate();
        }, request.timeoutMs);
        const settle = (result: RawInvokeResult): void => {
          clearTimeout(timer);
          this.#current = undefined;
          resolve(result);
        };
        this.#current = { awsRequestId: request.awsRequestId, settle };
        const message: InvokeMessage = {
          type: 'invoke',
          awsRequestId: request.awsRequestId,
          eventJson: request.eventJson,
          deadlineMs: Date.now() + request.timeoutMs,
          traceId: request.traceId,
          invokedFunctionArn: request.invokedFunctionArn,
        };
        this.#worker.postMessage(message);
      });
      this.#capture = undefined;
      if (!capture) return result;
      const durationMs = performance.now() - startedAt;
      return { ...result, log: await this.#invocationLog(capture, result, durationMs, initDurationMs) };
    } finally {
      this.#inUse = false;
      // An idle environment must not keep the process alive, like a frozen Lambda sandbox.
      if (this.alive) this.#worker.unref();
    }
  }

  /** Every line the function prints: to the host's log, and to the running invocation's capture. */
  #log(line: string): void {
    this.#capture?.add(line);
    this.#options.log(line);
  }

  async #invocationLog(
    capture: LogCapture,
    result: RawInvokeResult,
    durationMs: number,
    initDurationMs: number | undefined,
  ): Promise<InvocationLog> {
    if (this.alive) {
      try {
        // Of the worker's heap: the part of Lambda's "Max Memory Used" a worker thread can measure.
        const heap = await this.#worker.getHeapStatistics();
        this.#maxMemoryUsedMb = Math.max(
          this.#maxMemoryUsedMb,
          Math.ceil((heap.used_heap_size + heap.external_memory) / MB),
        );
      } catch {
        // Gone meanwhile: keep the last figure.
      }
    }
    return {
      lines: capture.lines,
      durationMs,
      ...(initDurationMs !== undefined ? { initDurationMs } : {}),
      maxMemoryUsedMb: this.#maxMemoryUsedMb,
      timedOut: !result.ok && result.timedOut,
    };
  }

  /**
   * Discards the environment at once (it takes no further invocation) and stops its worker. A worker
   * still in its init phase is stopped once that phase ends: terminating a thread while V8 evaluates
   * an asynchronous module (any bundle with a top-level await) can abort the whole process
   * (nodejs/node#60755, "Check failed: (location_) != nullptr"). `force` stops it at once, for an
   * init phase that itself hung.
   */
  async terminate(options: { readonly force?: boolean } = {}): Promise<void> {
    this.#discarded = true;
    if (!this.#alive) return;
    if (!options.force && this.#settleInit) await this.#ready;
    if (!this.#alive) return;
    await this.#worker.terminate();
  }

  #finishInit(error: FunctionError | undefined): void {
    const settle = this.#settleInit;
    if (!settle) return;
    this.#settleInit = undefined;
    this.#initialized = error === undefined;
    settle(error);
  }

  #onMessage(message: RuntimeMessage): void {
    switch (message.type) {
      case 'output':
        this.#output[message.stream].push(message.text);
        return;
      case 'ready':
        this.#unreportedInitMs = performance.now() - this.#createdAt;
        this.#finishInit(undefined);
        return;
      case 'init-error':
        this.#finishInit(message.error);
        return;
      case 'result':
        if (this.#current?.awsRequestId === message.awsRequestId) {
          this.#current.settle({ ok: true, payloadJson: message.payloadJson, cpuMs: message.cpuMs });
        }
        return;
      case 'error':
        if (this.#current?.awsRequestId === message.awsRequestId) {
          this.#current.settle({ ok: false, error: message.error, timedOut: false, cpuMs: message.cpuMs });
        }
        return;
    }
  }

  /** An exception nothing caught (a rejected promise left behind, a heap overflow): the runtime dies. */
  #onError(error: Error): void {
    const code = (error as Error & { code?: unknown }).code;
    this.#crash =
      code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? { errorType: 'Runtime.OutOfMemory', errorMessage: `Runtime exited with error: ${error.message}` }
        : { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
    this.#options.log(`Runtime crashed: ${this.#crash.errorType}: ${this.#crash.errorMessage}`);
  }

  #onExit(code: number): void {
    this.#alive = false;
    this.#output.stdout.end();
    this.#output.stderr.end();
    const error = this.#crash ?? this.#exitError(`Runtime exited with error: exit status ${code}`);
    this.#finishInit(error);
    this.#current?.settle({ ok: false, error, timedOut: false });
    this.#options.onExit(this);
  }

  #exitError(message: string): FunctionError {
    return { errorType: 'Runtime.ExitError', errorMessage: message };
  }
}
