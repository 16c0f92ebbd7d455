import { createServer } from 'node:http';
import { DynamoDBClient, GetItemCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { listen } from '@shop/local-cloud';
import { afterEach, describe, expect, it } from 'vitest';
import { type StubbedRequest, stubHttpRequests } from './in-process-http.stub.ts';

const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
let undo: (() => void) | undefined;

afterEach(() => {
  undo?.();
  undo = undefined;
});

describe('stubHttpRequests', () => {
  it('answers the AWS SDK in process: nothing listens on the endpoint, the SDK parses the canned answer', async () => {
    const seen: StubbedRequest[] = [];
    undo = stubHttpRequests({
      intercepts: (path) => path.startsWith('/fn/'),
      respond: (request) => {
        seen.push(request);
        return {
          status: 200,
          headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: Buffer.from(JSON.stringify({ Item: { pk: { S: 'ORDER#1' } } })),
        };
      },
    });
    // Port 9 (discard) has no listener here: a request that went out would fail to connect.
    const client = new DynamoDBClient({
      endpoint: 'http://127.0.0.1:9/fn',
      region: 'us-east-1',
      credentials,
    });
    const { Item } = await client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'ORDER#1' } } }));
    client.destroy();

    expect(Item).toEqual({ pk: { S: 'ORDER#1' } });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(seen[0]?.path).toBe('/fn/');
    expect(JSON.parse(seen[0]?.body.toString('utf8') ?? '{}')).toMatchObject({ TableName: 't' });
  });

  it('lets every other request go out over HTTP, and stops intercepting once undone', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ TableNames: ['from-the-server'] }));
    });
    const started = await listen(server, 0);
    try {
      undo = stubHttpRequests({
        intercepts: (path) => path.startsWith('/stubbed/'),
        respond: () => ({ status: 500, headers: {}, body: Buffer.from('{}') }),
      });
      const client = new DynamoDBClient({
        endpoint: `${started.url}/other`,
        region: 'us-east-1',
        credentials,
      });
      expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual(['from-the-server']);
      client.destroy();

      undo();
      undo = undefined;
      const after = new DynamoDBClient({
        endpoint: `${started.url}/stubbed`,
        region: 'us-east-1',
        credentials,
      });
      expect((await after.send(new ListTablesCommand({}))).TableNames).toEqual(['from-the-server']);
      after.destroy();
    } finally {
      await started.close();
    }
  });
});
