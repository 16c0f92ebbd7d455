import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { functionArn, type InvokeResult, type LambdaInvoker } from '../lambda/lambda.types.ts';
import { StepFunctionsEmulator } from './stepfunctions.emulator.ts';
import { StepFunctionsApiError } from './stepfunctions.errors.ts';
import { deferred } from './stepfunctions.test-support.ts';
import { DURABLE_MACHINE } from './test-fixtures/durable-machine.fixture.ts';

const FIXTURE = join(import.meta.dirname, 'test-fixtures', 'durable-emulator.fixture.ts');

/** Runs the fixture until its `Hold` task is running, then kills it with SIGKILL: nothing gets to clean up. */
const crashAfterHold = async (dataDir: string): Promise<void> => {
  const child: ChildProcess = spawn(process.execPath, [FIXTURE, dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve();
      });
      child.once('exit', (code) =>
        reject(new Error(`the fixture exited (${code}) before it was ready: ${stderr}`)),
      );
    });
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  }
};

const countingInvoker = (
  calls: Map<string, number>,
  hold: () => Promise<void> = async () => undefined,
): LambdaInvoker => ({
  async invoke(nameOrArn, payload): Promise<InvokeResult> {
    calls.set(nameOrArn, (calls.get(nameOrArn) ?? 0) + 1);
    if (nameOrArn === functionArn('hold')) await hold();
    return { ok: true, payload: { seen: payload } };
  },
});

const typesOf = (emulator: StepFunctionsEmulator, executionArn: string): string[] =>
  emulator.getExecutionHistory({ executionArn, maxResults: 1000 }).events.map((e) => e.type);

const apiError = (call: () => unknown): string => {
  try {
    call();
  } catch (error) {
    if (error instanceof StepFunctionsApiError) return error.type;
    throw error;
  }
  throw new Error('expected the call to fail');
};

describe('executions that survive a crash (dataDir)', () => {
  let dataDir = '';
  const opened: StepFunctionsEmulator[] = [];
  const open = (invoker: LambdaInvoker): StepFunctionsEmulator => {
    const emulator = new StepFunctionsEmulator({ invoker, dataDir, waitTimeScale: 0.001 });
    opened.push(emulator);
    return emulator;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sfn-durable-'));
    await crashAfterHold(dataDir);
  });

  afterEach(async () => {
    for (const emulator of opened.splice(0)) await emulator.close();
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows the interrupted execution RUNNING, resumes it at the interrupted state and lets it succeed', async () => {
    const calls = new Map<string, number>();
    const emulator = open(countingInvoker(calls));
    const stateMachineArn = emulator.stateMachineArn('durable');
    const executionArn = emulator.executionArn('durable', 'interrupted');

    expect(JSON.parse(emulator.describeStateMachine(stateMachineArn).definition)).toEqual(DURABLE_MACHINE);
    expect(emulator.describeExecution(executionArn)).toMatchObject({
      status: 'RUNNING',
      redriveCount: 0,
      redriveStatus: 'NOT_REDRIVABLE',
    });
    const before = typesOf(emulator, executionArn);
    expect(before.at(-1)).toBe('TaskStarted');

    // Name uniqueness holds across the restart: the same name and input is the same running execution.
    expect(
      emulator.startExecution({ stateMachineArn, name: 'interrupted', input: '{"orderId":"o-1"}' })
        .executionArn,
    ).toBe(executionArn);
    expect(
      apiError(() =>
        emulator.startExecution({ stateMachineArn, name: 'interrupted', input: '{"orderId":"o-2"}' }),
      ),
    ).toBe('ExecutionAlreadyExists');

    expect(emulator.resumeInterrupted()).toEqual([executionArn]);
    const done = await emulator.waitForExecution(executionArn, 10_000);

    expect(done).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(done.redriveDate).toBeGreaterThanOrEqual(done.startDate);
    expect(JSON.parse(done.output ?? '')).toMatchObject({
      orderId: 'o-1',
      hold: { held: { seen: { original: { orderId: 'o-1' } } } },
    });
    // StepOne ran before the crash and is not run again; Hold, the interrupted state, is.
    expect(calls.get(functionArn('step-one'))).toBeUndefined();
    expect(calls.get(functionArn('hold'))).toBe(1);
    const history = emulator.getExecutionHistory({ executionArn, maxResults: 1000 }).events;
    const after = history.map((e) => e.type);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length)).toEqual([
      'ExecutionRedriven',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(history[before.length]?.details).toEqual({ redriveCount: 1 });
    expect(history[before.length + 1]?.details?.name).toBe('Hold');
    expect(history.map((e) => e.id)).toEqual(history.map((_, i) => i + 1));
    expect(
      apiError(() =>
        emulator.startExecution({ stateMachineArn, name: 'interrupted', input: '{"orderId":"o-1"}' }),
      ),
    ).toBe('ExecutionAlreadyExists');
  });

  it('keeps the status and history of executions that had ended, and their names taken', async () => {
    const emulator = open(countingInvoker(new Map()));
    const stateMachineArn = emulator.stateMachineArn('durable');
    const finished = emulator.describeExecution(emulator.executionArn('durable', 'finished'));
    const failed = emulator.describeExecution(emulator.executionArn('durable', 'failed'));

    expect(finished).toMatchObject({ status: 'SUCCEEDED', redriveCount: 0 });
    expect(JSON.parse(finished.output ?? '')).toMatchObject({ orderId: 'o-0', skip: true });
    expect(failed).toMatchObject({
      status: 'FAILED',
      error: 'Broken',
      cause: 'failed on purpose',
      redriveStatus: 'REDRIVABLE',
    });
    expect(typesOf(emulator, finished.executionArn).at(-1)).toBe('ExecutionSucceeded');
    expect(typesOf(emulator, failed.executionArn).at(-1)).toBe('ExecutionFailed');
    expect(
      apiError(() =>
        emulator.startExecution({
          stateMachineArn,
          name: 'finished',
          input: '{"orderId":"o-0","skip":true}',
        }),
      ),
    ).toBe('ExecutionAlreadyExists');
    expect(emulator.listExecutions({ stateMachineArn }).executions.map((e) => e.name)).toEqual([
      'interrupted',
      'failed',
      'finished',
    ]);
  });

  it('keeps a resumed execution and its redrive across one more restart', async () => {
    const emulator = open(countingInvoker(new Map()));
    const executionArn = emulator.executionArn('durable', 'interrupted');
    expect(emulator.resumeInterrupted()).toEqual([]);
    expect(emulator.describeExecution(executionArn)).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(typesOf(emulator, executionArn).filter((t) => t === 'ExecutionRedriven')).toHaveLength(1);
  });
});

