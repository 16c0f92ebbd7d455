import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
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
