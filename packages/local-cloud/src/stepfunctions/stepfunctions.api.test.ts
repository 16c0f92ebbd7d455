import { Agent } from 'node:http';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  ListTagsForResourceCommand,
  RedriveExecutionCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StopExecutionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionArn } from '../lambda/lambda.types.ts';
import {
  deferred,
  errorOf,
  namedError,
  type SfnTestBed,
  sfnClient,
  startSfnTestBed,
  types,
} from './stepfunctions.test-support.ts';

let bed: SfnTestBed;

beforeAll(async () => {
  bed = await startSfnTestBed();
});

afterAll(async () => {
  await bed.close();
});

const pass = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };

const started = async (stateMachineArn: string, input: unknown = {}, name?: string): Promise<string> => {
  const { executionArn = '' } = await bed.sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name }),
  );
  return executionArn;
};

const settled = async (executionArn: string) => {
  await bed.emulator.waitForExecution(executionArn, 10_000);
  const description = await bed.sfn.send(new DescribeExecutionCommand({ executionArn }));
  const { events = [] } = await bed.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
  return { description, events };
};

describe('UpdateStateMachine and DescribeStateMachineForExecution', () => {
  it('gives new executions the new revision while a running one keeps the definition it started with', async () => {
    const release = deferred();
    bed.functions.set('slow-v1', async () => {
      await release.promise;
      return { version: 1 };
    });
    const v1 = {
      StartAt: 'Work',
      States: { Work: { Type: 'Task', Resource: functionArn('slow-v1'), End: true } },
    };
    const arn = await bed.createMachine(v1);
    const running = await started(arn);

    const v2 = { StartAt: 'Work', States: { Work: { Type: 'Pass', Result: { version: 2 }, End: true } } };
    const updated = await bed.sfn.send(
      new UpdateStateMachineCommand({ stateMachineArn: arn, definition: JSON.stringify(v2) }),
    );
    expect(updated.updateDate).toBeInstanceOf(Date);
    expect(updated.revisionId).toMatch(/^[0-9a-f-]{36}$/);

    const described = await bed.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(JSON.parse(described.definition ?? '')).toEqual(v2);
    expect(described.revisionId).toBe(updated.revisionId);
    const forRunning = await bed.sfn.send(
      new DescribeStateMachineForExecutionCommand({ executionArn: running }),
    );
    expect(JSON.parse(forRunning.definition ?? '')).toEqual(v1);
    expect(forRunning.revisionId).toBeUndefined();

    const fresh = await settled(await started(arn));
    expect(JSON.parse(fresh.description.output ?? '')).toEqual({ version: 2 });
    release.resolve();
    const old = await settled(running);
    expect(JSON.parse(old.description.output ?? '')).toEqual({ version: 1 });
  });

  it('refuses an update without changes, an invalid definition and version publishing', async () => {
    const arn = await bed.createMachine(pass);
    expect((await errorOf(bed.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn })))).name).toBe(
      'MissingRequiredParameter',
    );
    const invalid = await errorOf(
      bed.sfn.send(
        new UpdateStateMachineCommand({
          stateMachineArn: arn,
          definition: JSON.stringify({ StartAt: 'X', States: { X: { Type: 'Pass', Next: 'Gone' } } }),
        }),
      ),
    );
    expect(invalid.name).toBe('InvalidDefinition');
    const publish = await errorOf(
      bed.sfn.send(
        new UpdateStateMachineCommand({
          stateMachineArn: arn,
          roleArn: 'arn:aws:iam::000000000000:role/x',
          publish: true,
        }),
      ),
    );
    expect(publish.name).toBe('ValidationException');
    expect(publish.message).toMatch(/not emulated/);
    expect(
      (
        await errorOf(
          bed.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: `${arn}-gone`, roleArn: 'r' })),
        )
      ).name,
    ).toBe('StateMachineDoesNotExist');
  });
});

