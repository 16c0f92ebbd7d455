import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, startEdge } from '../edge/edge.server.ts';
import { createLambdaApi } from './lambda.api.ts';
import { bundleFunctions } from './lambda.bundler.ts';
import { createLambdaHost, type LambdaHost } from './lambda.host.ts';
import type { FunctionSpec } from './lambda.types.ts';

const spec: FunctionSpec = {
  name: 'api-reserved',
  entry: new URL('./test-fixtures/probe.handler.ts', import.meta.url).pathname,
  handler: 'handler',
  memoryMb: 128,
  timeoutSeconds: 5,
  environment: {},
  reservedConcurrency: 1,
};

const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

describe('a throttled function through the Lambda API', () => {
  let outDir: string;
  let host: LambdaHost;
  let edge: StartedServer;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'lambda-api-throttle-'));
    const { bundles } = await bundleFunctions([spec], outDir);
    host = createLambdaHost({ log: () => {} });
    const bundle = bundles[spec.name];
    if (!bundle) throw new Error('no bundle');
    host.register(spec, bundle);
    edge = await startEdge([createLambdaApi(host)]);
  });

  afterAll(async () => {
    await edge?.close();
    await host?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  const client = (maxAttempts: number) =>
    new LambdaClient({
      endpoint: edge.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts,
    });

  it('answers TooManyRequestsException with its Reason and Retry-After, which the SDK retries', async () => {
    const once = client(1);
    const retrying = client(5);
    try {
      const busy = once.send(
        new InvokeCommand({ FunctionName: spec.name, Payload: encode({ sleepMs: 2000 }) }),
      );
      await expect.poll(() => host.get(spec.name)?.busyEnvironments, { timeout: 10_000 }).toBe(1);
      const throttled = await once
        .send(new InvokeCommand({ FunctionName: spec.name, Payload: encode({}) }))
        .catch((error: unknown) => error);
      expect(throttled).toBeInstanceOf(TooManyRequestsException);
      expect(throttled).toMatchObject({
        Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
        retryAfterSeconds: '1',
        $metadata: { httpStatusCode: 429 },
      });
      // The SDK's standard retry backs off on a throttle; the function frees up in the meantime.
      const retried = await retrying.send(
        new InvokeCommand({ FunctionName: spec.name, Payload: encode({}) }),
      );
      expect(retried.StatusCode).toBe(200);
      expect(retried.$metadata.attempts).toBeGreaterThan(1);
      expect((await busy).StatusCode).toBe(200);
    } finally {
      once.destroy();
      retrying.destroy();
    }
  });
});
