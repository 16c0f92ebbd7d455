// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CDK-style ASL placeholders are literally ${Key}
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, startEdge } from '../edge/index.ts';
import {
  functionArn,
  functionNameOf,
  type InvokeResult,
  type LambdaInvoker,
} from '../lambda/lambda.types.ts';
import { createStepFunctionsEdgeHandler } from './stepfunctions.edge.ts';
import { StepFunctionsEmulator } from './stepfunctions.emulator.ts';
import { UnknownPlaceholderError } from './stepfunctions.errors.ts';

// Stands in for the Lambda host: function names mapped to plain async functions.
type LocalFunction = (event: unknown) => unknown;

class FunctionTimeout extends Error {}

const namedError = (name: string, message: string): Error => {
  const error = new Error(message);
  error.name = name;
  return error;
};

const functions = new Map<string, LocalFunction>();
const invocations: { readonly name: string; readonly payload: unknown }[] = [];

const invoker: LambdaInvoker = {
  async invoke(nameOrArn, payload): Promise<InvokeResult> {
    const name = functionNameOf(nameOrArn);
    invocations.push({ name, payload });
    const fn = functions.get(name);
    if (!fn) {
      // Shaped like the local host's service errors: the Lambda API exception name in `code`.
      throw Object.assign(namedError('FunctionNotFoundError', `Function not found: ${nameOrArn}`), {
        code: 'ResourceNotFoundException',
        status: 404,
      });
    }
    try {
      return { ok: true, payload: await fn(payload) };
    } catch (error) {
      const e = error as Error;
      if (e instanceof FunctionTimeout) {
        return {
          ok: false,
          timedOut: true,
          error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 3.00 seconds' },
        };
      }
      return {
        ok: false,
        timedOut: false,
        error: { errorType: e.name, errorMessage: e.message, trace: ['at handler'] },
      };
    }
  },
};

const deferred = (): { promise: Promise<void>; resolve: () => void } => {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

const arnOf = (name: string): string => functionArn(name);

let emulator: StepFunctionsEmulator;
let edge: StartedServer;
let sfn: SFNClient;
let machineCount = 0;

beforeAll(async () => {
  emulator = new StepFunctionsEmulator({ invoker, waitTimeScale: 0.001 });
  edge = await startEdge([createStepFunctionsEdgeHandler(emulator)]);
  sfn = new SFNClient({
    endpoint: edge.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  await emulator.close();
  sfn.destroy();
  await edge.close();
});

const createMachine = async (definition: object, name = `machine-${++machineCount}`): Promise<string> => {
  const created = await sfn.send(
    new CreateStateMachineCommand({
      name,
      definition: JSON.stringify(definition),
      roleArn: 'arn:aws:iam::000000000000:role/saga',
    }),
  );
  return created.stateMachineArn ?? '';
};

const runToEnd = async (stateMachineArn: string, input: unknown, name?: string) => {
  const { executionArn = '' } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name }),
  );
  await emulator.waitForExecution(executionArn, 10_000);
  const description = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
  return { executionArn, description, events: history.events ?? [] };
};

const types = (events: readonly HistoryEvent[]): string[] => events.map((e) => e.type ?? '');

const errorOf = async (promise: Promise<unknown>): Promise<{ name: string; message: string }> => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
};

