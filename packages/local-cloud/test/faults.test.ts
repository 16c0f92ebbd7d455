import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FaultSpec, LOCAL_CREDENTIALS, type LocalStack, startLocalStack } from '../src/index.ts';
import echoService from './fixtures/echo-service/src/service.ts';

const execFileAsync = promisify(execFile);

describe('faults injected into a running stack', () => {
  let stack: LocalStack;
  let root: string;
  let lambda: LambdaClient;
  let dynamodb: DynamoDBClient;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'shop-faults-'));
    stack = await startLocalStack({ root, services: [echoService], port: 0, edgePort: 0, log: () => {} });
    const config = { endpoint: stack.edgeUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS };
    lambda = new LambdaClient({ ...config, maxAttempts: 1 });
    dynamodb = new DynamoDBClient({ ...config, maxAttempts: 1 });
  });

  afterEach(() => {
    stack.faults.clear();
  });

  afterAll(async () => {
    lambda?.destroy();
    dynamodb?.destroy();
    await stack?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  /** `npm run local -- fault ...`, against this stack's edge. */
  const fault = async (...args: string[]) => {
    const main = new URL('../src/cli/main.ts', import.meta.url).pathname;
    const { stdout } = await execFileAsync(process.execPath, [main, 'fault', ...args], {
      env: { ...process.env, AWS_ENDPOINT_URL: stack.edgeUrl },
    });
    return stdout;
  };

  const invokeDouble = async () => {
    const result = await lambda.send(
      new InvokeCommand({
        FunctionName: 'echo-double',
        Payload: new TextEncoder().encode(JSON.stringify({ key: 'k', value: 2 })),
      }),
    );
    return {
      functionError: result.FunctionError,
      payload: JSON.parse(new TextDecoder().decode(result.Payload)) as Record<string, unknown>,
    };
  };

  it('makes a function fail with the named error, lists the fault with its hits, and clears it', async () => {
    expect(await fault('add', '--function', 'echo-double', '--error', 'TransientError')).toMatch(
      /^fault-\d+ {2}echo-double: fails with TransientError {2}\(rate 1\)/,
    );
    expect(await invokeDouble()).toEqual({
      functionError: 'Unhandled',
      payload: { errorType: 'TransientError', errorMessage: 'Fault injected by the local runtime' },
    });
    expect(await fault('list')).toMatch(/echo-double: fails with TransientError {2}rate 1, struck 1 of 1/);
    expect(await fault('clear')).toBe('removed 1 fault\n');
    expect(await invokeDouble()).toEqual({ functionError: undefined, payload: { key: 'k', value: 4 } });
    expect(await fault('list')).toBe('no faults\n');
  });

  it('throttles item operations on a service table, as DynamoDB over its capacity does', async () => {
    await fault('add', '--throttle-table', 'echo');
    const read = dynamodb.send(
      new GetItemCommand({ TableName: 'shop-echo', Key: { pk: { S: 'a' }, sk: { S: 'b' } } }),
    );
    await expect(read).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    // The control plane is not throttled by an item-capacity fault.
    await expect(dynamodb.send(new DescribeTableCommand({ TableName: 'shop-echo' }))).resolves.toBeDefined();
    stack.faults.clear();
    await expect(
      dynamodb.send(new GetItemCommand({ TableName: 'shop-echo', Key: { pk: { S: 'a' }, sk: { S: 'b' } } })),
    ).resolves.toBeDefined();
  });

  it('refuses a fault on something the stack does not have, and a fault that does not parse', async () => {
    await expect(fault('add', '--function', 'nobody', '--timeout')).rejects.toThrow(
      /no function named "nobody"; known: .*echo-double/,
    );
    const bad = await fetch(`${stack.edgeUrl}/_local/faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'function-error', function: 'echo-double', rate: 2 }),
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect(await bad.json()).toMatchObject({ status: 400, detail: expect.stringMatching(/^\/rate: /) });
    expect(stack.faults.list()).toEqual([]);
  });

  it('reports how the host runs each function: invocations, errors, cold starts, durations', async () => {
    const before = (await (await fetch(`${stack.edgeUrl}/_local/functions`)).json()) as {
      items: { name: string; invocations: number; errors: number }[];
    };
    const was = before.items.find((fn) => fn.name === 'echo-double');
    stack.faults.add(FaultSpec.parse({ kind: 'function-error', function: 'echo-double' }));
    await invokeDouble();
    stack.faults.clear();
    await invokeDouble();
    const after = (await (await fetch(`${stack.edgeUrl}/_local/functions`)).json()) as {
      items: {
        name: string;
        invocations: number;
        errors: number;
        coldStarts: number;
        durationP50Ms?: number;
      }[];
    };
    const now = after.items.find((fn) => fn.name === 'echo-double');
    expect(now?.invocations).toBe((was?.invocations ?? 0) + 2);
    expect(now?.errors).toBe((was?.errors ?? 0) + 1);
    expect(now?.coldStarts).toBeGreaterThanOrEqual(1);
    expect(now?.durationP50Ms).toBeGreaterThan(0);
  });

  it('kills the warm environments of a function, so that the next invocation cold-starts', async () => {
    await invokeDouble();
    expect(stack.host.get('echo-double')?.environments).toBe(1);
    const coldStarts = stack.host.get('echo-double')?.coldStarts ?? 0;
    expect(await fault('kill', '--function', 'echo-double')).toBe(
      'echo-double: 1 execution environment terminated\n',
    );
    expect(stack.host.get('echo-double')?.environments).toBe(0);
    await invokeDouble();
    expect(stack.host.get('echo-double')?.coldStarts).toBe(coldStarts + 1);
  });
});
