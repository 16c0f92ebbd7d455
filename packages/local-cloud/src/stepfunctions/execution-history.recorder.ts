import type { StateMachine } from 'aws-local-stepfunctions';
import {
  evaluateSimplePath,
  historyResourceOf,
  type JsonRecord,
  RESUME_STATE,
  type TaskIntegration,
} from './asl-definition.util.ts';
import type { ExecutionStatus, HistoryEventRecord } from './stepfunctions.types.ts';
import type { TaskFailure } from './task-failure.ts';

/** One entry of the engine's `eventLogs` (the package does not export the type). */
export type EngineEvent =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export interface ExecutionOutcome {
  readonly status: Exclude<ExecutionStatus, 'RUNNING'>;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  /** Epoch milliseconds. */
  readonly at: number;
}

/** A Task state as found in the definition, with what its Resource calls. */
export interface TaskSpec {
  readonly stateName: string;
  readonly resource: string;
  readonly integration: TaskIntegration;
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
}

/** A task attempt between its Scheduled event and its result. */
export interface InflightTask {
  readonly spec: TaskSpec;
  /** The engine moved on (state timeout, abort): a late result must not appear in the history. */
  abandoned: boolean;
  /** Called when the engine abandons the attempt (a waiting task gives its token up). */
  onAbandoned?: () => void;
}

/** Where a durable emulator writes each event and outcome as it happens. */
export interface ExecutionJournal {
  event(event: HistoryEventRecord): void;
  outcome(outcome: ExecutionOutcome): void;
}

export interface RecorderOptions {
  /** The history so far (an execution loaded from disk). */
  readonly events?: readonly HistoryEventRecord[];
  readonly outcome?: ExecutionOutcome;
  readonly journal?: ExecutionJournal;
}

// The engine's stand-ins for a Fail state without Error/Cause, where AWS reports none.
const FAIL_STATE_DEFAULT_ERROR = 'FailStateError';
const FAIL_STATE_DEFAULT_CAUSE = 'Execution failed because of a Fail state';

const ABORTABLE_STATE_TYPES = new Set(['Task', 'Wait', 'Map', 'Parallel']);

const json = (value: unknown): string => JSON.stringify(value ?? null);
const dataDetails = (key: 'input' | 'output', value: unknown): JsonRecord => ({
  [key]: json(value),
  [`${key}Details`]: { truncated: false },
});
const causeText = (cause: unknown): string | undefined =>
  cause === undefined || cause === null
    ? undefined
    : typeof cause === 'string'
      ? cause
      : JSON.stringify(cause);

/**
 * Builds an execution's history in AWS's event vocabulary from two sources: the engine's event log
 * (execution and state events, consumed asynchronously) and the task runner (Scheduled, Started,
 * Submitted, Succeeded, Failed: the engine knows nothing of the services it calls). Event ids increase
 * by one and `previousEventId` is the preceding event. With a journal, every event is written as it
 * is recorded.
 */
export class ExecutionRecorder {
  readonly events: HistoryEventRecord[];
  outcome: ExecutionOutcome | undefined;
  private readonly states: ReadonlyMap<string, JsonRecord>;
  private readonly roleArn: string;
  private readonly region: string;
  private readonly journal: ExecutionJournal | undefined;
  private readonly openStates = new Map<string, { readonly name: string; readonly type: string }>();
  private readonly failedStates = new Set<string>();
  private inflight: InflightTask[] = [];
  /** A redriven run: the engine's ExecutionStarted is that of the new run, not of the execution. */
  private resumed = false;
  /** The emulator shut down with the execution still running: nothing more is recorded. */
  private detached = false;

  constructor(
    states: ReadonlyMap<string, JsonRecord>,
    roleArn: string,
    region: string,
    options: RecorderOptions = {},
  ) {
    this.states = states;
    this.roleArn = roleArn;
    this.region = region;
    this.events = [...(options.events ?? [])];
    this.outcome = options.outcome;
    this.journal = options.journal;
  }

  private add(type: string, detailsKey?: string, details?: JsonRecord, timestamp = Date.now()): void {
    if (this.detached) return;
    const id = this.events.length + 1;
    const event: HistoryEventRecord = { id, previousEventId: id - 1, timestamp, type, detailsKey, details };
    this.events.push(event);
    this.journal?.event(event);
  }

  private settleWith(outcome: ExecutionOutcome): void {
    this.outcome = outcome;
    if (!this.detached) this.journal?.outcome(outcome);
  }