describe('Lambda tasks, retries and catches', () => {
  it('retries a transient error with the scaled backoff and shows each attempt in the history', async () => {
    let calls = 0;
    functions.set('charge-card', () => {
      calls += 1;
      if (calls <= 2) throw namedError('TransientError', `attempt ${calls} failed`);
      return { charged: true, attempts: calls };
    });
    const arn = await createMachine({
      StartAt: 'Charge',
      States: {
        Charge: {
          Type: 'Task',
          Resource: arnOf('charge-card'),
          Retry: [{ ErrorEquals: ['TransientError'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }],
          End: true,
        },
      },
    });
    const started = Date.now();
    const { description, events } = await runToEnd(arn, { orderId: 'o-1' });

    expect(Date.now() - started).toBeLessThan(1_500);
    expect(description.status).toBe('SUCCEEDED');
    expect(JSON.parse(description.output ?? '')).toEqual({ charged: true, attempts: 3 });
    expect(description.startDate).toBeInstanceOf(Date);
    expect(description.stopDate?.getTime()).toBeGreaterThanOrEqual(
      description.startDate?.getTime() ?? Infinity,
    );
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => e.previousEventId)).toEqual(events.map((_, i) => i));
    expect(events[2]?.lambdaFunctionScheduledEventDetails).toMatchObject({
      resource: arnOf('charge-card'),
      input: JSON.stringify({ orderId: 'o-1' }),
    });
    expect(events[4]?.lambdaFunctionFailedEventDetails?.error).toBe('TransientError');
    expect(JSON.parse(events[4]?.lambdaFunctionFailedEventDetails?.cause ?? '')).toEqual({
      errorMessage: 'attempt 1 failed',
      errorType: 'TransientError',
      trace: ['at handler'],
    });
    expect(events[0]?.executionStartedEventDetails?.roleArn).toBe('arn:aws:iam::000000000000:role/saga');
  });

  it('catches a domain error into ResultPath, compensates and ends in the Fail state', async () => {
    functions.set('reserve-stock', () => {
      throw namedError('OutOfStockError', 'sku-1 has 0 left');
    });
    functions.set('reject-order', (event) => ({ rejected: true, seen: event }));
    const arn = await createMachine({
      StartAt: 'ReserveStock',
      States: {
        ReserveStock: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: arnOf('reserve-stock'), 'Payload.$': '$' },
          Retry: [{ ErrorEquals: ['TransientError'], MaxAttempts: 2 }],
          Catch: [{ ErrorEquals: ['OutOfStockError'], ResultPath: '$.error', Next: 'RejectOrder' }],
          Next: 'Done',
        },
        RejectOrder: { Type: 'Task', Resource: arnOf('reject-order'), ResultPath: null, Next: 'Rejected' },
        Rejected: { Type: 'Fail', Error: 'OrderRejected', Cause: 'OUT_OF_STOCK' },
        Done: { Type: 'Succeed' },
      },
    });
    const { description, events } = await runToEnd(arn, { orderId: 'o-2' });

    expect(description.status).toBe('FAILED');
    expect(description.error).toBe('OrderRejected');
    expect(description.cause).toBe('OUT_OF_STOCK');
    const compensation = invocations.findLast((i) => i.name === 'reject-order')?.payload as {
      orderId: string;
      error: { Error: string; Cause: string };
    };
    expect(compensation.orderId).toBe('o-2');
    expect(compensation.error.Error).toBe('OutOfStockError');
    expect(JSON.parse(compensation.error.Cause)).toMatchObject({
      errorType: 'OutOfStockError',
      errorMessage: 'sku-1 has 0 left',
    });
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'FailStateEntered',
      'ExecutionFailed',
    ]);
    expect(events[4]?.taskFailedEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke',
      error: 'OutOfStockError',
    });
    expect(events[6]?.stateEnteredEventDetails?.name).toBe('RejectOrder');
    expect(events.at(-1)?.executionFailedEventDetails).toEqual({
      error: 'OrderRejected',
      cause: 'OUT_OF_STOCK',
    });
  });

  it('reports an unhandled function error with its errorType and Lambda JSON cause', async () => {
    functions.set('authorize-payment', () => {
      throw namedError('PaymentDeclinedError', 'card declined');
    });
    const arn = await createMachine({
      StartAt: 'Authorize',
      States: { Authorize: { Type: 'Task', Resource: arnOf('authorize-payment'), End: true } },
    });
    const { description, events } = await runToEnd(arn, {});

    expect(description.status).toBe('FAILED');
    expect(description.error).toBe('PaymentDeclinedError');
    expect(JSON.parse(description.cause ?? '')).toEqual({
      errorMessage: 'card declined',
      errorType: 'PaymentDeclinedError',
      trace: ['at handler'],
    });
    expect(types(events).slice(-2)).toEqual(['LambdaFunctionFailed', 'ExecutionFailed']);
  });

  it('returns the Invoke envelope from arn:aws:states:::lambda:invoke and the bare output from a function ARN', async () => {
    functions.set('price-lines', (event) => ({ total: ((event as { qty: number }).qty ?? 0) * 5 }));
    const arn = await createMachine({
      StartAt: 'Optimized',
      States: {
        Optimized: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'price-lines', 'Payload.$': '$' },
          ResultPath: '$.envelope',
          Next: 'Plain',
        },
        Plain: {
          Type: 'Task',
          Resource: arnOf('price-lines'),
          InputPath: '$',
          ResultPath: '$.plain',
          End: true,
        },
      },
    });
    const { description, events } = await runToEnd(arn, { qty: 3 });

    const output = JSON.parse(description.output ?? '');
    expect(output.envelope).toMatchObject({
      ExecutedVersion: '$LATEST',
      StatusCode: 200,
      Payload: { total: 15 },
    });
    expect(output.envelope.SdkHttpMetadata.HttpStatusCode).toBe(200);
    expect(output.plain).toEqual({ total: 15 });
    const scheduled = events.find((e) => e.type === 'TaskScheduled')?.taskScheduledEventDetails;
    expect(scheduled).toMatchObject({ resourceType: 'lambda', resource: 'invoke', region: 'us-east-1' });
    expect(JSON.parse(scheduled?.parameters ?? '')).toEqual({
      FunctionName: 'price-lines',
      Payload: { qty: 3 },
    });
  });

  it('fails a task after TimeoutSeconds with States.Timeout and a LambdaFunctionTimedOut event', async () => {
    const release = deferred();
    functions.set('slow-task', async () => {
      await release.promise;
      return 'late';
    });
    const arn = await createMachine({
      StartAt: 'Slow',
      States: { Slow: { Type: 'Task', Resource: arnOf('slow-task'), TimeoutSeconds: 1, End: true } },
    });
    const { description, events } = await runToEnd(arn, {});
    release.resolve();

    expect(description.status).toBe('FAILED');
    expect(description.error).toBe('States.Timeout');
    expect(types(events).slice(-2)).toEqual(['LambdaFunctionTimedOut', 'ExecutionFailed']);
    expect(events.at(-2)?.lambdaFunctionTimedOutEventDetails?.error).toBe('States.Timeout');
    expect(
      events.find((e) => e.type === 'LambdaFunctionScheduled')?.lambdaFunctionScheduledEventDetails
        ?.timeoutInSeconds,
    ).toBe(1);
  });

  it('times the whole execution out after the top-level TimeoutSeconds: TIMED_OUT and ExecutionTimedOut', async () => {
    const release = deferred();
    functions.set('outlives-execution', async () => {
      await release.promise;
      return 'late';
    });
    const arn = await createMachine({
      TimeoutSeconds: 1,
      StartAt: 'Long',
      States: {
        Long: { Type: 'Task', Resource: arnOf('outlives-execution'), TimeoutSeconds: 30, End: true },
      },
    });
    const { description, events } = await runToEnd(arn, {});
    release.resolve();

    expect(description.status).toBe('TIMED_OUT');
    expect(description.error).toBe('States.Timeout');
    expect(events.at(-1)?.type).toBe('ExecutionTimedOut');
    expect(events.at(-1)?.executionTimedOutEventDetails?.error).toBe('States.Timeout');
  });

  it('reports a function timeout as Sandbox.Timedout and a missing function as Lambda.ResourceNotFoundException', async () => {
    functions.set('times-out', () => {
      throw new FunctionTimeout();
    });
    const timedOut = await runToEnd(
      await createMachine({
        StartAt: 'T',
        States: { T: { Type: 'Task', Resource: arnOf('times-out'), End: true } },
      }),
      {},
    );
    expect(timedOut.description.error).toBe('Sandbox.Timedout');
    expect(JSON.parse(timedOut.description.cause ?? '')).toMatchObject({ errorType: 'Sandbox.Timedout' });

    const missing = await runToEnd(
      await createMachine({
        StartAt: 'M',
        States: { M: { Type: 'Task', Resource: arnOf('no-such-function'), End: true } },
      }),
      {},
    );
    expect(missing.description.error).toBe('Lambda.ResourceNotFoundException');
    expect(missing.description.cause).toMatch(/Function not found/);
  });
});