describe('a durable emulator that shuts down', () => {
  let dataDir = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sfn-shutdown-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('leaves running executions RUNNING on disk, records nothing after close, and resumes them on the next start', async () => {
    const release = deferred();
    const invoked = deferred();
    const first = new StepFunctionsEmulator({
      invoker: countingInvoker(new Map(), async () => {
        invoked.resolve();
        await release.promise;
      }),
      dataDir,
    });
    const { stateMachineArn } = first.createStateMachine({
      name: 'durable',
      definition: JSON.stringify(DURABLE_MACHINE),
    });
    const { executionArn } = first.startExecution({
      stateMachineArn,
      name: 'shutdown',
      input: '{"orderId":"o-5"}',
    });
    await invoked.promise;
    await first.close();
    // The task ends after the shutdown: that result belongs to no one.
    release.resolve();
    await new Promise((resolve) => setImmediate(resolve));

    const second = new StepFunctionsEmulator({ invoker: countingInvoker(new Map()), dataDir });
    try {
      expect(second.describeExecution(executionArn).status).toBe('RUNNING');
      expect(typesOf(second, executionArn)).not.toContain('TaskSucceeded');
      expect(typesOf(second, executionArn)).not.toContain('ExecutionAborted');
      second.resumeInterrupted();
      expect((await second.waitForExecution(executionArn, 10_000)).status).toBe('SUCCEEDED');
    } finally {
      await second.close();
    }
  });

  it('keeps the journal append-only: one line per event, an outcome line at the end', async () => {
    const journal = await readFile(join(dataDir, 'executions.jsonl'), 'utf8');
    const lines = journal
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string });
    expect(lines[0]?.kind).toBe('started');
    expect(lines.at(-1)?.kind).toBe('outcome');
    expect(lines.filter((l) => l.kind === 'event').length).toBeGreaterThan(10);
    expect(existsSync(join(dataDir, 'state-machines.json'))).toBe(true);
  });
});
