import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, startEdge } from '../edge/index.ts';
import { isProcessAlive } from '../process/child-process.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.ts';
import { createDynamoDbProxy } from './dynamodb-proxy.ts';
import { createServiceTable } from './service-tables.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
describe('DynamoDB Local behind the edge', () => {
  let ddb: DynamoDbLocal;
  let edge: StartedServer;
  let client: DynamoDBClient;

  beforeAll(async () => {
    ddb = await startDynamoDbLocal();
    edge = await startEdge([createDynamoDbProxy(ddb.endpoint)]);
    client = new DynamoDBClient({ endpoint: edge.url, region: 'eu-west-1', credentials });
  });

  afterAll(async () => {
    client?.destroy();
    await edge?.close();
    await ddb?.stop();
  });

  it('creates a table with a GSI, TTL and a stream from a table definition', async () => {
    const created = await createServiceTable(client, 'things', {
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      globalSecondaryIndexes: [
        {
          indexName: 'byStatus',
          partitionKey: { name: 'status', type: 'S' },
          sortKey: { name: 'sk', type: 'S' },
        },
      ],
      stream: 'NEW_AND_OLD_IMAGES',
      timeToLiveAttribute: 'expiresAt',
    });
    expect(created.streamArn).toMatch(/^arn:aws:dynamodb:/);
    const streams = new DynamoDBStreamsClient({ endpoint: edge.url, region: 'eu-west-1', credentials });
    const stream = await streams.send(new DescribeStreamCommand({ StreamArn: created.streamArn }));
    expect(stream.StreamDescription?.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
    streams.destroy();

    await client.send(
      new PutItemCommand({
        TableName: 'things',
        Item: { pk: { S: 'a' }, sk: { S: '1' }, status: { S: 'new' } },
      }),
    );
    const item = await client.send(
      new GetItemCommand({ TableName: 'things', Key: { pk: { S: 'a' }, sk: { S: '1' } } }),
    );
    expect(item.Item?.status?.S).toBe('new');
    const byStatus = await client.send(
      new QueryCommand({
        TableName: 'things',
        IndexName: 'byStatus',
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'new' } },
      }),
    );
    expect(byStatus.Count).toBe(1);
  });

  it('keeps one database whatever the credentials and region (sharedDb)', async () => {
    const other = new DynamoDBClient({
      endpoint: edge.url,
      region: 'us-west-2',
      credentials: { accessKeyId: 'other', secretAccessKey: 'other' },
    });
    const tables = await other.send(new ListTablesCommand({}));
    expect(tables.TableNames).toContain('things');
    other.destroy();
  });

  it('keeps an existing table when asked to create it again', async () => {
    await expect(
      createServiceTable(client, 'things', {
        partitionKey: { name: 'pk', type: 'S' },
        sortKey: { name: 'sk', type: 'S' },
      }),
    ).resolves.toBeDefined();
  });
});

describe('DynamoDB Local lifecycle', () => {
  it('persists data in a folder across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shop-ddb-'));
    try {
      const first = await startDynamoDbLocal({ dataDir: dir });
      const c1 = new DynamoDBClient({ endpoint: first.endpoint, region: 'us-east-1', credentials });
      await createServiceTable(c1, 'kept', { partitionKey: { name: 'pk', type: 'S' } });
      await c1.send(new PutItemCommand({ TableName: 'kept', Item: { pk: { S: 'x' } } }));
      c1.destroy();
      await first.stop();

      const second = await startDynamoDbLocal({ dataDir: dir });
      const c2 = new DynamoDBClient({ endpoint: second.endpoint, region: 'us-east-1', credentials });
      const item = await c2.send(new GetItemCommand({ TableName: 'kept', Key: { pk: { S: 'x' } } }));
      expect(item.Item?.pk?.S).toBe('x');
      c2.destroy();
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops the Java process', async () => {
    const ddb = await startDynamoDbLocal();
    const pid = ddb.pid ?? 0;
    expect(isProcessAlive(pid)).toBe(true);
    await ddb.stop();
    expect(isProcessAlive(pid)).toBe(false);
  });

  it('leaves no Java process behind when its Node parent is killed with SIGKILL', async () => {
    // A separate Node process starts DynamoDB Local, prints the Java pid, then is killed hard.
    const script = `
      import { startDynamoDbLocal } from ${JSON.stringify(new URL('./dynamodb-local.ts', import.meta.url).href)};
      const ddb = await startDynamoDbLocal();
      console.log(ddb.pid);
      setInterval(() => {}, 1000);
    `;
    const { spawn } = await import('node:child_process');
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const javaPid = await new Promise<number>((resolve) =>
      parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
    );
    expect(isProcessAlive(javaPid)).toBe(true);
    parent.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    while (isProcessAlive(javaPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const alive = isProcessAlive(javaPid);
    if (alive) execFileSync('kill', ['-9', String(javaPid)]);
    expect(alive).toBe(false);
  });
});
