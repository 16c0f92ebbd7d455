import type { FunctionError } from './lambda.types.ts';

/** What an execution environment knows about its function for its whole life. */
export interface RuntimeWorkerData {
  readonly bundlePath: string;
  readonly handlerName: string;
  /** `_HANDLER`, e.g. `catalog-http.handler`, as error messages name it. */
  readonly handlerLabel: string;
  readonly functionName: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

/** Host -> environment: run the handler once. */
export interface InvokeMessage {
  readonly type: 'invoke';
  readonly awsRequestId: string;
  readonly eventJson: string;
  readonly deadlineMs: number;
  readonly traceId: string;
  readonly invokedFunctionArn: string;
}

/** Environment -> host. */
export type RuntimeMessage =
  | { readonly type: 'ready' }
  /** Text the function wrote to its stdout or stderr, in the order it wrote it. */
  | { readonly type: 'output'; readonly stream: 'stdout' | 'stderr'; readonly text: string }
  | { readonly type: 'init-error'; readonly error: FunctionError }
  | {
      readonly type: 'result';
      readonly awsRequestId: string;
      readonly payloadJson: string;
      /** CPU time of this thread (user + system) from the event's arrival to the answer. */
      readonly cpuMs: number;
    }
  | {
      readonly type: 'error';
      readonly awsRequestId: string;
      readonly error: FunctionError;
      readonly cpuMs: number;
    };

type Handler = (event: unknown, context: object) => unknown;

/**
 * The runtime inside one execution environment: imports the bundle (the init phase), then runs the
 * handler for each invoke message, one at a time, like Lambda's runtime interface client.
 *
 * It runs in the worker from its source text (`lambdaRuntime.toString()`), so it must not touch
 * anything outside its own body: the modules it needs, and even `import()` (which test runners
 * rewrite), arrive as arguments. Loading it that way keeps a cold start free of TypeScript compilation.
 */
export function lambdaRuntime(
  threads: typeof import('node:worker_threads'),
  url: typeof import('node:url'),
  importModule: (specifier: string) => Promise<unknown>,
): void {
  const port = threads.parentPort;
  if (!port) return;
  const data = threads.workerData as RuntimeWorkerData;
  // CDK's NodejsFunction sets NODE_OPTIONS=--enable-source-maps when bundles carry maps; do the same.
  process.setSourceMapsEnabled(true);

  const post = (message: RuntimeMessage): void => port.postMessage(message);

  type Chunk = { readonly chunk: string | Uint8Array; readonly encoding: string };
  const textOf = ({ chunk, encoding }: Chunk): string => {
    if (typeof chunk !== 'string')
      return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString();
    return encoding === 'utf8' || encoding === 'utf-8' || encoding === 'buffer'
      ? chunk
      : Buffer.from(chunk, encoding as BufferEncoding).toString();
  };
  /**
   * What the function prints reaches the host on this same port, ahead of the answer that follows
   * it: a port delivers in order, so every line printed during an invocation is in the host's log
   * (and in the invocation's log tail) before its result, and the answer need not wait for the
   * worker's own stdout stream, which acknowledges each write from the host's thread (a round trip
   * per invocation, slower the busier that thread is).
   */
  const routeOutput = (name: 'stdout' | 'stderr', stream: NodeJS.WriteStream): void => {
    const writable = stream as unknown as {
      _writev: (chunks: readonly Chunk[], callback: () => void) => void;
      _write: (chunk: Chunk['chunk'], encoding: string, callback: () => void) => void;
    };
    writable._writev = (chunks, callback) => {
      post({ type: 'output', stream: name, text: chunks.map(textOf).join('') });
      callback();
    };
    writable._write = (chunk, encoding, callback) => {
      post({ type: 'output', stream: name, text: textOf({ chunk, encoding }) });
      callback();
    };
  };
  routeOutput('stdout', process.stdout);
  routeOutput('stderr', process.stderr);

  const toFunctionError = (error: unknown, errorType?: string): FunctionError => {
    if (error instanceof Error) {
      return {
        errorType: errorType ?? error.name,
        errorMessage: error.message,
        trace: (error.stack ?? '').split('\n'),
      };
    }
    return { errorType: errorType ?? typeof error, errorMessage: String(error), trace: [] };
  };

  const importErrorType = (error: unknown): string | undefined => {
    if (error instanceof SyntaxError) return 'Runtime.UserCodeSyntaxError';
    const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
    return code === 'ERR_MODULE_NOT_FOUND' ? 'Runtime.ImportModuleError' : undefined;
  };

  const invoke = async (handler: Handler, message: InvokeMessage): Promise<void> => {
    // The thread's own CPU clock: the environment runs one invocation at a time, so what it spends
    // between the event's arrival and the answer is this invocation's, whatever else the process does.
    const cpuAtStart = process.threadCpuUsage();
    const cpuMs = (): number => {
      const used = process.threadCpuUsage(cpuAtStart);
      return (used.user + used.system) / 1000;
    };
    process.env._X_AMZN_TRACE_ID = message.traceId;
    const context = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: data.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: message.invokedFunctionArn,
      memoryLimitInMB: data.memoryLimitInMB,
      awsRequestId: message.awsRequestId,
      logGroupName: data.logGroupName,
      logStreamName: data.logStreamName,
      getRemainingTimeInMillis: (): number => Math.max(0, message.deadlineMs - Date.now()),
    };
    let result: unknown;
    try {
      result = await handler(JSON.parse(message.eventJson), context);
    } catch (error) {
      post({
        type: 'error',
        awsRequestId: message.awsRequestId,
        error: toFunctionError(error),
        cpuMs: cpuMs(),
      });
      return;
    }
    let payloadJson: string;
    try {
      // JSON.stringify answers undefined for undefined, functions and symbols; Lambda answers null.
      payloadJson = JSON.stringify(result) ?? 'null';
    } catch (error) {
      post({
        type: 'error',
        awsRequestId: message.awsRequestId,
        error: toFunctionError(error, 'Runtime.MarshalError'),
        cpuMs: cpuMs(),
      });
      return;
    }
    post({ type: 'result', awsRequestId: message.awsRequestId, payloadJson, cpuMs: cpuMs() });
  };

  const init = async (): Promise<void> => {
    let module: Record<string, unknown>;
    try {
      module = (await importModule(url.pathToFileURL(data.bundlePath).href)) as Record<string, unknown>;
    } catch (error) {
      post({ type: 'init-error', error: toFunctionError(error, importErrorType(error)) });
      return;
    }
    const handler = module[data.handlerName];
    if (typeof handler !== 'function') {
      post({
        type: 'init-error',
        error: {
          errorType: 'Runtime.HandlerNotFound',
          errorMessage: `${data.handlerLabel} is undefined or not exported`,
        },
      });
      return;
    }
    // The nodejs24.x runtime refuses (event, context, callback) handlers at init.
    if (handler.length >= 3) {
      post({
        type: 'init-error',
        error: {
          errorType: 'Runtime.CallbackHandlerDeprecated',
          errorMessage: `${data.handlerLabel} takes a callback; the nodejs24.x runtime only runs async (event, context) handlers`,
        },
      });
      return;
    }
    port.on('message', (message: InvokeMessage) => {
      void invoke(handler as Handler, message);
    });
    post({ type: 'ready' });
  };

  void init();
}
