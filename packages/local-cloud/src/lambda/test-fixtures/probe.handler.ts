import { appendFile } from 'node:fs/promises';
import { threadId } from 'node:worker_threads';
import type { Context } from 'aws-lambda';

// Module scope lives as long as the execution environment: a warm invocation sees it again.
let invocations = 0;
const loadedAt = Date.now();

interface ProbeEvent {
  readonly sleepMs?: number;
  readonly spin?: boolean;
  readonly env?: readonly string[];
  /** A file to append a line to: a side effect a caller can see even when the answer is lost. */
  readonly touch?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reports what the function can see of its environment. */
export const handler = async (event: ProbeEvent, context: Context) => {
  invocations += 1;
  const startedAt = Date.now();
  const remainingAtStart = context.getRemainingTimeInMillis();
  // A handler that never yields: only terminating the environment can stop it.
  if (event.spin) for (;;);
  if (event.sleepMs) await sleep(event.sleepMs);
  if (event.touch) await appendFile(event.touch, 'ran\n');
  const env: Record<string, string | null> = {};
  for (const name of event.env ?? []) env[name] = process.env[name] ?? null;
  return {
    invocations,
    loadedAt,
    threadId,
    startedAt,
    endedAt: Date.now(),
    remainingAtStart,
    remainingAtEnd: context.getRemainingTimeInMillis(),
    env,
    envNames: Object.keys(process.env),
    context: {
      awsRequestId: context.awsRequestId,
      functionName: context.functionName,
      functionVersion: context.functionVersion,
      invokedFunctionArn: context.invokedFunctionArn,
      memoryLimitInMB: context.memoryLimitInMB,
      logGroupName: context.logGroupName,
      logStreamName: context.logStreamName,
      callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
    },
    traceId: process.env._X_AMZN_TRACE_ID ?? null,
  };
};

export class PaymentDeclinedError extends Error {
  override readonly name = 'PaymentDeclinedError';
}

export const fail = async (event: { readonly reason: string }) => {
  throw new PaymentDeclinedError(event.reason);
};

export const echo = async (event: unknown) => event;

export const nothing = async () => undefined;

export const logs = async () => {
  console.log(JSON.stringify({ level: 'INFO', message: 'first' }));
  console.error('second line\nthird line');
  return 'logged';
};

export const callbackStyle = (
  _event: unknown,
  _context: Context,
  callback: (error: null, result: string) => void,
) => callback(null, 'never');

/** Writes to stdout and stderr in every form a stream takes: a Buffer, another encoding, a line in two writes. */
export const writes = async () => {
  process.stdout.write(Buffer.from('from a buffer\n'));
  process.stdout.write('6865782c20', 'hex');
  process.stdout.write('then utf8 ✓\n');
  process.stderr.write('to stderr\n');
  return 'written';
};

/** Prints `lines` numbered lines of about 100 characters. */
export const chatty = async (event: { readonly lines: number }) => {
  for (let i = 1; i <= event.lines; i++) console.log(`line ${String(i).padStart(4, '0')} ${'.'.repeat(90)}`);
  return event.lines;
};

/** Computes for `cpuMs` of this thread's CPU time, or waits `sleepMs` on a timer without computing. */
export const burn = async (event: { readonly cpuMs?: number; readonly sleepMs?: number }) => {
  const startedAt = performance.now();
  if (event.sleepMs) await sleep(event.sleepMs);
  const start = process.threadCpuUsage();
  let spins = 0;
  while (event.cpuMs !== undefined) {
    const used = process.threadCpuUsage(start);
    if ((used.user + used.system) / 1000 >= event.cpuMs) break;
    spins += 1;
  }
  return { spins, wallMs: performance.now() - startedAt };
};
