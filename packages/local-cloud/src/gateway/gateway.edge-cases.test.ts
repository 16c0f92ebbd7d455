import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedServer } from '../edge/edge.server.ts';
import { bundleFunctions } from '../lambda/lambda.bundler.ts';
import { createLambdaHost, type LambdaHost } from '../lambda/lambda.host.ts';
import type { FunctionSpec } from '../lambda/lambda.types.ts';
import { createGateway, MAX_REQUEST_LINE_AND_HEADERS_BYTES } from './gateway.server.ts';
import { rawRequest } from './gateway.test-support.ts';

const spec = (name: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec => ({
  name,
  entry: new URL('./test-fixtures/edge-cases.handler.ts', import.meta.url).pathname,
  handler: 'handler',
  memoryMb: 256,
  timeoutSeconds: 5,
  environment: { SERVICE_NAME: 'edge-cases', LOG_LEVEL: 'ERROR' },
  ...overrides,
});

/** Sends raw bytes and reads the whole answer: for requests fetch and node:http refuse to send. */
const rawExchange = (port: number, bytes: string): Promise<string> =>
  new Promise((resolve, reject) => {
    // Written, not ended: the server answers and then closes (the requests say `Connection: close`).
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString()));
    socket.on('error', reject);
  });

describe('the gateway at the edges of what a request may be', () => {
  let outDir: string;
  let host: LambdaHost;
  let api: StartedServer;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'gateway-edges-'));
    const specs = [spec('items'), spec('reserved', { reservedConcurrency: 1 })];
    const { bundles } = await bundleFunctions(specs, outDir);
    host = createLambdaHost({ log: () => {} });
    for (const s of specs) {
      const bundle = bundles[s.name];
      if (!bundle) throw new Error(`no bundle for ${s.name}`);
      host.register(s, bundle);
    }
    api = await createGateway({
      routes: [
        { method: 'GET', path: '/items', auth: 'none', functionName: 'items' },
        { method: 'POST', path: '/items', auth: 'none', functionName: 'items' },
        { method: 'GET', path: '/slow', auth: 'none', functionName: 'reserved' },
      ],
      invoker: host,
      log: () => {},
    }).listen(0);
  });

  afterAll(async () => {
    await api?.close();
    await host?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('answers a body above the Lambda payload quota with a 413 problem, not a bad gateway', async () => {
    const response = await fetch(`${api.url}/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array(7 * 1024 * 1024),
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 413, title: 'Content Too Large' });
    // The function is fine and answers the next request.
    expect((await fetch(`${api.url}/items`)).status).toBe(200);
  });

  it('answers a GET with a body with a problem from the function, not plain text', async () => {
    const answer = await rawExchange(
      api.port,
      'GET /items HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 7\r\nConnection: close\r\n\r\n{"a":1}',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
      status: 400,
      code: 'REQUEST.BODY_NOT_ALLOWED',
    });
  });

  it('answers headers over the HTTP API quota with a 431 problem, and far over it too', async () => {
    const over = await rawRequest(`${api.url}/items`, {
      headers: { 'x-big': 'a'.repeat(MAX_REQUEST_LINE_AND_HEADERS_BYTES + 1) },
    });
    expect(over.status).toBe(431);
    expect(over.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(over.body)).toMatchObject({ status: 431 });

    const farOver = await rawExchange(
      api.port,
      `GET /items HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Huge: ${'b'.repeat(100 * 1024)}\r\n\r\n`,
    );
    expect(farOver).toMatch(/^HTTP\/1\.1 431/);
    expect(JSON.parse(farOver.slice(farOver.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 431 });
  });

  it('answers a request to a throttled function with 429 and Retry-After, and serves it again after', async () => {
    const busy = fetch(`${api.url}/slow?ms=800`);
    await expect.poll(() => host.get('reserved')?.busyEnvironments, { timeout: 10_000 }).toBe(1);
    const throttled = await fetch(`${api.url}/slow?ms=1`);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('content-type')).toBe('application/problem+json');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await busy).status).toBe(200);
    expect((await fetch(`${api.url}/slow?ms=1`)).status).toBe(200);
    expect(host.get('reserved')?.throttles).toBe(1);
  });
});
