import type { StateMachine } from 'aws-local-stepfunctions';
import { evaluateSimplePath, type JsonRecord } from './asl-definition.util.ts';
import type { LambdaCall, LambdaTaskSpec, TaskFailure } from './lambda-task.adapter.ts';
import type { ExecutionStatus, HistoryEventRecord } from './stepfunctions.types.ts';

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

/** A Lambda task attempt between its Scheduled event and its result. */
export interface InflightLambdaCall {
  readonly spec: LambdaTaskSpec;
  /** The engine moved on (state timeout, abort): a late result must not appear in the history. */
  abandoned: boolean;
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
 * (execution and state events, consumed asynchronously) and the Lambda task adapter (Scheduled, Started,
 * Succeeded, Failed: the engine knows nothing of Lambda). Event ids increase by one and
 * `previousEventId` is the preceding event.
 */
export class ExecutionRecorder {
  readonly events: HistoryEventRecord[] = [];
  outcome: ExecutionOutcome | undefined;
  private readonly states: ReadonlyMap<string, JsonRecord>;
  private readonly roleArn: string;
  private readonly region: string;
  private readonly openStates = new Map<string, { readonly name: string; readonly type: string }>();
  private readonly failedStates = new Set<string>();
  private readonly inflight: InflightLambdaCall[] = [];

  constructor(states: ReadonlyMap<string, JsonRecord>, roleArn: string, region: string) {
    this.states = states;
    this.roleArn = roleArn;
    this.region = region;
  }

  private add(type: string, detailsKey?: string, details?: JsonRecord, timestamp = Date.now()): void {
    const id = this.events.length + 1;
    this.events.push({ id, previousEventId: id - 1, timestamp, type, detailsKey, details });
  }

  onEngineEvent(event: EngineEvent): void {
    if (this.outcome) return;
    switch (event.type) {
      case 'ExecutionStarted':
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
          this.lambdaTimedOut(name, causeText(event.Cause));
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
        this.outcome = { status: 'SUCCEEDED', output: json(event.output), at: event.timestamp };
        return;
      case 'ExecutionFailed': {
        const error = event.Error === FAIL_STATE_DEFAULT_ERROR ? undefined : event.Error;
        const rawCause = causeText(event.Cause);
        const cause = rawCause === FAIL_STATE_DEFAULT_CAUSE ? undefined : rawCause;
        this.add('ExecutionFailed', 'executionFailedEventDetails', { error, cause }, event.timestamp);
        this.outcome = { status: 'FAILED', error, cause, at: event.timestamp };
        return;
      }
      case 'ExecutionTimeout': {
        const error = 'States.Timeout';
        this.add('ExecutionTimedOut', 'executionTimedOutEventDetails', { error }, event.timestamp);
        this.outcome = { status: 'TIMED_OUT', error, at: event.timestamp };
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

  lambdaScheduled(spec: LambdaTaskSpec, call: LambdaCall, input: unknown): InflightLambdaCall {
    const timeout = spec.timeoutSeconds === undefined ? {} : { timeoutInSeconds: spec.timeoutSeconds };
    if (spec.style === 'function') {
      this.add('LambdaFunctionScheduled', 'lambdaFunctionScheduledEventDetails', {
        resource: spec.resource,
        ...dataDetails('input', call.payload),
        ...timeout,
      });
      this.add('LambdaFunctionStarted');
    } else {
      this.add('TaskScheduled', 'taskScheduledEventDetails', {
        resourceType: 'lambda',
        resource: 'invoke',
        region: this.region,
        parameters: json(input),
        ...timeout,
      });
      this.add('TaskStarted', 'taskStartedEventDetails', { resourceType: 'lambda', resource: 'invoke' });
    }
    const inflight: InflightLambdaCall = { spec, abandoned: this.outcome !== undefined };
    this.inflight.push(inflight);
    return inflight;
  }

  /** Returns false when the call was abandoned, so its result must not reach the engine's history either. */
  lambdaSucceeded(call: InflightLambdaCall, output: unknown): boolean {
    if (!this.settle(call)) return false;
    if (call.spec.style === 'function') {
      this.add(
        'LambdaFunctionSucceeded',
        'lambdaFunctionSucceededEventDetails',
        dataDetails('output', output),
      );
    } else {
      this.add('TaskSucceeded', 'taskSucceededEventDetails', {
        resourceType: 'lambda',
        resource: 'invoke',
        ...dataDetails('output', output),
      });
    }
    return true;
  }

  lambdaFailed(call: InflightLambdaCall, failure: TaskFailure): boolean {
    if (!this.settle(call)) return false;
    if (call.spec.style === 'function') {
      this.add('LambdaFunctionFailed', 'lambdaFunctionFailedEventDetails', { ...failure });
    } else {
      this.add('TaskFailed', 'taskFailedEventDetails', {
        resourceType: 'lambda',
        resource: 'invoke',
        ...failure,
      });
    }
    return true;
  }

  private settle(call: InflightLambdaCall): boolean {
    const index = this.inflight.indexOf(call);
    if (index >= 0) this.inflight.splice(index, 1);
    return !call.abandoned && this.outcome === undefined;
  }

  /** The state's `TimeoutSeconds` elapsed: the engine failed it with States.Timeout while the function ran on. */
  private lambdaTimedOut(stateName: string, cause: string | undefined): void {
    const call = this.inflight.find((c) => c.spec.stateName === stateName && !c.abandoned);
    if (!call) return;
    call.abandoned = true;
    const details = { error: 'States.Timeout', ...(cause && cause !== 'States.Timeout' ? { cause } : {}) };
    if (call.spec.style === 'function') {
      this.add('LambdaFunctionTimedOut', 'lambdaFunctionTimedOutEventDetails', details);
    } else {
      this.add('TaskTimedOut', 'taskTimedOutEventDetails', {
        resourceType: 'lambda',
        resource: 'invoke',
        ...details,
      });
    }
  }

  /** StopExecution: the running states are aborted, then the execution. */
  abort(error: string | undefined, cause: string | undefined): ExecutionOutcome | undefined {
    if (this.outcome) return undefined;
    for (const { name, type } of this.openStates.values()) {
      if (ABORTABLE_STATE_TYPES.has(type))
        this.add(`${type}StateAborted`, 'stateExitedEventDetails', { name });
    }
    for (const call of this.inflight) call.abandoned = true;
    this.add('ExecutionAborted', 'executionAbortedEventDetails', { error, cause });
    this.outcome = { status: 'ABORTED', error, cause, at: Date.now() };
    return this.outcome;
  }

  /** Safety net for an engine run that ended without a terminal event. */
  failUnexpectedly(message: string): void {
    if (this.outcome) return;
    this.add('ExecutionFailed', 'executionFailedEventDetails', { error: 'States.Runtime', cause: message });
    this.outcome = { status: 'FAILED', error: 'States.Runtime', cause: message, at: Date.now() };
  }
}

const stateKey = (name: string, mapIndex: number | undefined): string => `${name}#${mapIndex ?? ''}`;