describe('ValidateStateMachineDefinition', () => {
  it('answers OK for a valid definition and FAIL with coded, located diagnostics otherwise', async () => {
    const ok = await bed.sfn.send(
      new ValidateStateMachineDefinitionCommand({ definition: JSON.stringify(pass) }),
    );
    expect(ok).toMatchObject({ result: 'OK', diagnostics: [] });

    const dangling = await bed.sfn.send(
      new ValidateStateMachineDefinitionCommand({
        definition: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } }),
      }),
    );
    expect(dangling.result).toBe('FAIL');
    expect(dangling.diagnostics?.[0]).toMatchObject({ severity: 'ERROR', code: 'MISSING_TRANSITION_TARGET' });
    expect(dangling.diagnostics?.[0]?.message).toContain('Nowhere');

    const schema = await bed.sfn.send(
      new ValidateStateMachineDefinitionCommand({
        definition: JSON.stringify({
          StartAt: 'B',
          States: { B: { Type: 'Task', Resource: 'nope', End: true } },
        }),
      }),
    );
    expect(schema.diagnostics?.[0]).toMatchObject({
      code: 'SCHEMA_VALIDATION_FAILED',
      location: '/States/B/Resource',
    });

    const notJson = await bed.sfn.send(new ValidateStateMachineDefinitionCommand({ definition: '{oops' }));
    expect(notJson.diagnostics?.[0]?.code).toBe('INVALID_JSON_DESCRIPTION');

    const express = await bed.sfn.send(
      new ValidateStateMachineDefinitionCommand({
        type: 'EXPRESS',
        definition: JSON.stringify({
          StartAt: 'Wait',
          States: {
            Wait: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
              Parameters: { FunctionName: 'f', 'Payload.$': '$$.Task.Token' },
              End: true,
            },
          },
        }),
      }),
    );
    expect(express.result).toBe('FAIL');
    expect(express.diagnostics?.[0]?.message).toMatch(
      /Express state machine does not support '.waitForTaskToken'/,
    );
  });
});

describe('tags', () => {
  const tagsOf = async (resourceArn: string) =>
    (await bed.sfn.send(new ListTagsForResourceCommand({ resourceArn }))).tags ?? [];

  it('keeps the tags given at creation and adds, overwrites and removes them', async () => {
    const { stateMachineArn = '' } = await bed.sfn.send(
      new CreateStateMachineCommand({
        name: 'tagged',
        definition: JSON.stringify(pass),
        roleArn: 'arn:aws:iam::000000000000:role/r',
        tags: [
          { key: 'service', value: 'order' },
          { key: 'stage', value: 'dev' },
        ],
      }),
    );
    expect(await tagsOf(stateMachineArn)).toEqual([
      { key: 'service', value: 'order' },
      { key: 'stage', value: 'dev' },
    ]);
    await bed.sfn.send(
      new TagResourceCommand({
        resourceArn: stateMachineArn,
        tags: [
          { key: 'stage', value: 'prod' },
          { key: 'team', value: 'checkout' },
        ],
      }),
    );
    await bed.sfn.send(new UntagResourceCommand({ resourceArn: stateMachineArn, tagKeys: ['service'] }));
    expect(await tagsOf(stateMachineArn)).toEqual([
      { key: 'stage', value: 'prod' },
      { key: 'team', value: 'checkout' },
    ]);
  });

  it('refuses more than 50 tags, bad keys and unknown resources with AWS error types', async () => {
    const arn = await bed.createMachine(pass);
    const fifty = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    await bed.sfn.send(new TagResourceCommand({ resourceArn: arn, tags: fifty }));
    const tooMany = await errorOf(
      bed.sfn.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'one-more', value: 'v' }] })),
    );
    expect(tooMany.name).toBe('TooManyTags');
    expect(tooMany.resourceName).toBe(arn);
    expect((await tagsOf(arn)).length).toBe(50);

    const badKey = await errorOf(
      bed.sfn.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'a#b', value: '' }] })),
    );
    expect(badKey.name).toBe('ValidationException');
    const unknown = await errorOf(
      bed.sfn.send(new ListTagsForResourceCommand({ resourceArn: `${arn}-nope` })),
    );
    expect(unknown.name).toBe('ResourceNotFound');
    expect(
      (await errorOf(bed.sfn.send(new ListTagsForResourceCommand({ resourceArn: 'arn:nope' })))).name,
    ).toBe('InvalidArn');
  });
});

