import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FaultRegistry } from '../faults/fault.registry.ts';
import { FaultSpec } from '../faults/fault.types.ts';
import { bundleFunctions } from './lambda.bundler.ts';
import { TooManyRequestsError } from './lambda.errors.ts';
import { createLambdaHost, defaultConcurrencyPerFunction, type LambdaHost } from './lambda.host.ts';
import type { FunctionSpec, InvokeResult } from './lambda.types.ts';

const fixture = (file: string): string => new URL(`./test-fixtures/${file}`, import.meta.url).pathname;

const spec = (name: string, entry: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec => ({
  name,
  entry: fixture(entry),
  handler: 'handler',
  memoryMb: 256,
  timeoutSeconds: 3,
  environment: {},
  ...overrides,
});

interface SlowInit {
  readonly initStartedAt: number;
  readonly initEndedAt: number;
  readonly threadId: number;
}

interface Probe {
  readonly invocations: number;
  readonly threadId: number;
  readonly loadedAt: number;
}

const payloadOf = <T>(result: InvokeResult): T => {
  if (!result.ok)
    throw new Error(`Invocation failed: ${result.error.errorType}: ${result.error.errorMessage}`);
  return result.payload as T;
};

describe('local Lambda host under load and faults', () => {
  let outDir: string;
  let bundles: Readonly<Record<string, string>>;
  const hosts: LambdaHost[] = [];
  const newHost = (options: Parameters<typeof createLambdaHost>[0] = {}): LambdaHost => {
    const host = createLambdaHost({ log: () => {}, ...options });
    hosts.push(host);
    return host;
  };
  const bundleOf = (name: string): string => {
    const path = bundles[name];
    if (!path) throw new Error(`no bundle for ${name}`);
    return path;
  };

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'lambda-host-load-'));
    ({ bundles } = await bundleFunctions(
      [spec('probe', 'probe.handler.ts'), spec('slow-init', 'slow-init.handler.ts')],
      outDir,
    ));
  });

  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((host) => host.close()));
  });

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('derives its default cap from the cores: twice as many, at least two', () => {
    expect(defaultConcurrencyPerFunction(1)).toBe(2);
    expect(defaultConcurrencyPerFunction(2)).toBe(4);
    expect(defaultConcurrencyPerFunction(8)).toBe(16);
  });

  it('throttles a synchronous invocation beyond reserved concurrency at once, as AWS does', async () => {
    const host = newHost();
    host.register(spec('reserved', 'probe.handler.ts', { reservedConcurrency: 2 }), bundleOf('probe'));
    const running = [host.invoke('reserved', { sleepMs: 400 }), host.invoke('reserved', { sleepMs: 400 })];
    const third = host.invoke('reserved', {});
    await expect(third).rejects.toBeInstanceOf(TooManyRequestsError);
    await expect(third).rejects.toMatchObject({
      code: 'TooManyRequestsException',
      status: 429,
      reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
    });
    for (const result of await Promise.all(running)) expect(result.ok).toBe(true);
    expect(host.get('reserved')).toMatchObject({ concurrencyLimit: 2, throttles: 1, invocations: 2 });
    // Once an environment is free again, the next call runs.
    expect((await host.invoke('reserved', {})).ok).toBe(true);
  });

  it('queues asynchronous invocations beyond reserved concurrency instead of throttling them', async () => {
    const host = newHost();
    host.register(spec('reserved', 'probe.handler.ts', { reservedConcurrency: 1 }), bundleOf('probe'));
    const busy = host.invoke('reserved', { sleepMs: 300 });
    const accepted = await host.invoke('reserved', {}, { async: true });
    expect(accepted).toEqual({ ok: true, payload: null });
    expect(host.get('reserved')?.queued).toBe(1);
    await busy;
    await expect.poll(() => host.get('reserved')?.invocations).toBe(2);
    await expect.poll(() => host.get('reserved')?.queued).toBe(0);
    expect(host.get('reserved')?.throttles).toBe(0);
  });

  it('lets invocations wait for an environment up to the queue bound, then throttles the overflow', async () => {
    const host = newHost({ maxConcurrencyPerFunction: 1, maxQueuedPerFunction: 2 });
    host.register(spec('capped', 'probe.handler.ts'), bundleOf('probe'));
    const admitted = [0, 1, 2].map(() => host.invoke('capped', { sleepMs: 150 }));
    await expect(host.invoke('capped', {})).rejects.toMatchObject({
      reason: 'ConcurrentInvocationLimitExceeded',
    });
    const results = await Promise.all(admitted);
    const probes = results.map((result) => payloadOf<Probe>(result));
    // One environment served all three in turn.
    expect(new Set(probes.map((p) => p.threadId)).size).toBe(1);
    expect(probes.map((p) => p.invocations).sort()).toEqual([1, 2, 3]);
  });

  it('runs at most maxConcurrentInits init phases at a time, across functions', async () => {
    const host = newHost({ maxConcurrentInits: 1 });
    host.register(
      spec('first', 'slow-init.handler.ts', { environment: { INIT_MS: '200' } }),
      bundleOf('slow-init'),
    );
    host.register(
      spec('second', 'slow-init.handler.ts', { environment: { INIT_MS: '200' } }),
      bundleOf('slow-init'),
    );
    const [a, b] = await Promise.all([host.invoke('first', {}), host.invoke('second', {})]);
    const [early, late] = [
      payloadOf<{ initStartedAt: number; initEndedAt: number }>(a),
      payloadOf<{ initStartedAt: number; initEndedAt: number }>(b),
    ].sort((x, y) => x.initStartedAt - y.initStartedAt);
    if (!early || !late) throw new Error('two results expected');
    expect(late.initStartedAt).toBeGreaterThanOrEqual(early.initEndedAt);
    expect(host.get('first')?.coldStarts).toBe(1);
    expect(host.get('second')?.coldStarts).toBe(1);
  });

  it('hands an invocation waiting for a new environment to a warm one that frees up first', async () => {
    const host = newHost();
    host.register(
      spec('slow-init', 'slow-init.handler.ts', { environment: { INIT_MS: '1500' } }),
      bundleOf('slow-init'),
    );
    const warm = payloadOf<SlowInit>(await host.invoke('slow-init', {}));
    const busy = host.invoke('slow-init', { sleepMs: 100 });
    const asked = performance.now();
    // No environment is free: this one starts a second environment, whose init phase takes 1.5 s.
    const waiting = host.invoke('slow-init', {});
    expect(host.get('slow-init')).toMatchObject({ environments: 2, busyEnvironments: 2 });
    const taken = payloadOf<SlowInit>(await waiting);
    const waitedMs = performance.now() - asked;
    payloadOf<SlowInit>(await busy);

    expect(taken.threadId).toBe(warm.threadId);
    expect(waitedMs).toBeLessThan(1_000);
    expect(host.get('slow-init')).toMatchObject({ environments: 2, busyEnvironments: 0 });
    // The environment started for it ends its init phase (a timer of 1.5 s) and waits, warm, for the next invocation.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, asked + 2_500 - performance.now())));
    const both = await Promise.all([
      host.invoke('slow-init', { sleepMs: 50 }),
      host.invoke('slow-init', { sleepMs: 50 }),
    ]);
    const threads = new Set(both.map((result) => payloadOf<SlowInit>(result).threadId));
    expect(threads.size).toBe(2);
    expect(host.get('slow-init')?.coldStarts).toBe(2);
  });

  it('gives a freed init slot to a function with no environment before another environment of a busy one', async () => {
    const host = newHost({ maxConcurrentInits: 1 });
    for (const name of ['busy', 'first-use']) {
      host.register(
        spec(name, 'slow-init.handler.ts', { environment: { INIT_MS: '600' } }),
        bundleOf('slow-init'),
      );
    }
    payloadOf<SlowInit>(await host.invoke('busy', {}));
    // The warm environment takes the first; the second starts an environment, the third waits for an init slot.
    const busy = [0, 1, 2].map(() => host.invoke('busy', { sleepMs: 1_000 }));
    const firstUse = host.invoke('first-use', {});
    const second = payloadOf<SlowInit>((await Promise.all(busy))[1] ?? (await firstUse));
    const started = payloadOf<SlowInit>(await firstUse);

    // first-use's init began as soon as busy's second environment ended its own, not after a third one.
    expect(started.initStartedAt).toBeGreaterThanOrEqual(second.initEndedAt);
    expect(started.initStartedAt - second.initEndedAt).toBeLessThan(500);
  });

  describe('faults', () => {
    const hostWithFaults = (random = () => 0) => {
      const faults = new FaultRegistry({ random });
      const host = newHost({ faults });
      host.register(spec('probe', 'probe.handler.ts'), bundleOf('probe'));
      return { host, faults };
    };

    it('fails an invocation with the injected error without running the handler', async () => {
      const { host, faults } = hostWithFaults();
      const fault = faults.add(
        FaultSpec.parse({ kind: 'function-error', function: 'probe', errorType: 'TransientError' }),
      );
      const failed = await host.invoke('probe', {});
      expect(failed).toEqual({
        ok: false,
        error: { errorType: 'TransientError', errorMessage: 'Fault injected by the local runtime' },
        timedOut: false,
      });
      faults.remove(fault.id);
      // The handler ran for the first time only now.
      expect(payloadOf<Probe>(await host.invoke('probe', {})).invocations).toBe(1);
      expect(host.get('probe')).toMatchObject({ invocations: 2, errors: 1 });
    });

    it('strikes only the share of calls its rate says', async () => {
      const rolls = [0.1, 0.9, 0.2, 0.8];
      const { host, faults } = hostWithFaults(() => rolls.shift() ?? 1);
      faults.add(FaultSpec.parse({ kind: 'function-error', function: 'probe', rate: 0.5 }));
      const outcomes = [];
      for (let i = 0; i < 4; i++) outcomes.push((await host.invoke('probe', {})).ok);
      expect(outcomes).toEqual([false, true, false, true]);
      expect(faults.list()[0]).toMatchObject({ checks: 4, hits: 2 });
    });

    it('delays an invocation by the injected latency before it starts', async () => {
      const { host, faults } = hostWithFaults();
      await host.invoke('probe', {}); // warm, so the cold start does not count
      faults.add(FaultSpec.parse({ kind: 'function-latency', function: 'probe', latencyMs: 300 }));
      const before = Date.now();
      const probe = payloadOf<Probe & { startedAt: number }>(await host.invoke('probe', {}));
      expect(probe.startedAt - before).toBeGreaterThanOrEqual(290);
    });

    it('runs the handler but loses its answer on an injected timeout, then discards the environment', async () => {
      const { host, faults } = hostWithFaults();
      host.register(spec('short', 'probe.handler.ts', { timeoutSeconds: 0.3 }), bundleOf('probe'));
      const warm = payloadOf<Probe>(await host.invoke('short', {}));
      faults.add(FaultSpec.parse({ kind: 'function-timeout', function: 'short' }));
      const touched = join(outDir, 'timed-out-handler-ran');
      const timedOut = await host.invoke('short', { touch: touched });
      expect(await readFile(touched, 'utf8')).toBe('ran\n');
      expect(timedOut).toMatchObject({ ok: false, timedOut: true, error: { errorType: 'Sandbox.Timedout' } });
      faults.clear();
      const next = payloadOf<Probe>(await host.invoke('short', {}));
      // A new environment: the first invocation there.
      expect(next.invocations).toBe(1);
      expect(next.threadId).not.toBe(warm.threadId);
      expect(host.get('short')?.coldStarts).toBe(2);
    });

    it('kills warm and busy environments: the busy invocation exits and the next one cold-starts', async () => {
      const { host } = hostWithFaults();
      const warm = payloadOf<Probe>(await host.invoke('probe', {}));
      const busy = host.invoke('probe', { sleepMs: 2000 });
      await expect.poll(() => host.get('probe')?.busyEnvironments).toBe(1);
      expect(await host.killEnvironments('probe')).toBe(1);
      expect(await busy).toMatchObject({ ok: false, error: { errorType: 'Runtime.ExitError' } });
      const next = payloadOf<Probe>(await host.invoke('probe', {}));
      expect(next.threadId).not.toBe(warm.threadId);
      expect(next.invocations).toBe(1);
    });

    it('kills an environment still in its init phase once that phase ends, failing its invocation', async () => {
      const host = newHost();
      host.register(
        spec('slow-init', 'slow-init.handler.ts', { environment: { INIT_MS: '400' } }),
        bundleOf('slow-init'),
      );
      const cold = host.invoke('slow-init', {});
      await expect.poll(() => host.get('slow-init')?.environments).toBe(1);
      const started = Date.now();
      // The bundle's top-level await is still running: the kill waits for it rather than stop the thread mid-evaluation.
      expect(await host.killEnvironments('slow-init')).toBe(1);
      expect(await cold).toMatchObject({ ok: false, error: { errorType: 'Runtime.ExitError' } });
      const next = payloadOf<{ initStartedAt: number }>(await host.invoke('slow-init', {}));
      expect(next.initStartedAt).toBeGreaterThanOrEqual(started);
    });
  });
});