  onEngineEvent(event: EngineEvent): void {
    if (this.outcome || this.detached) return;
    if ('state' in event && event.state.name === RESUME_STATE) return;
    switch (event.type) {
      case 'ExecutionStarted':
        if (this.resumed) return;
        this.add(
          'ExecutionStarted',
          'executionStartedEventDetails',
          { ...dataDetails('input', event.input), roleArn: this.roleArn },
          event.timestamp,
        );
        return;
      case 'StateEntered': {
        const { name, type, input } = event.state;
        this.openStates.set(stateKey(name, event.index), { name, type });
        this.add(
          `${type}StateEntered`,
          'stateEnteredEventDetails',
          { name, ...dataDetails('input', input) },
          event.timestamp,
        );
        if (type === 'Map')
          this.add('MapStateStarted', 'mapStateStartedEventDetails', this.mapLength(name, input));
        if (type === 'Parallel') this.add('ParallelStateStarted');
        return;
      }
      case 'StateExited': {
        const { name, type, output } = event.state;
        const key = stateKey(name, event.index);
        const failed = this.failedStates.delete(key);
        this.openStates.delete(key);
        if (type === 'Map' && !failed) this.add('MapStateSucceeded', undefined, undefined, event.timestamp);
        if (type === 'Parallel' && !failed)
          this.add('ParallelStateSucceeded', undefined, undefined, event.timestamp);
        this.add(
          `${type}StateExited`,
          'stateExitedEventDetails',
          { name, ...dataDetails('output', output) },
          event.timestamp,
        );
        return;
      }
      case 'StateFailed': {
        const { name, type } = event.state;
        if (type === 'Task' && event.Error === 'States.Timeout')
          this.stateTimedOut(name, causeText(event.Cause));
        if (type === 'Map' || type === 'Parallel') {
          this.failedStates.add(stateKey(name, event.index));
          this.add(`${type}StateFailed`, undefined, undefined, event.timestamp);
        }
        return;
      }
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const detailsKey = `mapIteration${event.type.slice('MapIteration'.length)}EventDetails`;
        this.add(
          event.type,
          detailsKey,
          { name: event.parentState.name, index: event.index },
          event.timestamp,
        );
        return;
      }
      case 'ExecutionSucceeded':
        this.add(
          'ExecutionSucceeded',
          'executionSucceededEventDetails',
          dataDetails('output', event.output),
          event.timestamp,
        );
        this.settleWith({ status: 'SUCCEEDED', output: json(event.output), at: event.timestamp });
        return;
      case 'ExecutionFailed': {
        const error = event.Error === FAIL_STATE_DEFAULT_ERROR ? undefined : event.Error;
        const rawCause = causeText(event.Cause);
        const cause = rawCause === FAIL_STATE_DEFAULT_CAUSE ? undefined : rawCause;
        this.add('ExecutionFailed', 'executionFailedEventDetails', { error, cause }, event.timestamp);
        this.settleWith({ status: 'FAILED', error, cause, at: event.timestamp });
        return;
      }
      case 'ExecutionTimeout': {
        const error = 'States.Timeout';
        this.add('ExecutionTimedOut', 'executionTimedOutEventDetails', { error }, event.timestamp);
        this.settleWith({ status: 'TIMED_OUT', error, at: event.timestamp });
        return;
      }
      default:
        // ExecutionAborted is recorded by abort(); Parallel branch, retry and catch events have no AWS counterpart.
        return;
    }
  }

  private mapLength(name: string, input: unknown): JsonRecord {
    const state = this.states.get(name);
    let items = input;
    if (typeof state?.InputPath === 'string') items = evaluateSimplePath(items, state.InputPath);
    if (typeof state?.ItemsPath === 'string') items = evaluateSimplePath(items, state.ItemsPath);
    return Array.isArray(items) ? { length: items.length } : {};
  }

  /** A task attempt begins: `Scheduled` and `Started` (Lambda function ARNs have events of their own). */
  taskScheduled(spec: TaskSpec, parameters: unknown): InflightTask {
    const timeout = spec.timeoutSeconds === undefined ? {} : { timeoutInSeconds: spec.timeoutSeconds };
    const { integration } = spec;
    if (integration.service === 'lambda' && integration.style === 'function') {
      this.add('LambdaFunctionScheduled', 'lambdaFunctionScheduledEventDetails', {
        resource: spec.resource,
        ...dataDetails('input', parameters),
        ...timeout,
      });
      this.add('LambdaFunctionStarted');
    } else {
      const resource = taskResource(spec);
      this.add('TaskScheduled', 'taskScheduledEventDetails', {
        ...resource,
        region: this.region,
        parameters: json(parameters),
        ...timeout,
        ...(spec.heartbeatSeconds === undefined ? {} : { heartbeatInSeconds: spec.heartbeatSeconds }),
      });
      this.add('TaskStarted', 'taskStartedEventDetails', resource);
    }
    const inflight: InflightTask = { spec, abandoned: this.outcome !== undefined || this.detached };
    this.inflight.push(inflight);
    return inflight;
  }

  /** A `.waitForTaskToken` task handed its work over (`output` is the service's response) and now waits. */
  taskSubmitted(call: InflightTask, output: unknown): void {
    if (call.abandoned || this.outcome) return;
    this.add('TaskSubmitted', 'taskSubmittedEventDetails', {
      ...taskResource(call.spec),
      ...dataDetails('output', output),
    });
  }

  /** Returns false when the call was abandoned, so its result must not reach the engine's history either. */
  taskSucceeded(call: InflightTask, output: unknown): boolean {
    if (!this.settle(call)) return false;
    if (isLambdaFunction(call.spec)) {
      this.add(
        'LambdaFunctionSucceeded',
        'lambdaFunctionSucceededEventDetails',
        dataDetails('output', output),
      );
    } else {
      this.add('TaskSucceeded', 'taskSucceededEventDetails', {
        ...taskResource(call.spec),
        ...dataDetails('output', output),
      });
    }
    return true;
  }

  taskFailed(call: InflightTask, failure: TaskFailure): boolean {
    if (!this.settle(call)) return false;
    if (isLambdaFunction(call.spec)) {
      this.add('LambdaFunctionFailed', 'lambdaFunctionFailedEventDetails', { ...failure });
    } else {
      this.add('TaskFailed', 'taskFailedEventDetails', { ...taskResource(call.spec), ...failure });
    }
    return true;
  }

  /** The task's own clock ran out (`HeartbeatSeconds`). */
  taskTimedOut(call: InflightTask, error: string): boolean {
    if (!this.settle(call)) return false;
    this.timedOutEvent(call.spec, { error });
    return true;
  }

  private settle(call: InflightTask): boolean {
    const index = this.inflight.indexOf(call);
    if (index >= 0) this.inflight.splice(index, 1);
    return !call.abandoned && this.outcome === undefined && !this.detached;
  }

  private abandon(call: InflightTask): void {
    if (call.abandoned) return;
    call.abandoned = true;
    call.onAbandoned?.();
  }

  private timedOutEvent(spec: TaskSpec, details: JsonRecord): void {
    if (isLambdaFunction(spec)) {
      this.add('LambdaFunctionTimedOut', 'lambdaFunctionTimedOutEventDetails', details);
    } else {
      this.add('TaskTimedOut', 'taskTimedOutEventDetails', { ...taskResource(spec), ...details });
    }
  }

  /** The state's `TimeoutSeconds` elapsed: the engine failed it with States.Timeout while the task ran on. */
  private stateTimedOut(stateName: string, cause: string | undefined): void {
    const call = this.inflight.find((c) => c.spec.stateName === stateName && !c.abandoned);
    if (!call) return;
    this.abandon(call);
    this.timedOutEvent(call.spec, {
      error: 'States.Timeout',
      ...(cause && cause !== 'States.Timeout' ? { cause } : {}),
    });
  }

  /** StopExecution: the running states are aborted, then the execution. */
  abort(error: string | undefined, cause: string | undefined): ExecutionOutcome | undefined {
    if (this.outcome || this.detached) return undefined;
    for (const { name, type } of this.openStates.values()) {
      if (ABORTABLE_STATE_TYPES.has(type))
        this.add(`${type}StateAborted`, 'stateExitedEventDetails', { name });
    }
    for (const call of this.inflight) this.abandon(call);
    this.add('ExecutionAborted', 'executionAbortedEventDetails', { error, cause });
    const outcome: ExecutionOutcome = { status: 'ABORTED', error, cause, at: Date.now() };
    this.settleWith(outcome);
    return outcome;
  }

  /** Safety net for an engine run that ended without a terminal event. */
  failUnexpectedly(message: string): void {
    if (this.outcome || this.detached) return;
    this.add('ExecutionFailed', 'executionFailedEventDetails', { error: 'States.Runtime', cause: message });
    this.settleWith({ status: 'FAILED', error: 'States.Runtime', cause: message, at: Date.now() });
  }

  /**
   * The execution runs again from a state (RedriveExecution, or a resume after a restart):
   * `ExecutionRedriven`, and the outcome of the previous attempt is gone.
   */
  redriven(redriveCount: number, at: number): void {
    this.outcome = undefined;
    this.resumed = true;
    this.openStates.clear();
    this.failedStates.clear();
    this.inflight = [];
    this.add('ExecutionRedriven', 'executionRedrivenEventDetails', { redriveCount }, at);
  }

  /** Stops recording without an outcome: the emulator shuts down and keeps the execution RUNNING on disk. */
  detach(): void {
    for (const call of this.inflight) this.abandon(call);
    this.detached = true;
  }
}

const isLambdaFunction = (spec: TaskSpec): boolean =>
  spec.integration.service === 'lambda' && spec.integration.style === 'function';

const taskResource = (spec: TaskSpec): JsonRecord => ({
  resourceType: spec.integration.service,
  resource: historyResourceOf(spec.integration),
});

const stateKey = (name: string, mapIndex: number | undefined): string => `${name}#${mapIndex ?? ''}`;