describe('control flow', () => {
  const flow = {
    StartAt: 'Route',
    States: {
      Route: {
        Type: 'Choice',
        Choices: [{ Variable: '$.kind', StringEquals: 'bulk', Next: 'Fanout' }],
        Default: 'Pause',
      },
      Pause: { Type: 'Wait', Seconds: 5, Next: 'Skip' },
      Skip: { Type: 'Pass', Result: 'skipped', End: true },
      Fanout: {
        Type: 'Parallel',
        Branches: [
          {
            StartAt: 'PriceEach',
            States: {
              PriceEach: {
                Type: 'Map',
                ItemsPath: '$.items',
                ItemProcessor: {
                  StartAt: 'PriceItem',
                  States: { PriceItem: { Type: 'Task', Resource: arnOf('price-item'), End: true } },
                },
                End: true,
              },
            },
          },
          {
            StartAt: 'Notify',
            States: {
              Notify: {
                Type: 'Task',
                Resource: 'arn:aws:states:::lambda:invoke',
                Parameters: { FunctionName: arnOf('notify'), 'Payload.$': '$.kind' },
                OutputPath: '$.Payload',
                End: true,
              },
            },
          },
        ],
        End: true,
      },
    },
  };

  it('runs Choice, Parallel and Map with Lambda tasks inside and records their AWS events', async () => {
    functions.set('price-item', (event) => ({ sku: (event as { sku: string }).sku, price: 10 }));
    functions.set('notify', (event) => `notified:${String(event)}`);
    const arn = await createMachine(flow);
    const { description, events } = await runToEnd(arn, {
      kind: 'bulk',
      items: [{ sku: 'a' }, { sku: 'b' }, { sku: 'c' }],
    });

    expect(description.status).toBe('SUCCEEDED');
    expect(JSON.parse(description.output ?? '')).toEqual([
      [
        { sku: 'a', price: 10 },
        { sku: 'b', price: 10 },
        { sku: 'c', price: 10 },
      ],
      'notified:bulk',
    ]);
    const seen = types(events);
    expect(seen.slice(0, 5)).toEqual([
      'ExecutionStarted',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'ParallelStateEntered',
      'ParallelStateStarted',
    ]);
    expect(seen.slice(-3)).toEqual(['ParallelStateSucceeded', 'ParallelStateExited', 'ExecutionSucceeded']);
    expect(seen.filter((t) => t === 'MapIterationStarted')).toHaveLength(3);
    expect(seen.filter((t) => t === 'MapIterationSucceeded')).toHaveLength(3);
    expect(seen.filter((t) => t === 'LambdaFunctionSucceeded')).toHaveLength(3);
    expect(seen).toContain('TaskSucceeded');
    const mapEvents = seen.filter((t) => t.startsWith('MapState'));
    expect(mapEvents).toEqual(['MapStateEntered', 'MapStateStarted', 'MapStateSucceeded', 'MapStateExited']);
    expect(events.find((e) => e.type === 'MapStateStarted')?.mapStateStartedEventDetails?.length).toBe(3);
    const indexes = events
      .filter((e) => e.type === 'MapIterationStarted')
      .map((e) => e.mapIterationStartedEventDetails);
    expect(indexes).toEqual(
      expect.arrayContaining([
        { name: 'PriceEach', index: 0 },
        { name: 'PriceEach', index: 2 },
      ]),
    );
  });

  it('takes the Choice default through a Wait that waitTimeScale shortens', async () => {
    const arn = await createMachine(flow);
    const started = Date.now();
    const { description, events } = await runToEnd(arn, { kind: 'single' });

    expect(Date.now() - started).toBeLessThan(2_000);
    expect(JSON.parse(description.output ?? '')).toBe('skipped');
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
  });
});

