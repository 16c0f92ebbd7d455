import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient, GetItemCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, type LocalStack, PortInUseError, startLocalStack } from '../src/index.ts';
import { portInUseErrorOf } from '../src/stack/listen-ports.check.ts';
import echoService from './fixtures/echo-service/src/service.ts';

describe('the local stack', () => {
  let stack: LocalStack;
  let root: string;
  const lines: string[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'shop-stack-'));
    stack = await startLocalStack({
      root,
      services: [echoService],
      port: 0,
      edgePort: 0,
      log: (line) => lines.push(line),
    });
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const get = (path: string, init?: RequestInit) => fetch(`${stack.gatewayUrl}${path}`, init);

  it('gives the handler the API Gateway v2 event it would get in AWS', async () => {
    const res = await get('/echo/42?color=red&color=blue', {
      headers: { cookie: 'a=1; b=2', 'x-trace': 't' },
    });
    expect(res.status).toBe(200);
    const { event } = (await res.json()) as {
      event: { requestContext: Record<string, unknown>; headers: Record<string, string> };
    };
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /echo/{id}',
      rawPath: '/echo/42',
      rawQueryString: 'color=red&color=blue',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { color: 'red,blue' },
      pathParameters: { id: '42' },
      isBase64Encoded: false,
    });
    expect(event.requestContext).toMatchObject({
      stage: '$default',
      routeKey: 'GET /echo/{id}',
      http: { method: 'GET', path: '/echo/42' },
    });
    expect(event.headers['x-trace']).toBe('t');
  });

  it('checks the JWT at the gateway and again in the function', async () => {
    expect((await get('/whoami')).status).toBe(401);
    const { token } = await stack.devIssuer.mint({ sub: 'alice', roles: ['customer'] });
    const res = await get('/whoami', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sub: 'alice' });
  });

  it('mints dev tokens at POST /dev/token that the API accepts', async () => {
    const minted = await get('/dev/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: 'bob', roles: ['admin'] }),
    });
    const { token, expiresIn } = (await minted.json()) as { token: string; expiresIn: number };
    expect(expiresIn).toBeGreaterThan(0);
    expect((await get('/whoami', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('runs the seed and lets functions use their table through the edge', async () => {
    const res = await get('/counters/seeded', { method: 'POST' });
    expect(await res.json()).toEqual({ count: 42 });
  });

  it('serves DynamoDB to the AWS SDK on the edge', async () => {
    const client = new DynamoDBClient({
      endpoint: stack.edgeUrl,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    const tables = await client.send(new ListTablesCommand({}));
    expect(tables.TableNames).toContain('shop-echo');
    const item = await client.send(
      new GetItemCommand({
        TableName: 'shop-echo',
        Key: { pk: { S: 'COUNTER#seeded' }, sk: { S: 'COUNTER' } },
      }),
    );
    expect(item.Item?.count?.N).toBeDefined();
    client.destroy();
  });

  it('invokes functions through the Lambda API on the edge', async () => {
    const lambda = new LambdaClient({
      endpoint: stack.edgeUrl,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: 'echo-double', Payload: JSON.stringify({ value: 21 }) }),
    );
    expect(JSON.parse(new TextDecoder().decode(out.Payload))).toEqual({ value: 42 });
    lambda.destroy();
  });

  it('answers STS GetCallerIdentity on the edge, and says a service it does not emulate is not', async () => {
    const config = { endpoint: stack.edgeUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS };
    const sts = new STSClient(config);
    const sns = new SNSClient(config);

    expect(await sts.send(new GetCallerIdentityCommand({}))).toMatchObject({ Account: '000000000000' });
    await expect(sns.send(new ListTopicsCommand({}))).rejects.toMatchObject({
      name: 'NotImplemented',
      message: expect.stringContaining('SNS ListTopics is not emulated by the local AWS edge.'),
    });
    sts.destroy();
    sns.destroy();
  });

  it('maps a function error to 502 and a timeout to 504, as problem+json without internals', async () => {
    const crash = await get('/crash');
    expect(crash.status).toBe(500);
    expect(await crash.text()).not.toContain('secret');
    const slow = await get('/slow');
    expect(slow.status).toBe(504);
    expect(slow.headers.get('content-type')).toBe('application/problem+json');
  });

  const runPipeline = async (name: string, input: unknown) => {
    const sfn = new SFNClient({
      endpoint: stack.edgeUrl,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
      const machine = stateMachines.find((m) => m.name === 'echo-pipeline');
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: machine?.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      );
      await stack.stepFunctions.waitForExecution(executionArn ?? '', 20_000);
      const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
      return { execution, types: events.map((e) => e.type) };
    } finally {
      sfn.destroy();
    }
  };

  it('runs the service state machine through the Lambda host, retrying transient errors', async () => {
    const { execution, types } = await runPipeline('run-1', { key: 'run-1', value: 21 });
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}')).toEqual({ value: 42, attempts: 3 });
    expect(types.filter((t) => t === 'TaskFailed')).toHaveLength(2);
    expect(types.at(-1)).toBe('ExecutionSucceeded');
  });

  it('takes the Catch path on a domain error and reports it as AWS does', async () => {
    const { execution, types } = await runPipeline('run-2', { key: 'run-2', value: -1 });
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('Refused');
    expect(types).toContain('PassStateEntered');
    expect(types.at(-1)).toBe('ExecutionFailed');
  });

  const cli = async (...args: string[]) => {
    const main = new URL('../src/cli/main.ts', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(process.execPath, [main, ...args], {
      env: { ...process.env, AWS_ENDPOINT_URL: stack.edgeUrl },
    });
    return stdout;
  };

  it('lists saga executions and shows one history with the inspection CLI', async () => {
    await runPipeline('run-3', { key: 'run-3', value: 1 });
    expect(await cli('executions', 'SUCCEEDED')).toMatch(/echo-pipeline\s+run-3\s+SUCCEEDED/);
    const history = await cli('history', 'run-3');
    expect(history).toContain('run-3: SUCCEEDED');
    expect(history).toMatch(/TaskFailed/);
    expect(history).toMatch(/ExecutionSucceeded/);
  });

  it('lists queues, shows a dead-letter queue and redrives it with the inspection CLI', async () => {
    const sqs = new SQSClient({
      endpoint: stack.edgeUrl,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      const dlq = await sqs.send(new CreateQueueCommand({ QueueName: 'inspect-dlq' }));
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
      );
      const source = await sqs.send(
        new CreateQueueCommand({
          QueueName: 'inspect',
          Attributes: {
            VisibilityTimeout: '0',
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: 1 }),
          },
        }),
      );
      await sqs.send(new SendMessageCommand({ QueueUrl: source.QueueUrl, MessageBody: '{"poison":true}' }));
      // The first receive counts; the second moves the message to the DLQ.
      await sqs.send(new ReceiveMessageCommand({ QueueUrl: source.QueueUrl }));
      await sqs.send(new ReceiveMessageCommand({ QueueUrl: source.QueueUrl }));

      expect(await cli('queues')).toMatch(/inspect-dlq\s+1\s+0\s+0/);
      // Looking is no receive: the count stays that of the source queue's one receive.
      for (let i = 0; i < 2; i++) {
        const shown = await cli('dlq', 'inspect-dlq');
        expect(shown).toContain('{"poison":true}');
        expect(shown).toContain('(received 1 times)');
      }
      expect(await cli('redrive', 'inspect-dlq')).toContain('moving the messages of inspect-dlq');
      const queues = await cli('queues');
      expect(queues).toMatch(/inspect-dlq\s+0/);
      expect(queues).toMatch(/inspect\s+1/);
    } finally {
      sqs.destroy();
    }
  });

  it('keeps nothing on disk without persist', () => {
    expect(existsSync(join(root, '.data'))).toBe(false);
  });

  it('answers unknown routes with a 404 problem', async () => {
    const res = await get('/nowhere');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('serves health, the merged OpenAPI document and the docs page', async () => {
    expect((await get('/health')).status).toBe(200);
    const doc = (await (await get('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/echo/{id}', '/whoami', '/counters/{id}']),
    );
    const docs = await get('/docs');
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('sends structured logs of the functions to the log sink', () => {
    expect(lines.some((line) => line.includes('[echo-http]') && line.includes('"message":"request"'))).toBe(
      true,
    );
  });
});

describe('the local stack without services', () => {
  it('still starts with health, docs and dev tokens', async () => {
    const root = mkdtempSync(join(tmpdir(), 'shop-empty-'));
    const stack = await startLocalStack({ root, services: [], port: 0, edgePort: 0, log: () => {} });
    try {
      expect((await fetch(`${stack.gatewayUrl}/health`)).status).toBe(200);
      const token = await fetch(`${stack.gatewayUrl}/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sub: 'carol' }),
      });
      expect(token.status).toBe(200);
    } finally {
      await stack.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the local stack on a port in use', () => {
  let held: Server;
  let port: number;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'shop-busy-'));
    held = createServer();
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
    const address = held.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });

  afterAll(async () => {
    await new Promise((resolve) => held.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  it('fails before any start-up work, naming PORT and how to choose another', async () => {
    const starting = startLocalStack({ root, services: [], port, edgePort: 0, log: () => {} });
    await expect(starting).rejects.toBeInstanceOf(PortInUseError);
    await expect(starting).rejects.toThrow(`Port ${port} (PORT, the API) is in use by`);
    await expect(starting).rejects.toThrow(`PORT=${port + 1} npm start`);
  });

  it('names EDGE_PORT for the edge', async () => {
    const starting = startLocalStack({ root, services: [], port: 0, edgePort: port, log: () => {} });
    await expect(starting).rejects.toThrow(`Port ${port} (EDGE_PORT, the AWS edge) is in use by`);
  });

  it('turns an EADDRINUSE from a listen that lost the race into the same error', async () => {
    const lost = Object.assign(new Error(`listen EADDRINUSE: address already in use 127.0.0.1:${port}`), {
      code: 'EADDRINUSE',
    });
    await expect(portInUseErrorOf(root, 'edgePort', port)(lost)).rejects.toThrow(
      `Port ${port} (EDGE_PORT, the AWS edge) is in use by`,
    );
    const other = new Error('boom');
    await expect(portInUseErrorOf(root, 'port', port)(other)).rejects.toBe(other);
  });
});

describe('the local stack with persist', () => {
  it('keeps SQS queues and their messages, attributes and receive counts across a restart', async () => {
    const root = mkdtempSync(join(tmpdir(), 'shop-persist-'));
    const options = {
      root,
      services: [echoService],
      port: 0,
      edgePort: 0,
      persist: true,
      seed: false,
      log: () => {},
    };
    const client = (edgeUrl: string) =>
      new SQSClient({ endpoint: edgeUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    try {
      const first = await startLocalStack(options);
      const before = client(first.edgeUrl);
      try {
        await before.send(
          new CreateQueueCommand({ QueueName: 'kept', Attributes: { VisibilityTimeout: '0' } }),
        );
        await before.send(
          new SendMessageCommand({
            QueueUrl: 'kept',
            MessageBody: 'survives',
            MessageAttributes: { kind: { DataType: 'String', StringValue: 'durable' } },
          }),
        );
        await before.send(new ReceiveMessageCommand({ QueueUrl: 'kept' }));
      } finally {
        before.destroy();
        await first.stop();
      }
      expect(existsSync(join(root, '.data', 'sqs'))).toBe(true);

      const second = await startLocalStack(options);
      const after = client(second.edgeUrl);
      try {
        const { Messages = [] } = await after.send(
          new ReceiveMessageCommand({
            QueueUrl: 'kept',
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
        );
        expect(Messages).toEqual([
          expect.objectContaining({
            Body: 'survives',
            Attributes: { ApproximateReceiveCount: '2' },
            MessageAttributes: { kind: { DataType: 'String', StringValue: 'durable' } },
          }),
        ]);
      } finally {
        after.destroy();
        await second.stop();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