describe('DescribeStateMachine configurations and regions', () => {
  it('reports the AWS-owned key by default and the configurations it was created with', async () => {
    const plain = await bed.createMachine(pass);
    const described = await bed.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: plain }));
    expect(described.encryptionConfiguration).toEqual({ type: 'AWS_OWNED_KEY' });
    expect(described.loggingConfiguration).toEqual({ level: 'OFF', includeExecutionData: false });
    expect(described.tracingConfiguration).toEqual({ enabled: false });

    const { stateMachineArn = '' } = await bed.sfn.send(
      new CreateStateMachineCommand({
        name: 'encrypted',
        definition: JSON.stringify(pass),
        roleArn: 'arn:aws:iam::000000000000:role/r',
        encryptionConfiguration: {
          type: 'CUSTOMER_MANAGED_KMS_KEY',
          kmsKeyId: 'arn:aws:kms:us-east-1:000000000000:key/k',
          kmsDataKeyReusePeriodSeconds: 300,
        },
        tracingConfiguration: { enabled: true },
      }),
    );
    const encrypted = await bed.sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    expect(encrypted.encryptionConfiguration).toEqual({
      type: 'CUSTOMER_MANAGED_KMS_KEY',
      kmsKeyId: 'arn:aws:kms:us-east-1:000000000000:key/k',
      kmsDataKeyReusePeriodSeconds: 300,
    });
    expect(encrypted.tracingConfiguration).toEqual({ enabled: true });
    const noKey = await errorOf(
      bed.sfn.send(
        new CreateStateMachineCommand({
          name: 'no-key',
          definition: JSON.stringify(pass),
          roleArn: 'arn:aws:iam::000000000000:role/r',
          encryptionConfiguration: { type: 'CUSTOMER_MANAGED_KMS_KEY' },
        }),
      ),
    );
    expect(noKey.name).toBe('InvalidEncryptionConfiguration');
  });

  it('treats a repeated create that differs only in role or tags as the same machine, as AWS does', async () => {
    const create = (roleArn: string, tags: { key: string; value: string }[]) =>
      bed.sfn.send(
        new CreateStateMachineCommand({
          name: 'idempotent',
          definition: JSON.stringify(pass),
          roleArn,
          tags,
        }),
      );
    const first = await create('arn:aws:iam::000000000000:role/a', [{ key: 'x', value: '1' }]);
    const again = await create('arn:aws:iam::000000000000:role/b', [{ key: 'x', value: '2' }]);
    expect(again.stateMachineArn).toBe(first.stateMachineArn);
    const described = await bed.sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: first.stateMachineArn }),
    );
    expect(described.roleArn).toBe('arn:aws:iam::000000000000:role/a');
  });

  it('puts machines and executions in the region the client signed for and lists per region', async () => {
    const west = sfnClient(bed.edge.url, 'eu-west-1');
    try {
      const { stateMachineArn = '' } = await west.send(
        new CreateStateMachineCommand({
          name: 'in-ireland',
          definition: JSON.stringify(pass),
          roleArn: 'arn:aws:iam::000000000000:role/r',
        }),
      );
      expect(stateMachineArn).toBe('arn:aws:states:eu-west-1:000000000000:stateMachine:in-ireland');
      const { executionArn = '' } = await west.send(
        new StartExecutionCommand({ stateMachineArn, name: 'e1' }),
      );
      expect(executionArn).toBe('arn:aws:states:eu-west-1:000000000000:execution:in-ireland:e1');

      const listedWest = await west.send(new ListStateMachinesCommand({}));
      expect(listedWest.stateMachines?.map((m) => m.name)).toEqual(['in-ireland']);
      const listedEast = await bed.sfn.send(new ListStateMachinesCommand({}));
      expect(listedEast.stateMachines?.map((m) => m.name)).not.toContain('in-ireland');
    } finally {
      west.destroy();
    }
  });
});

