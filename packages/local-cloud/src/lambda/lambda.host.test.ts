import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunctions } from './lambda.bundler.ts';
import {
  FunctionNotFoundError,
  RequestTooLargeError,
  ReservedEnvironmentVariableError,
} from './lambda.errors.ts';
import { createLambdaHost, type LambdaHost, MAX_SYNC_PAYLOAD_BYTES } from './lambda.host.ts';
import { type FunctionSpec, functionArn, type InvokeResult } from './lambda.types.ts';

const fixture = (file: string): string => new URL(`./test-fixtures/${file}`, import.meta.url).pathname;

const spec = (
  name: string,
  entry: string,
  handler: string,
  overrides: Partial<FunctionSpec> = {},
): FunctionSpec => ({
  name,
  entry: fixture(entry),
  handler,
  memoryMb: 256,
  timeoutSeconds: 3,
  environment: {},
  ...overrides,
});

interface ProbeResult {
  readonly invocations: number;
  readonly loadedAt: number;
  readonly threadId: number;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly remainingAtStart: number;
  readonly remainingAtEnd: number;
  readonly env: Record<string, string | null>;
  readonly envNames: readonly string[];
  readonly context: Record<string, unknown>;
  readonly traceId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const payloadOf = <T>(result: InvokeResult): T => {
  if (!result.ok)
    throw new Error(`Invocation failed: ${result.error.errorType}: ${result.error.errorMessage}`);
  return result.payload as T;
};

const errorOf = (result: InvokeResult) => {
  if (result.ok) throw new Error(`Invocation succeeded: ${JSON.stringify(result.payload)}`);
  return result;
};

describe('local Lambda host', () => {
  const flagFile = join(tmpdir(), `lambda-host-ready-${process.pid}-${Date.now()}`);
  const specs: FunctionSpec[] = [
    spec('alpha', 'probe.handler.ts', 'handler', { environment: { GREETING: 'alpha', SHARED: 'from-spec' } }),
    spec('beta', 'probe.handler.ts', 'handler', { environment: { GREETING: 'beta' }, memoryMb: 512 }),
    spec('slow', 'probe.handler.ts', 'handler'),
    spec('short-timeout', 'probe.handler.ts', 'handler', { timeoutSeconds: 0.5 }),
    spec('declines', 'probe.handler.ts', 'fail'),
    spec('echo', 'probe.handler.ts', 'echo'),
    spec('nothing', 'probe.handler.ts', 'nothing'),
    spec('logger', 'probe.handler.ts', 'logs'),
    spec('writer', 'probe.handler.ts', 'writes'),
    spec('chatty', 'probe.handler.ts', 'chatty'),
    spec('missing-export', 'probe.handler.ts', 'doesNotExist'),
    spec('callback', 'probe.handler.ts', 'callbackStyle'),
    spec('needs-config', 'init-error.handler.ts', 'handler', { environment: { READY_FLAG_FILE: flagFile } }),
    spec('http', 'http.handler.ts', 'handler'),
    spec('sdk', 'sdk.handler.ts', 'handler'),
    spec('burner', 'probe.handler.ts', 'burn'),
  ];
  const logLines: string[] = [];
  let outDir: string;
  let bundles: Readonly<Record<string, string>>;
  let host: LambdaHost;
  let cappedHost: LambdaHost;

  const bundleOf = (name: string): string => {
    const path = bundles[name];
    if (!path) throw new Error(`No bundle for ${name}`);
    return path;
  };

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'lambda-host-'));
    ({ bundles } = await bundleFunctions(specs, outDir));
    // Variables of the parent that must not reach a function.
    process.env.AWS_PROFILE = 'parent-profile';
    process.env.PARENT_ONLY_SECRET = 'parent-secret';
    host = createLambdaHost({
      region: 'eu-west-3',
      baseEnvironment: {
        AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
        AWS_ACCESS_KEY_ID: 'base-key',
        SHARED: 'from-base',
      },
      log: (line) => logLines.push(line),
    });
    for (const s of specs) host.register(s, bundleOf(s.name));
    cappedHost = createLambdaHost({ maxConcurrencyPerFunction: 3, log: (line) => logLines.push(line) });
    cappedHost.register(spec('slow', 'probe.handler.ts', 'handler'), bundleOf('slow'));
  });

  afterAll(async () => {
    delete process.env.AWS_PROFILE;
    delete process.env.PARENT_ONLY_SECRET;
    await host?.close();
    await cappedHost?.close();
    await rm(flagFile, { force: true });
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  describe('environment', () => {
    it('gives each function its own variables, Lambda reserved variables, then base and spec variables', async () => {
      const names = [
        'GREETING',
        'SHARED',
        'AWS_LAMBDA_FUNCTION_NAME',
        'AWS_LAMBDA_FUNCTION_VERSION',
        'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
        'AWS_REGION',
        'AWS_DEFAULT_REGION',
        'AWS_EXECUTION_ENV',
        'AWS_LAMBDA_LOG_GROUP_NAME',
        'AWS_LAMBDA_LOG_STREAM_NAME',
        'AWS_LAMBDA_INITIALIZATION_TYPE',
        'LAMBDA_TASK_ROOT',
        '_HANDLER',
        'TZ',
        'AWS_ENDPOINT_URL',
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_SESSION_TOKEN',
      ];
      const alpha = payloadOf<ProbeResult>(await host.invoke('alpha', { env: names }));
      const beta = payloadOf<ProbeResult>(await host.invoke('beta', { env: names }));

      expect(alpha.env).toMatchObject({
        GREETING: 'alpha',
        SHARED: 'from-spec',
        AWS_LAMBDA_FUNCTION_NAME: 'alpha',
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        AWS_REGION: 'eu-west-3',
        AWS_DEFAULT_REGION: 'eu-west-3',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/alpha',
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        LAMBDA_TASK_ROOT: outDir,
        _HANDLER: 'alpha.handler',
        TZ: ':UTC',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
        AWS_ACCESS_KEY_ID: 'base-key',
      });
      expect(alpha.env.AWS_SECRET_ACCESS_KEY).toEqual(expect.any(String));
      expect(alpha.env.AWS_SESSION_TOKEN).toEqual(expect.any(String));
      expect(alpha.env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
      expect(beta.env).toMatchObject({
        GREETING: 'beta',
        SHARED: 'from-base',
        AWS_LAMBDA_FUNCTION_NAME: 'beta',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
        _HANDLER: 'beta.handler',
      });
    });

    it('does not leak the parent process environment into functions, nor functions into the parent', async () => {
      const result = payloadOf<ProbeResult>(await host.invoke('alpha', { env: ['AWS_PROFILE', 'PATH'] }));

      expect(result.env.AWS_PROFILE).toBeNull();
      expect(result.env.PATH).toBe(process.env.PATH);
      expect(result.envNames).not.toContain('PARENT_ONLY_SECRET');
      expect(process.env.AWS_LAMBDA_FUNCTION_NAME).toBeUndefined();
      expect(process.env.GREETING).toBeUndefined();
    });

    it('refuses a function that sets a variable Lambda reserves', () => {
      const reserved = spec('reserved', 'probe.handler.ts', 'handler', {
        environment: { AWS_REGION: 'us-west-2' },
      });

      expect(() => host.register(reserved, bundleOf('alpha'))).toThrow(ReservedEnvironmentVariableError);
      expect(host.get('reserved')).toBeUndefined();
    });

    it('lets the AWS SDK inside a bundled function configure itself from the Lambda environment', async () => {
      const result = payloadOf<{ region: string; accessKeyId: string }>(await host.invoke('sdk', {}));

      expect(result).toEqual({ region: 'eu-west-3', accessKeyId: 'base-key' });
    });

    it('runs a Hono handler bundled with its npm dependency', async () => {
      const event = {
        version: '2.0',
        routeKey: '$default',
        rawPath: '/hello/ada',
        rawQueryString: '',
        headers: { host: 'localhost' },
        requestContext: {
          http: { method: 'GET', path: '/hello/ada', sourceIp: '127.0.0.1' },
          stage: '$default',
        },
        isBase64Encoded: false,
      };

      const response = payloadOf<{ statusCode: number; body: string }>(await host.invoke('http', event));

      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ hello: 'ada', fn: 'http' });
    });
  });

  describe('CPU time', () => {
    it('reports the CPU time each invocation computed, per environment, and not the time it waited', async () => {
      const waited = await host.invoke('burner', { sleepMs: 300 });
      // Two at once, in two environments: a process-wide clock would give each the other's CPU too.
      const computed = await Promise.all([
        host.invoke('burner', { cpuMs: 150 }),
        host.invoke('burner', { cpuMs: 150 }),
      ]);

      expect(payloadOf<{ wallMs: number }>(waited).wallMs).toBeGreaterThanOrEqual(295);
      expect(waited.cpuMs).toBeGreaterThanOrEqual(0);
      expect(waited.cpuMs).toBeLessThan(50);
      for (const result of computed) {
        expect(payloadOf<{ spins: number }>(result).spins).toBeGreaterThan(0);
        expect(result.cpuMs).toBeGreaterThanOrEqual(150);
        expect(result.cpuMs).toBeLessThan(250);
      }
      expect(host.get('burner')).toMatchObject({ environments: 2 });
      expect(host.get('burner')?.cpuP95Ms).toBeGreaterThanOrEqual(150);
      expect(host.get('burner')?.cpuP50Ms).toBeLessThan(250);
    });

    it('reports the CPU time of an invocation whose handler threw', async () => {
      const result = errorOf(await host.invoke('declines', { reason: 'card declined' }));

      // The thread clock advances in coarse steps: a short invocation may read 0.
      expect(result.cpuMs).toBeGreaterThanOrEqual(0);
      expect(result.cpuMs).toBeLessThan(50);
    });
  });

  describe('execution environments', () => {
    it('keeps module scope across warm invocations of one environment, separately per function', async () => {
      const runs: ProbeResult[] = [];
      for (let i = 0; i < 3; i += 1) runs.push(payloadOf<ProbeResult>(await host.invoke('slow', {})));
      const other = payloadOf<ProbeResult>(await host.invoke('beta', {}));
      const otherAgain = payloadOf<ProbeResult>(await host.invoke('beta', {}));

      expect(runs.map((r) => r.invocations)).toEqual([1, 2, 3]);
      expect(new Set(runs.map((r) => r.threadId)).size).toBe(1);
      expect(new Set(runs.map((r) => r.loadedAt)).size).toBe(1);
      expect(other.threadId).not.toBe(runs[0]?.threadId);
      expect(otherAgain.invocations).toBe(other.invocations + 1);
      expect(host.get('slow')).toMatchObject({ environments: 1, busyEnvironments: 0, queued: 0 });
    });

    it('runs parallel invocations in parallel environments up to the cap and queues the rest', async () => {
      const results = await Promise.all(
        Array.from({ length: 7 }, () => cappedHost.invoke('slow', { sleepMs: 250 })),
      );
      const runs = results.map((r) => payloadOf<ProbeResult>(r));

      // Peak overlap of the [startedAt, endedAt) intervals is the concurrency actually reached.
      const edges = runs.flatMap((r) => [
        { at: r.startedAt, delta: 1 },
        { at: r.endedAt, delta: -1 },
      ]);
      edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
      let running = 0;
      let peak = 0;
      for (const edge of edges) {
        running += edge.delta;
        peak = Math.max(peak, running);
      }
      expect(peak).toBe(3);
      expect(new Set(runs.map((r) => r.threadId)).size).toBe(3);
      expect(cappedHost.get('slow')).toMatchObject({ environments: 3, busyEnvironments: 0, queued: 0 });
    });

    it('accepts an asynchronous invocation at once and runs it in the background', async () => {
      const accepted = await host.invoke('slow', { sleepMs: 300 }, { async: true });

      expect(accepted).toEqual({ ok: true, payload: null });
      expect(host.get('slow')?.busyEnvironments).toBe(1);
      await expect.poll(() => host.get('slow')?.busyEnvironments, { timeout: 3_000 }).toBe(0);
    });

    it('shuts an idle environment down after the idle timeout, so the next invocation cold-starts', async () => {
      const idling = createLambdaHost({ idleTimeoutMs: 100, log: () => {} });
      try {
        idling.register(spec('slow', 'probe.handler.ts', 'handler'), bundleOf('slow'));
        const first = payloadOf<ProbeResult>(await idling.invoke('slow', {}));
        await expect.poll(() => idling.get('slow')?.environments, { timeout: 3_000 }).toBe(0);

        const second = payloadOf<ProbeResult>(await idling.invoke('slow', {}));

        expect(first.invocations).toBe(1);
        expect(second.invocations).toBe(1);
      } finally {
        await idling.close();
      }
    });

    it('refuses a payload above the invocation quota', async () => {
      const oversized = { blob: 'x'.repeat(MAX_SYNC_PAYLOAD_BYTES) };

      await expect(host.invoke('echo', oversized)).rejects.toThrow(RequestTooLargeError);
      await expect(
        host.invoke('echo', { blob: 'x'.repeat(2 * 1024 * 1024) }, { async: true }),
      ).rejects.toThrow(RequestTooLargeError);
    });

    it('reports an unknown function as not found', async () => {
      await expect(host.invoke('nope', {})).rejects.toThrow(FunctionNotFoundError);
      await expect(host.invoke(functionArn('nope'), {})).rejects.toThrow(
        /Function not found: arn:aws:lambda/,
      );
    });

    it('invokes a function by its ARN', async () => {
      const arn = functionArn('alpha', 'eu-west-3');

      const result = payloadOf<ProbeResult>(await host.invoke(arn, {}));

      expect(result.context.invokedFunctionArn).toBe(arn);
    });
  });

  describe('context', () => {
    it('passes a Lambda context with request id, names, memory, log stream and remaining time', async () => {
      const first = payloadOf<ProbeResult>(await host.invoke('beta', { sleepMs: 100 }));
      const second = payloadOf<ProbeResult>(await host.invoke('beta', {}));

      expect(first.context).toMatchObject({
        functionName: 'beta',
        functionVersion: '$LATEST',
        invokedFunctionArn: 'arn:aws:lambda:eu-west-3:000000000000:function:beta',
        memoryLimitInMB: '512',
        logGroupName: '/aws/lambda/beta',
        callbackWaitsForEmptyEventLoop: true,
      });
      expect(first.context.awsRequestId).toMatch(UUID);
      expect(second.context.awsRequestId).not.toBe(first.context.awsRequestId);
      expect(first.context.logStreamName).toBe(second.context.logStreamName);
      expect(first.remainingAtStart).toBeLessThanOrEqual(3_000);
      expect(first.remainingAtStart).toBeGreaterThan(2_500);
      expect(first.remainingAtEnd).toBeLessThanOrEqual(first.remainingAtStart - 90);
    });

    it('sets _X_AMZN_TRACE_ID per invocation and honours a given request id and trace header', async () => {
      const first = payloadOf<ProbeResult>(await host.invoke('beta', {}));
      const traceId = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
      const given = payloadOf<ProbeResult>(
        await host.invoke('beta', {}, { awsRequestId: '11111111-2222-3333-4444-555555555555', traceId }),
      );

      expect(first.traceId).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
      expect(given.traceId).toBe(traceId);
      expect(given.context.awsRequestId).toBe('11111111-2222-3333-4444-555555555555');
    });
  });

  describe('payloads', () => {
    it('round-trips payload and result as JSON', async () => {
      const payload = { n: 1, nested: { list: [1, 'two', null, true] }, at: new Date(0), skipped: undefined };

      const result = payloadOf<unknown>(await host.invoke('echo', payload));

      expect(result).toEqual({
        n: 1,
        nested: { list: [1, 'two', null, true] },
        at: '1970-01-01T00:00:00.000Z',
      });
    });

    it('returns null when the handler returns nothing', async () => {
      expect(await host.invoke('nothing', {})).toMatchObject({ ok: true, payload: null });
    });
  });

  describe('errors', () => {
    it('reports a thrown error as Lambda does, with a source-mapped trace', async () => {
      const { error, timedOut } = errorOf(await host.invoke('declines', { reason: 'card declined' }));

      expect(timedOut).toBe(false);
      expect(error.errorType).toBe('PaymentDeclinedError');
      expect(error.errorMessage).toBe('card declined');
      expect(error.trace?.[0]).toBe('PaymentDeclinedError: card declined');
      expect(error.trace?.join('\n')).toContain('probe.handler.ts');
    });

    it('terminates a timed-out environment and cold-starts the next invocation', async () => {
      const warm = payloadOf<ProbeResult>(await host.invoke('short-timeout', {}));
      const startedAt = Date.now();

      const timedOut = errorOf(await host.invoke('short-timeout', { spin: true }));
      const after = payloadOf<ProbeResult>(await host.invoke('short-timeout', {}));

      expect(Date.now() - startedAt).toBeLessThan(3_000);
      expect(timedOut).toEqual({
        ok: false,
        timedOut: true,
        error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 0.50 seconds' },
      });
      expect(after.invocations).toBe(1);
      expect(after.threadId).not.toBe(warm.threadId);
      expect(
        logLines.some((line) => line.includes('[short-timeout]') && line.includes('Task timed out')),
      ).toBe(true);
    });

    it('reports an init error and retries the cold start on the next invocation', async () => {
      const failed = errorOf(await host.invoke('needs-config', {}));
      expect(failed.error.errorType).toBe('ConfigurationError');
      expect(failed.error.errorMessage).toContain('READY_FLAG_FILE is not ready');
      expect(host.get('needs-config')?.environments).toBe(0);

      await writeFile(flagFile, 'ready');
      expect(await host.invoke('needs-config', {})).toMatchObject({ ok: true, payload: 'initialised' });
    });

    it('reports a missing handler export as Runtime.HandlerNotFound', async () => {
      const { error } = errorOf(await host.invoke('missing-export', {}));

      expect(error).toEqual({
        errorType: 'Runtime.HandlerNotFound',
        errorMessage: 'missing-export.doesNotExist is undefined or not exported',
      });
    });

    it('refuses a callback-style handler as the nodejs24.x runtime does', async () => {
      const { error } = errorOf(await host.invoke('callback', {}));

      expect(error.errorType).toBe('Runtime.CallbackHandlerDeprecated');
    });
  });

  describe('logs and shutdown', () => {
    it('forwards each line a function prints, prefixed with its name', async () => {
      expect(await host.invoke('logger', {})).toMatchObject({ ok: true, payload: 'logged' });

      await expect
        .poll(() => logLines.filter((line) => line.startsWith('[logger] ')))
        .toEqual([
          '[logger] {"level":"INFO","message":"first"}',
          '[logger] second line',
          '[logger] third line',
        ]);
    });

    it('has every line printed during an invocation in the log by the time its answer arrives', async () => {
      await host.invoke('chatty', { lines: 1 });
      for (const lines of [1, 200]) {
        const before = logLines.length;
        expect(await host.invoke('chatty', { lines })).toMatchObject({ ok: true, payload: lines });

        const printed = logLines.slice(before).filter((line) => line.startsWith('[chatty] line '));
        expect(printed).toHaveLength(lines);
        expect(printed.at(-1)).toBe(`[chatty] line ${String(lines).padStart(4, '0')} ${'.'.repeat(90)}`);
      }
    });

    it('forwards writes of Buffers and of other encodings, joining a line written in parts', async () => {
      const before = logLines.length;
      expect(await host.invoke('writer', {})).toMatchObject({ ok: true, payload: 'written' });

      expect(logLines.slice(before).filter((line) => line.startsWith('[writer] '))).toEqual([
        '[writer] from a buffer',
        '[writer] hex, then utf8 ✓',
        '[writer] to stderr',
      ]);
    });

    it('picks up new code on re-registration while warm environments of the old code retire', async () => {
      const before = payloadOf<ProbeResult>(await host.invoke('echo', { v: 1 }));
      host.register(spec('echo', 'probe.handler.ts', 'handler'), bundleOf('alpha'));

      const after = payloadOf<ProbeResult>(await host.invoke('echo', {}));

      expect(before).toEqual({ v: 1 });
      expect(after.invocations).toBe(1);
      expect(after.context.functionName).toBe('echo');
    });

    it('terminates every environment on close and answers later invocations with Runtime.ExitError', async () => {
      const closing = createLambdaHost({ log: () => {} });
      closing.register(spec('slow', 'probe.handler.ts', 'handler'), bundleOf('slow'));
      const running = closing.invoke('slow', { sleepMs: 5_000 });
      await expect.poll(() => closing.get('slow')?.busyEnvironments).toBe(1);

      await closing.close();

      expect(errorOf(await running).error.errorType).toBe('Runtime.ExitError');
      expect(errorOf(await closing.invoke('slow', {})).error.errorType).toBe('Runtime.ExitError');
      expect(closing.get('slow')?.environments).toBe(0);
    });
  });
});
