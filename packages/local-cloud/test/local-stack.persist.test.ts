import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, type LocalStack, startLocalStack } from '../src/index.ts';
import echoService from './fixtures/echo-service/src/service.ts';

describe('the local stack with persist', () => {
  let root: string;
  let stack: LocalStack | undefined;

  const start = () =>
    startLocalStack({
      root,
      services: [echoService],
      port: 0,
      edgePort: 0,
      persist: true,
      waitTimeScale: 0.01,
      log: () => undefined,
    });

  const client = (running: LocalStack) =>
    new SFNClient({ endpoint: running.edgeUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'shop-persist-'));
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps state machines and executions in .data/stepfunctions across a restart', async () => {
    stack = await start();
    const first = client(stack);
    let executionArn = '';
    let eventCount = 0;
    try {
      const { stateMachines = [] } = await first.send(new ListStateMachinesCommand({}));
      const machine = stateMachines.find((m) => m.name === 'echo-pipeline');
      ({ executionArn = '' } = await first.send(
        new StartExecutionCommand({
          stateMachineArn: machine?.stateMachineArn,
          name: 'kept-1',
          input: JSON.stringify({ key: 'kept-1', value: 2 }),
        }),
      ));
      await stack.stepFunctions.waitForExecution(executionArn, 20_000);
      eventCount = (await first.send(new GetExecutionHistoryCommand({ executionArn }))).events?.length ?? 0;
    } finally {
      first.destroy();
      await stack.stop();
      stack = undefined;
    }
    expect(existsSync(join(root, '.data', 'stepfunctions', 'executions.jsonl'))).toBe(true);

    stack = await start();
    const second = client(stack);
    try {
      const { stateMachines = [] } = await second.send(new ListStateMachinesCommand({}));
      expect(stateMachines.filter((m) => m.name === 'echo-pipeline')).toHaveLength(1);
      const execution = await second.send(new DescribeExecutionCommand({ executionArn }));
      expect(execution.status).toBe('SUCCEEDED');
      expect(JSON.parse(execution.output ?? '{}')).toEqual({ value: 4, attempts: 3 });
      const { events = [] } = await second.send(new GetExecutionHistoryCommand({ executionArn }));
      expect(events).toHaveLength(eventCount);
      const again = await second
        .send(
          new StartExecutionCommand({
            stateMachineArn: execution.stateMachineArn,
            name: 'kept-1',
            input: JSON.stringify({ key: 'kept-1', value: 2 }),
          }),
        )
        .then(
          () => 'started',
          (error: Error) => error.name,
        );
      expect(again).toBe('ExecutionAlreadyExists');
    } finally {
      second.destroy();
    }
    // Two stack starts (JVM, bundles) in one test.
  }, 120_000);
});