describe('StartSyncExecution (Express)', () => {
  const express = {
    StartAt: 'Double',
    States: {
      Double: { Type: 'Task', Resource: functionArn('double'), Next: 'Check' },
      Check: {
        Type: 'Choice',
        Choices: [{ Variable: '$.value', NumericGreaterThan: 10, Next: 'TooBig' }],
        Default: 'Done',
      },
      TooBig: { Type: 'Fail', Error: 'TooBig', Cause: 'over ten' },
      Done: { Type: 'Succeed' },
    },
  };

  it('runs to the end and answers with the result, with disableHostPrefix for the sync- prefix', async () => {
    bed.functions.set('double', (event) => ({ value: (event as { value: number }).value * 2 }));
    const arn = await bed.createMachine(express, { type: 'EXPRESS' });
    const sync = sfnClient(bed.edge.url, 'us-east-1', { disableHostPrefix: true });
    try {
      const result = await sync.send(
        new StartSyncExecutionCommand({ stateMachineArn: arn, name: 'quick', input: '{"value":4}' }),
      );
      expect(result).toMatchObject({
        status: 'SUCCEEDED',
        output: '{"value":8}',
        name: 'quick',
        stateMachineArn: arn,
      });
      expect(result.executionArn).toMatch(
        new RegExp(`^arn:aws:states:us-east-1:000000000000:express:${arn.split(':').at(-1)}:quick:`),
      );
      expect(result.stopDate?.getTime()).toBeGreaterThanOrEqual(result.startDate?.getTime() ?? Infinity);
      expect(result.billingDetails?.billedDurationInMilliseconds).toBeGreaterThanOrEqual(100);

      const failed = await sync.send(
        new StartSyncExecutionCommand({ stateMachineArn: arn, input: '{"value":6}' }),
      );
      expect(failed).toMatchObject({ status: 'FAILED', error: 'TooBig', cause: 'over ten' });
      expect(failed.output).toBeUndefined();
    } finally {
      sync.destroy();
    }
  });

  it('serves the sync- host the SDK prefixes by default wherever that name resolves to the edge', async () => {
    bed.functions.set('double', (event) => ({ value: (event as { value: number }).value * 2 }));
    const arn = await bed.createMachine(express, { type: 'EXPRESS' });
    const hosts: string[] = [];
    // What an /etc/hosts line `127.0.0.1 sync-127.0.0.1` would do, for this client only.
    const agent = new Agent({
      lookup: (hostname, options, callback) => {
        hosts.push(hostname);
        if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
        else
          (callback as unknown as (e: null, address: string, family: number) => void)(null, '127.0.0.1', 4);
      },
    });
    const prefixed = sfnClient(bed.edge.url, 'us-east-1', { requestHandler: { httpAgent: agent } });
    try {
      const result = await prefixed.send(
        new StartSyncExecutionCommand({ stateMachineArn: arn, input: '{"value":1}' }),
      );
      expect(result.status).toBe('SUCCEEDED');
      expect(hosts).toContain('sync-127.0.0.1');
    } finally {
      prefixed.destroy();
      agent.destroy();
    }
  });

  it('refuses a Standard state machine and an Express one that waits for a task token', async () => {
    const standard = await bed.createMachine(pass);
    const sync = sfnClient(bed.edge.url, 'us-east-1', { disableHostPrefix: true });
    try {
      const refused = await errorOf(sync.send(new StartSyncExecutionCommand({ stateMachineArn: standard })));
      expect(refused.name).toBe('StateMachineTypeNotSupported');
    } finally {
      sync.destroy();
    }
    const waiting = await errorOf(
      bed.createMachine(
        {
          StartAt: 'Wait',
          States: {
            Wait: {
              Type: 'Task',
              Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
              Parameters: { QueueUrl: 'q', 'MessageBody.$': '$$.Task.Token' },
              End: true,
            },
          },
        },
        { type: 'EXPRESS' },
      ),
    );
    expect(waiting.name).toBe('InvalidDefinition');
  });
});

