import type { InvocationLog } from './invocation-log.ts';

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

export type InvokeResult = (
  | { readonly ok: true; readonly payload: unknown }
  | { readonly ok: false; readonly error: FunctionError; readonly timedOut: boolean }
) & {
  /** The invocation's log, when {@link InvokeOptions.captureLog} asked for it and the function ran. */
  readonly log?: InvocationLog;
  /**
   * CPU milliseconds (user + system) the execution environment's thread spent on the invocation,
   * from the event's arrival to the answer; I/O waits are not in it, the init phase neither. Absent
   * when the handler gave no answer (a timeout, a crash, an injected fault).
   */
  readonly cpuMs?: number;
};

export interface InvokeOptions {
  /** Lambda's `Event` invocation type: queue it, resolve as soon as it is accepted. */
  readonly async?: boolean;
  /** Carried to the function's logs as the correlation id when the platform sees it in the event. */
  readonly requestId?: string;
  /** The invocation's `context.awsRequestId` (a fresh UUID when absent); the Invoke API sets it to its `x-amzn-RequestId`. */
  readonly awsRequestId?: string;
  /** An incoming X-Ray trace header; the function sees it as `_X_AMZN_TRACE_ID` (a new trace when absent). */
  readonly traceId?: string;
  /** Keep what the function prints during the invocation, with its timings, in the result (Lambda's `LogType: Tail`). */
  readonly captureLog?: boolean;
}

/** Invokes a function by name (or function ARN). Implemented by the local Lambda host. */
export interface LambdaInvoker {
  invoke(functionNameOrArn: string, payload: unknown, options?: InvokeOptions): Promise<InvokeResult>;
}

export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_REGION = 'us-east-1';

export const functionArn = (name: string, region = LOCAL_REGION, account = LOCAL_ACCOUNT_ID): string =>
  `arn:aws:lambda:${region}:${account}:function:${name}`;

/** The version every local function runs: there is one code version, replaced on re-registration. */
export const LATEST_VERSION = '$LATEST';

/**
 * The alias the CDK app gives every function (`LIVE_ALIAS` in `infra/src/naming.ts`), which its API
 * routes, event sources, saga tasks and direct invocations target. Locally it points at `$LATEST`.
 */
export const LIVE_ALIAS = 'live';

/** A function as Lambda's APIs name it: its name and, when given, the qualifier, region and account. */
export interface FunctionReference {
  readonly name: string;
  /** `$LATEST`, a version number or an alias name. */
  readonly qualifier?: string;
  readonly region?: string;
  readonly accountId?: string;
}

/** Lambda's FunctionName pattern: a name, `name:qualifier`, a partial ARN or a full ARN. */
const FUNCTION_REFERENCE =
  /^(?:arn:aws[a-zA-Z-]*:lambda:)?(?:(?<region>[a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(?<accountId>\d{12}):)?(?:function:)?(?<name>[a-zA-Z0-9_-]+)(?::(?<qualifier>\$LATEST|[a-zA-Z0-9_-]+))?$/;

/** Parses `name`, `name:live`, `000000000000:function:name` or a full (qualified) ARN; undefined if none of these. */
export const parseFunctionReference = (nameOrArn: string): FunctionReference | undefined => {
  const groups = FUNCTION_REFERENCE.exec(nameOrArn)?.groups;
  if (!groups?.name) return undefined;
  return {
    name: groups.name,
    ...(groups.qualifier ? { qualifier: groups.qualifier } : {}),
    ...(groups.region ? { region: groups.region } : {}),
    ...(groups.accountId ? { accountId: groups.accountId } : {}),
  };
};

/** Any form {@link parseFunctionReference} reads -> `name`. */
export const functionNameOf = (nameOrArn: string): string =>
  parseFunctionReference(nameOrArn)?.name ?? nameOrArn;

/**
 * The version a qualifier runs, or undefined when the function has no such version or alias:
 * no qualifier and `$LATEST` are `$LATEST`, and so is each of the function's aliases.
 */
export const versionOfQualifier = (
  qualifier: string | undefined,
  aliases: readonly string[],
): string | undefined =>
  qualifier === undefined || qualifier === LATEST_VERSION || aliases.includes(qualifier)
    ? LATEST_VERSION
    : undefined;