describe('executions API', () => {
  it('returns the running execution for the same name and input and refuses a different input or an ended one', async () => {
    const release = deferred();
    functions.set('held', async () => {
      await release.promise;
      return 'ok';
    });
    const arn = await createMachine({
      StartAt: 'H',
      States: { H: { Type: 'Task', Resource: arnOf('held'), End: true } },
    });
    const first = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'order-42', input: '{"a":1}' }),
    );
    const again = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'order-42', input: '{"a":1}' }),
    );

    expect(first.executionArn).toBe(
      `arn:aws:states:us-east-1:000000000000:execution:${arn.split(':').at(-1)}:order-42`,
    );
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate?.getTime()).toBe(first.startDate?.getTime());
    const different = await errorOf(
      sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'order-42', input: '{"a":2}' })),
    );
    expect(different.name).toBe('ExecutionAlreadyExists');

    release.resolve();
    await emulator.waitForExecution(first.executionArn ?? '', 5_000);
    const ended = await errorOf(
      sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'order-42', input: '{"a":1}' })),
    );
    expect(ended.name).toBe('ExecutionAlreadyExists');
  });

  it('pages the history in both orders', async () => {
    functions.set('echo', (event) => event);
    const arn = await createMachine({
      StartAt: 'A',
      States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Task', Resource: arnOf('echo'), End: true } },
    });
    const { executionArn, events } = await runToEnd(arn, { x: 1 });
    const collect = async (reverseOrder: boolean): Promise<number[]> => {
      const ids: number[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(
          new GetExecutionHistoryCommand({ executionArn, maxResults: 3, reverseOrder, nextToken }),
        );
        expect(page.events?.length).toBeLessThanOrEqual(3);
        ids.push(...(page.events ?? []).map((e) => e.id ?? 0));
        nextToken = page.nextToken;
      } while (nextToken);
      return ids;
    };

    expect(events).toHaveLength(9);
    expect(await collect(false)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await collect(true)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    const newest = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }),
    );
    expect(newest.events?.[0]?.type).toBe('ExecutionSucceeded');
    expect(newest.events?.[0]?.timestamp).toBeInstanceOf(Date);
    const noData = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, includeExecutionData: false }),
    );
    expect(noData.events?.[0]?.executionStartedEventDetails?.input).toBeUndefined();
  });

  it('lists executions newest first, filtered by status and paged', async () => {
    functions.set('maybe-fail', (event) => {
      if ((event as { fail: boolean }).fail) throw namedError('Boom', 'failed on purpose');
      return 'fine';
    });
    const arn = await createMachine({
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: arnOf('maybe-fail'), End: true } },
    });
    for (const [name, fail] of [
      ['e1', false],
      ['e2', true],
      ['e3', false],
      ['e4', true],
    ] as const) {
      await runToEnd(arn, { fail }, name);
    }

    const all = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn }));
    expect(all.executions?.map((e) => e.name)).toEqual(['e4', 'e3', 'e2', 'e1']);
    const failed = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'FAILED' }),
    );
    expect(failed.executions?.map((e) => [e.name, e.status])).toEqual([
      ['e4', 'FAILED'],
      ['e2', 'FAILED'],
    ]);
    const firstPage = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 3 }));
    const secondPage = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 3, nextToken: firstPage.nextToken }),
    );
    expect(firstPage.executions?.map((e) => e.name)).toEqual(['e4', 'e3', 'e2']);
    expect(secondPage.executions?.map((e) => e.name)).toEqual(['e1']);
    expect(secondPage.nextToken).toBeUndefined();
    expect(all.executions?.[0]?.stopDate).toBeInstanceOf(Date);
  });

  it('stops a running execution: ABORTED, the running state aborted, then ExecutionAborted', async () => {
    const release = deferred();
    functions.set('never-ends', async () => {
      await release.promise;
      return 'too late';
    });
    const arn = await createMachine({
      StartAt: 'Stuck',
      States: {
        Stuck: { Type: 'Task', Resource: arnOf('never-ends'), Next: 'After' },
        After: { Type: 'Succeed' },
      },
    });
    const { executionArn = '' } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const stopped = await sfn.send(
      new StopExecutionCommand({ executionArn, error: 'Cancelled', cause: 'shopper left' }),
    );
    release.resolve();

    expect(stopped.stopDate).toBeInstanceOf(Date);
    const description = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(description.status).toBe('ABORTED');
    expect(description.error).toBe('Cancelled');
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(types(events).slice(-2)).toEqual(['TaskStateAborted', 'ExecutionAborted']);
    expect(events.at(-1)?.executionAbortedEventDetails).toEqual({
      error: 'Cancelled',
      cause: 'shopper left',
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const later = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(later.events).toHaveLength(events.length);
  });

  it('rejects bad execution input, names and ARNs with AWS error types', async () => {
    const arn = await createMachine({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });

    expect(
      (await errorOf(sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{oops' })))).name,
    ).toBe('InvalidExecutionInput');
    expect(
      (await errorOf(sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'has space' })))).name,
    ).toBe('InvalidName');
    expect((await errorOf(sfn.send(new StartExecutionCommand({ stateMachineArn: 'not-an-arn' })))).name).toBe(
      'InvalidArn',
    );
    expect(
      (
        await errorOf(
          sfn.send(new StartExecutionCommand({ stateMachineArn: emulator.stateMachineArn('missing') })),
        )
      ).name,
    ).toBe('StateMachineDoesNotExist');
    expect(
      (
        await errorOf(
          sfn.send(new DescribeExecutionCommand({ executionArn: emulator.executionArn('missing', 'x') })),
        )
      ).name,
    ).toBe('ExecutionDoesNotExist');
    expect(
      (await errorOf(sfn.send(new GetExecutionHistoryCommand({ executionArn: 'arn:aws:states:::nope' }))))
        .name,
    ).toBe('InvalidArn');
  });
});

