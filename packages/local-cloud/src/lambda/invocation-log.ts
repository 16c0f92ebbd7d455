/** Lambda's `LogResult`: the last 4 KB of the invocation's log. */
export const LOG_RESULT_BYTES = 4096;

/** What an execution environment saw of one invocation, for its log. */
export interface InvocationLog {
  /** The lines the function printed during the invocation (at least the last {@link LOG_RESULT_BYTES}). */
  readonly lines: readonly string[];
  readonly durationMs: number;
  /** On the invocation that cold-started its environment: how long the init phase took. */
  readonly initDurationMs?: number;
  /** The most the environment's heap has held so far, in MB (Lambda reports the sandbox's peak). */
  readonly maxMemoryUsedMb: number;
  readonly timedOut: boolean;
}

export interface InvocationLogContext {
  readonly awsRequestId: string;
  /** The version that ran, as the START line names it. */
  readonly version: string;
  readonly memoryMb: number;
}

/**
 * The invocation's log as Lambda writes it for a function with the Text log format: the START line,
 * the function's lines, END, and the REPORT line with its tab-separated fields (Init Duration on a
 * cold start, `Status: timeout` after a timeout), each line ending in a newline.
 */
export const formatInvocationLog = (log: InvocationLog, context: InvocationLogContext): string => {
  const report = [
    `REPORT RequestId: ${context.awsRequestId}`,
    `Duration: ${log.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${Math.max(1, Math.ceil(log.durationMs))} ms`,
    `Memory Size: ${context.memoryMb} MB`,
    `Max Memory Used: ${log.maxMemoryUsedMb} MB`,
    ...(log.initDurationMs !== undefined ? [`Init Duration: ${log.initDurationMs.toFixed(2)} ms`] : []),
    ...(log.timedOut ? ['Status: timeout'] : []),
  ];
  return [
    `START RequestId: ${context.awsRequestId} Version: ${context.version}`,
    ...log.lines,
    `END RequestId: ${context.awsRequestId}`,
    `${report.join('\t')}\t`,
    '',
  ].join('\n');
};

/** `X-Amz-Log-Result`: the last {@link LOG_RESULT_BYTES} of the log, base64-encoded. */
export const logResultOf = (logText: string): string => {
  const bytes = Buffer.from(logText, 'utf8');
  return bytes.subarray(Math.max(0, bytes.length - LOG_RESULT_BYTES)).toString('base64');
};
