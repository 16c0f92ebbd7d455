/** A function the local Lambda host can run. */
export interface FunctionSpec {
  /** Function name, e.g. `catalog-http`. */
  readonly name: string;
  /** Absolute path of the TypeScript entry file. */
  readonly entry: string;
  /** Exported handler name. */
  readonly handler: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** The function's own environment (table names, endpoints ...); the host adds Lambda's reserved variables. */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * AWS's `ReservedConcurrentExecutions`: at most this many environments, and a synchronous
   * invocation beyond them is throttled (`TooManyRequestsException`) as in AWS. Without it the host's
   * own per-function cap applies, and invocations beyond it wait for an environment.
   */
  readonly reservedConcurrency?: number;
}

/** What the function threw, shaped as Lambda reports it. */
export interface FunctionError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

export type InvokeResult =
  | { readonly ok: true; readonly payload: unknown }
  | { readonly ok: false; readonly error: FunctionError; readonly timedOut: boolean };

export interface InvokeOptions {
  /** Lambda's `Event` invocation type: queue it, resolve as soon as it is accepted. */
  readonly async?: boolean;
  /** Carried to the function's logs as the correlation id when the platform sees it in the event. */
  readonly requestId?: string;
  /** The invocation's `context.awsRequestId` (a fresh UUID when absent); the Invoke API sets it to its `x-amzn-RequestId`. */
  readonly awsRequestId?: string;
  /** An incoming X-Ray trace header; the function sees it as `_X_AMZN_TRACE_ID` (a new trace when absent). */
  readonly traceId?: string;
}

/** Invokes a function by name (or function ARN). Implemented by the local Lambda host. */
export interface LambdaInvoker {
  invoke(functionNameOrArn: string, payload: unknown, options?: InvokeOptions): Promise<InvokeResult>;
}

export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_REGION = 'us-east-1';

export const functionArn = (name: string, region = LOCAL_REGION, account = LOCAL_ACCOUNT_ID): string =>
  `arn:aws:lambda:${region}:${account}:function:${name}`;

/** `name`, `arn:aws:lambda:...:function:name` or `...:function:name:qualifier` -> `name`. */
export const functionNameOf = (nameOrArn: string): string => {
  if (!nameOrArn.startsWith('arn:')) return nameOrArn;
  const parts = nameOrArn.split(':');
  return parts[6] ?? nameOrArn;
};