describe('state machines API', () => {
  const simple = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };

  it('creates idempotently, refuses a different definition under the same name, lists, describes and deletes', async () => {
    const first = await sfn.send(
      new CreateStateMachineCommand({
        name: 'checkout',
        definition: JSON.stringify(simple),
        roleArn: 'arn:aws:iam::000000000000:role/r',
      }),
    );
    const again = await sfn.send(
      new CreateStateMachineCommand({
        name: 'checkout',
        definition: JSON.stringify(simple),
        roleArn: 'arn:aws:iam::000000000000:role/r',
      }),
    );
    expect(first.stateMachineArn).toBe('arn:aws:states:us-east-1:000000000000:stateMachine:checkout');
    expect(again.creationDate?.getTime()).toBe(first.creationDate?.getTime());
    const conflict = await errorOf(
      sfn.send(
        new CreateStateMachineCommand({
          name: 'checkout',
          definition: JSON.stringify({ ...simple, Comment: 'changed' }),
          roleArn: 'arn:aws:iam::000000000000:role/r',
        }),
      ),
    );
    expect(conflict.name).toBe('StateMachineAlreadyExists');

    const described = await sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: first.stateMachineArn }),
    );
    expect(described).toMatchObject({
      name: 'checkout',
      type: 'STANDARD',
      status: 'ACTIVE',
      definition: JSON.stringify(simple),
    });
    const listed = await sfn.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines?.map((m) => m.name)).toContain('checkout');

    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: first.stateMachineArn }));
    const gone = await errorOf(
      sfn.send(new DescribeStateMachineCommand({ stateMachineArn: first.stateMachineArn })),
    );
    expect(gone.name).toBe('StateMachineDoesNotExist');
  });

  it('rejects an invalid definition with the validator message as InvalidDefinition', async () => {
    const invalid = await errorOf(
      createMachine({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } }),
    );
    expect(invalid.name).toBe('InvalidDefinition');
    expect(invalid.message).toMatch(/MISSING_TRANSITION_TARGET.*Nowhere/);

    const unresolved = await errorOf(
      createMachine({
        StartAt: 'T',
        States: { T: { Type: 'Task', Resource: '${ReserveStockArn}', End: true } },
      }),
    );
    expect(unresolved.name).toBe('InvalidDefinition');
    expect(unresolved.message).toMatch(/\$\{ReserveStockArn\}.*not supported locally/);
  });
});

