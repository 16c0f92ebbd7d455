import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { LookupSkusInput, type SkuInfo } from '@shop/contracts/catalog';

/** How the double answers: like the catalog, with a Lambda service error, with a function error, or never. */
export type CatalogMode = 'up' | 'service-error' | 'function-error' | 'hang';

export interface CatalogLambdaDouble {
  readonly url: string;
  /** A client of the double, configured as the functions' client is (no SDK retries). */
  readonly lambda: LambdaClient;
  /** What the "catalog" knows, by SKU. */
  readonly skus: Map<string, SkuInfo>;
  /** The SKUs of each Invoke received, and the function name it named. */
  readonly calls: { functionName: string; skus: string[] }[];
  mode: CatalogMode;
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * The Lambda Invoke API (`POST /2015-03-31/functions/{name}/invocations`) in front of a stand-in
 * for the catalog's `lookupSkus`, so the cart's real client (SDK + cockatiel policy) is exercised
 * without the catalog service.
 */
export const startCatalogLambdaDouble = async (): Promise<CatalogLambdaDouble> => {
  const state = {
    skus: new Map<string, SkuInfo>(),
    calls: [] as { functionName: string; skus: string[] }[],
    mode: 'up' as CatalogMode,
  };
  const hanging = new Set<() => void>();
  const server = createServer(async (req, res) => {
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url ?? '');
    const body = await readBody(req);
    if (req.method !== 'POST' || !match?.[1]) {
      res.writeHead(404, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'ResourceNotFoundException',
      });
      res.end(JSON.stringify({ Type: 'User', message: 'Function not found' }));
      return;
    }
    const input = LookupSkusInput.parse(JSON.parse(body));
    state.calls.push({ functionName: decodeURIComponent(match[1]), skus: input.skus });
    switch (state.mode) {
      case 'hang':
        hanging.add(() => res.destroy());
        return;
      case 'service-error':
        res.writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'ServiceException' });
        res.end(JSON.stringify({ Type: 'Service', message: 'the catalog is down' }));
        return;
      case 'function-error':
        res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' });
        res.end(JSON.stringify({ errorType: 'Error', errorMessage: 'table not found' }));
        return;
      case 'up': {
        const items = input.skus.flatMap((sku) => {
          const info = state.skus.get(sku);
          return info ? [info] : [];
        });
        const missing = input.skus.filter((sku) => !state.skus.has(sku));
        res.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' });
        res.end(JSON.stringify({ items, missing }));
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const lambda = new LambdaClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return {
    url,
    lambda,
    skus: state.skus,
    calls: state.calls,
    get mode() {
      return state.mode;
    },
    set mode(mode: CatalogMode) {
      state.mode = mode;
    },
    close: async () => {
      lambda.destroy();
      for (const release of hanging) release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