describe('the .waitForTaskToken callback pattern', () => {
  const callbackMachine = (extra: object = {}) => ({
    StartAt: 'Approve',
    States: {
      Approve: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: {
          FunctionName: functionArn('request-approval'),
          Payload: { 'orderId.$': '$.orderId', 'token.$': '$$.Task.Token' },
        },
        ResultPath: '$.approval',
        ...extra,
        Next: 'Approved',
      },
      Approved: { Type: 'Succeed' },
      ...('Catch' in extra ? { Denied: { Type: 'Fail', Error: 'Denied' } } : {}),
    },
  });

  /** The function hands the token out (as a worker queue would) and returns at once. */
  const tokens = (): (() => Promise<string>) => {
    const waiting: ((token: string) => void)[] = [];
    const handed: string[] = [];
    bed.functions.set('request-approval', (event) => {
      const { token } = event as { token: string };
      const next = waiting.shift();
      if (next) next(token);
      else handed.push(token);
      return { queued: true };
    });
    return () => {
      const ready = handed.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    };
  };

  it('waits for SendTaskSuccess and continues with its output, with AWS history events', async () => {
    const nextToken = tokens();
    const arn = await bed.createMachine(callbackMachine());
    const executionArn = await started(arn, { orderId: 'o-1' });
    const token = await nextToken();
    expect((await bed.sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');

    await bed.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approvedBy":"ops"}' }));
    const { description, events } = await settled(executionArn);

    expect(description.status).toBe('SUCCEEDED');
    expect(JSON.parse(description.output ?? '')).toEqual({ orderId: 'o-1', approval: { approvedBy: 'ops' } });
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events[2]?.taskScheduledEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      region: 'us-east-1',
    });
    expect(JSON.parse(events[2]?.taskScheduledEventDetails?.parameters ?? '')).toMatchObject({
      Payload: { orderId: 'o-1', token },
    });
    expect(JSON.parse(events[4]?.taskSubmittedEventDetails?.output ?? '')).toMatchObject({
      Payload: { queued: true },
      StatusCode: 200,
    });
    const again = await errorOf(bed.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })));
    expect(again.name).toBe('TaskTimedOut');
  });

  it('fails the task with the error of SendTaskFailure, which Catch matches', async () => {
    const nextToken = tokens();
    const arn = await bed.createMachine(
      callbackMachine({
        Catch: [{ ErrorEquals: ['ApprovalRefused'], ResultPath: '$.error', Next: 'Denied' }],
      }),
    );
    const executionArn = await started(arn, { orderId: 'o-2' });
    await bed.sfn.send(
      new SendTaskFailureCommand({
        taskToken: await nextToken(),
        error: 'ApprovalRefused',
        cause: 'over budget',
      }),
    );
    const { description, events } = await settled(executionArn);

    expect(description).toMatchObject({ status: 'FAILED', error: 'Denied' });
    expect(events.find((e) => e.type === 'TaskFailed')?.taskFailedEventDetails).toMatchObject({
      error: 'ApprovalRefused',
      cause: 'over budget',
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
    });
  });

  it('keeps a task alive while heartbeats arrive and times it out with States.HeartbeatTimeout when they stop', async () => {
    const nextToken = tokens();
    const arn = await bed.createMachine(
      callbackMachine({
        HeartbeatSeconds: 2,
        Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'Denied' }],
      }),
    );
    const alive = await started(arn, { orderId: 'o-3' });
    const aliveToken = await nextToken();
    const beats = Date.now();
    // Heartbeats every 200 ms for longer than HeartbeatSeconds.
    while (Date.now() - beats < 2_500) {
      await bed.sfn.send(new SendTaskHeartbeatCommand({ taskToken: aliveToken }));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await bed.sfn.send(new SendTaskSuccessCommand({ taskToken: aliveToken, output: '"ok"' }));
    expect((await settled(alive)).description.status).toBe('SUCCEEDED');

    const silent = await started(arn, { orderId: 'o-4' });
    const silentToken = await nextToken();
    const { description, events } = await settled(silent);
    expect(description).toMatchObject({ status: 'FAILED', error: 'Denied' });
    expect(events.find((e) => e.type === 'TaskTimedOut')?.taskTimedOutEventDetails).toMatchObject({
      error: 'States.HeartbeatTimeout',
      resourceType: 'lambda',
    });
    expect((await errorOf(bed.sfn.send(new SendTaskHeartbeatCommand({ taskToken: silentToken })))).name).toBe(
      'TaskTimedOut',
    );
  });

  it('answers malformed, unknown and ended tokens and bad output with AWS error types', async () => {
    expect(
      (await errorOf(bed.sfn.send(new SendTaskSuccessCommand({ taskToken: 'bogus', output: '{}' })))).name,
    ).toBe('InvalidToken');
    // Shaped like the tokens the emulator hands out, but never handed out.
    const unknown = `AQ${'A'.repeat(128)}`;
    expect((await errorOf(bed.sfn.send(new SendTaskHeartbeatCommand({ taskToken: unknown })))).name).toBe(
      'TaskDoesNotExist',
    );
    const nextToken = tokens();
    const arn = await bed.createMachine(callbackMachine());
    const executionArn = await started(arn, { orderId: 'o-5' });
    const token = await nextToken();
    expect(
      (await errorOf(bed.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{nope' })))).name,
    ).toBe('InvalidOutput');
    await bed.sfn.send(new StopExecutionCommand({ executionArn }));
    expect(
      (await errorOf(bed.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })))).name,
    ).toBe('TaskTimedOut');
  });
});

