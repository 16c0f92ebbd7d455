import { request } from 'node:http';
import type { EdgeHandler, EdgeRequest, EdgeResponse } from '../edge/edge.types.ts';

const TARGET = /^(DynamoDB_20120810|DynamoDBStreams_20120810)\./;

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);

/** DynamoDB and DynamoDB Streams on the edge, forwarded as they are to DynamoDB Local. */
export const createDynamoDbProxy = (endpoint: string): EdgeHandler => {
  const target = new URL(endpoint);
  return {
    name: 'dynamodb',
    canHandle: (req) => TARGET.test(String(req.headers['x-amz-target'] ?? '')),
    handle: (req: EdgeRequest) =>
      new Promise<EdgeResponse>((resolve, reject) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name))
            headers[name] = Array.isArray(value) ? value.join(',') : value;
        }
        headers['content-length'] = String(req.body.length);
        const upstream = request(
          { host: target.hostname, port: target.port, method: req.method, path: req.url.pathname, headers },
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