describe('createStateMachineFromFile', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sfn-asl-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('substitutes ${Key} placeholders with function ARNs and runs the result', async () => {
    functions.set('confirm-order', (event) => ({ ...(event as object), confirmed: true }));
    const path = join(dir, 'saga.asl.json');
    await writeFile(
      path,
      JSON.stringify({
        StartAt: 'Confirm',
        States: { Confirm: { Type: 'Task', Resource: '${ConfirmOrderFunctionArn}', End: true } },
      }),
    );
    const machine = await emulator.createStateMachineFromFile('from-file', path, {
      ConfirmOrderFunctionArn: arnOf('confirm-order'),
    });
    const { description } = await runToEnd(machine.stateMachineArn, { orderId: 'o-9' });

    expect(JSON.parse(machine.definition).States.Confirm.Resource).toBe(arnOf('confirm-order'));
    expect(JSON.parse(description.output ?? '')).toEqual({ orderId: 'o-9', confirmed: true });
  });

  it('names every placeholder that has no substitution', async () => {
    const path = join(dir, 'incomplete.asl.json');
    await writeFile(
      path,
      JSON.stringify({
        StartAt: 'A',
        States: {
          A: { Type: 'Task', Resource: '${KnownArn}', Next: 'B' },
          B: { Type: 'Task', Resource: '${ForgottenArn}', End: true },
        },
      }),
    );
    const error = await errorOf(
      emulator.createStateMachineFromFile('incomplete', path, { KnownArn: arnOf('a') }),
    );

    expect(error).toBeInstanceOf(UnknownPlaceholderError);
    expect(error.message).toContain('${ForgottenArn}');
    expect(error.message).not.toContain('${KnownArn}');
  });
});