describe('RedriveExecution', () => {
  const twoSteps = {
    StartAt: 'Reserve',
    States: {
      Reserve: { Type: 'Task', Resource: functionArn('reserve'), ResultPath: '$.reserved', Next: 'Charge' },
      Charge: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: functionArn('charge'), Payload: { 'original.$': '$$.Execution.Input' } },
        ResultSelector: { 'charged.$': '$.Payload' },
        Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 1, IntervalSeconds: 1 }],
        End: true,
      },
    },
  };

  it('restarts a failed execution at the failed state with the same input, keeping the history', async () => {
    let reservations = 0;
    let broken = true;
    bed.functions.set('reserve', () => {
      reservations += 1;
      return 'ok';
    });
    bed.functions.set('charge', (event) => {
      if (broken) throw namedError('Flaky', 'card network down');
      return event;
    });
    const arn = await bed.createMachine(twoSteps);
    const executionArn = await started(arn, { orderId: 'o-7' }, 'redrive-me');
    const first = await settled(executionArn);
    expect(first.description).toMatchObject({
      status: 'FAILED',
      error: 'Flaky',
      redriveCount: 0,
      redriveStatus: 'REDRIVABLE',
    });

    broken = false;
    const { redriveDate } = await bed.sfn.send(new RedriveExecutionCommand({ executionArn }));
    expect(redriveDate).toBeInstanceOf(Date);
    const { description, events } = await settled(executionArn);

    expect(description).toMatchObject({
      status: 'SUCCEEDED',
      redriveCount: 1,
      redriveStatus: 'NOT_REDRIVABLE',
    });
    expect(description.redriveStatusReason).toBe('Execution is SUCCEEDED and cannot be redriven');
    expect(description.redriveDate?.getTime()).toBe(redriveDate?.getTime());
    expect(JSON.parse(description.output ?? '')).toEqual({ charged: { original: { orderId: 'o-7' } } });
    expect(reservations).toBe(1);
    const eventTypes = types(events);
    const redriven = eventTypes.indexOf('ExecutionRedriven');
    expect(eventTypes.slice(0, redriven)).toEqual(types(first.events));
    expect(eventTypes.slice(redriven)).toEqual([
      'ExecutionRedriven',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events[redriven]?.executionRedrivenEventDetails).toEqual({ redriveCount: 1 });
    expect(events[redriven + 1]?.stateEnteredEventDetails?.name).toBe('Charge');
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));

    const listed = await bed.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, redriveFilter: 'REDRIVEN' }),
    );
    expect(listed.executions?.map((e) => [e.name, e.redriveCount])).toEqual([['redrive-me', 1]]);
    const notRedriven = await bed.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, redriveFilter: 'NOT_REDRIVEN' }),
    );
    expect(notRedriven.executions).toEqual([]);
  });

  it('redrives an aborted execution at the state it was stopped in, once per client token', async () => {
    const release = deferred();
    let calls = 0;
    bed.functions.set('reserve', () => 'ok');
    bed.functions.set('charge', async (event) => {
      calls += 1;
      if (calls === 1) await release.promise;
      return event;
    });
    const arn = await bed.createMachine(twoSteps);
    const executionArn = await started(arn, { orderId: 'o-8' });
    await expect.poll(() => calls).toBe(1);
    await bed.sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator', cause: 'paused' }));
    expect((await bed.sfn.send(new DescribeExecutionCommand({ executionArn }))).redriveStatus).toBe(
      'REDRIVABLE',
    );

    const first = await bed.sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: 'retry-1' }));
    const repeated = await bed.sfn.send(
      new RedriveExecutionCommand({ executionArn, clientToken: 'retry-1' }),
    );
    release.resolve();
    const { description } = await settled(executionArn);

    expect(repeated.redriveDate?.getTime()).toBe(first.redriveDate?.getTime());
    expect(description).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(calls).toBe(2);
  });

  it('refuses running, succeeded and unknown executions with AWS error types', async () => {
    const release = deferred();
    bed.functions.set('reserve', async () => {
      await release.promise;
      return 'ok';
    });
    bed.functions.set('charge', (event) => event);
    const arn = await bed.createMachine(twoSteps);
    const executionArn = await started(arn);
    const running = await errorOf(bed.sfn.send(new RedriveExecutionCommand({ executionArn })));
    expect(running.name).toBe('ExecutionNotRedrivable');
    expect(running.message).toBe('Execution is RUNNING and cannot be redriven');
    release.resolve();
    await settled(executionArn);
    expect((await errorOf(bed.sfn.send(new RedriveExecutionCommand({ executionArn })))).name).toBe(
      'ExecutionNotRedrivable',
    );
    expect(
      (await errorOf(bed.sfn.send(new RedriveExecutionCommand({ executionArn: `${executionArn}-none` }))))
        .name,
    ).toBe('ExecutionDoesNotExist');
  });
});
