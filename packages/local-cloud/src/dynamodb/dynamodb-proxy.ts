import { request } from 'node:http';
import type { EdgeHandler, EdgeRequest, EdgeResponse } from '../edge/edge.types.ts';
import { type FaultInjector, NO_FAULTS } from '../faults/fault.types.ts';

const TARGET = /^(DynamoDB_20120810|DynamoDBStreams_20120810)\./;

/** Item reads and writes: what DynamoDB throttles when a table is over its capacity. */
const DATA_OPERATIONS = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
]);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every table a data-plane request touches (`TableName`, `RequestItems`, `TransactItems`). */
export const tablesOfRequest = (body: unknown): string[] => {
  if (!isRecord(body)) return [];
  const tables = new Set<string>();
  if (typeof body.TableName === 'string') tables.add(body.TableName);
  if (isRecord(body.RequestItems)) for (const name of Object.keys(body.RequestItems)) tables.add(name);
  if (Array.isArray(body.TransactItems)) {
    for (const item of body.TransactItems) {
      if (!isRecord(item)) continue;
      for (const action of Object.values(item)) {
        if (isRecord(action) && typeof action.TableName === 'string') tables.add(action.TableName);
      }
    }
  }
  return [...tables];
};

const THROTTLED: EdgeResponse = {
  status: 400,
  headers: {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-errortype': 'ProvisionedThroughputExceededException',
  },
  body: JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message:
      'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  }),
};

/** Whether an injected throttle fault strikes this request (only item operations are throttled). */
const throttled = (req: EdgeRequest, faults: FaultInjector): boolean => {
  const target = String(req.headers['x-amz-target'] ?? '');
  if (!target.startsWith('DynamoDB_20120810.') || !DATA_OPERATIONS.has(target.slice(18))) return false;
  let body: unknown;
  try {
    body = JSON.parse(req.body.toString('utf8'));
  } catch {
    return false;
  }
  return tablesOfRequest(body).some((table) => faults.throttlesTable(table));
};

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);

/**
 * DynamoDB and DynamoDB Streams on the edge, forwarded as they are to DynamoDB Local; with a
 * `table-throttle` fault, item operations on that table answer `ProvisionedThroughputExceededException`
 * as a table over its capacity does (the SDKs retry it with backoff).
 */
export const createDynamoDbProxy = (endpoint: string, faults: FaultInjector = NO_FAULTS): EdgeHandler => {
  const target = new URL(endpoint);
  return {
    name: 'dynamodb',
    canHandle: (req) => TARGET.test(String(req.headers['x-amz-target'] ?? '')),
    handle: (req: EdgeRequest) =>
      throttled(req, faults)
        ? Promise.resolve(THROTTLED)
        : new Promise<EdgeResponse>((resolve, reject) => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(req.headers)) {
              if (value !== undefined && !HOP_BY_HOP.has(name))
                headers[name] = Array.isArray(value) ? value.join(',') : value;
            }
            headers['content-length'] = String(req.body.length);
            const upstream = request(
              {
                host: target.hostname,
                port: target.port,
                method: req.method,
                path: req.url.pathname,
                headers,
              },
              (res) => {
                const chunks: Buffer[] = [];
                res.on('data', (chunk: Buffer) => chunks.push(chunk));
                res.on('end', () => {
                  const out: Record<string, string> = {};
                  for (const [name, value] of Object.entries(res.headers)) {
                    if (value !== undefined && !HOP_BY_HOP.has(name))
                      out[name] = Array.isArray(value) ? value.join(',') : value;
                  }
                  resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
                });
                res.on('error', reject);
              },
            );
            upstream.on('error', reject);
            upstream.end(req.body);
          }),
  };
};
