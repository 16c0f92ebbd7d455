import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { LambdaEvent } from 'hono/aws-lambda';
import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../src/errors/index.ts';
import { createApp, createHttpHandler } from '../src/http/index.ts';

class LedgerUnavailableError extends ServiceUnavailableError {
  override readonly code = 'LEDGER.UNAVAILABLE';
  override readonly retryAfterSeconds = 3;
}

const app = createApp();
app.get('/widgets', (c) => c.json({ items: [] }, 200));
app.get('/ledger', () => {
  throw new LedgerUnavailableError('the ledger is down');
});
const handler = createHttpHandler(app);

interface EventOverrides {
  readonly method?: string;
  readonly rawPath?: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/** An HTTP API payload 2.0 event, as API Gateway (and the local gateway) sends it. */
const event = (overrides: EventOverrides = {}): LambdaEvent => {
  const { method = 'GET', ...rest } = overrides;
  return {
    version: '2.0',
    routeKey: `${method} ${rest.rawPath ?? '/widgets'}`,
    rawPath: '/widgets',
    rawQueryString: '',
    headers: { host: 'api.local', 'content-type': 'application/json' },
    isBase64Encoded: false,
    body: null,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'api.local',
      domainPrefix: 'api',
      http: {
        method,
        path: rest.rawPath ?? '/widgets',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
      },
      requestId: 'req-1',
      authentication: null,
      authorizer: {},
      routeKey: `${method} ${rest.rawPath ?? '/widgets'}`,
      stage: '$default',
      time: '02/Dec/2026:10:00:00 +0000',
      timeEpoch: Date.now(),
    },
    ...rest,
  };
};

const call = async (e: LambdaEvent) => (await handler(e, undefined)) as APIGatewayProxyStructuredResultV2;

describe('createHttpHandler', () => {
  it('passes a well-formed request to the app', async () => {
    const result = await call(event());
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? '')).toEqual({ items: [] });
  });

  it("answers a GET with a body with a 400 problem, not the adapter's plain text", async () => {
    const result = await call(event({ body: '{"x":1}' }));
    expect(result.statusCode).toBe(400);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(result.body ?? '')).toMatchObject({
      status: 400,
      code: 'REQUEST.BODY_NOT_ALLOWED',
      detail: 'a GET request cannot carry a body',
      instance: '/widgets',
    });
  });

  it('answers a request fetch cannot represent with a 400 problem', async () => {
    const result = await call(event({ headers: { host: 'api.local', 'bad header': 'x' } }));
    expect(result.statusCode).toBe(400);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(result.body ?? '')).toMatchObject({ code: 'REQUEST.MALFORMED' });
  });

  it("gives every 503 a Retry-After, the error's own or one second", async () => {
    const result = await call(event({ rawPath: '/ledger' }));
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('3');
    const plain = await createApp()
      .get('/x', () => {
        throw new ServiceUnavailableError('down');
      })
      .request('/x');
    expect(plain.headers.get('retry-after')).toBe('1');
  });
});
