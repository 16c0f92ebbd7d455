import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type RunOptions, StateMachine } from 'aws-local-stepfunctions';
import type { InvokeResult, LambdaInvoker } from '../lambda/lambda.types.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../lambda/lambda.types.ts';
import {
  collectStates,
  isRecord,
  type JsonRecord,
  lambdaTaskStyle,
  scaleWaitTimes,
  substitutePlaceholders,
  unsupportedFeatures,
  withoutEngineTaskTimeout,
} from './asl-definition.util.ts';
import { ExecutionRecorder } from './execution-history.recorder.ts';
import {
  LambdaTaskError,
  type LambdaTaskSpec,
  resolveLambdaCall,
  serviceFailure,
  taskOutcome,
} from './lambda-task.adapter.ts';
import {
  ExecutionWaitTimeoutError,
  StepFunctionsApiError,
  UnknownPlaceholderError,
} from './stepfunctions.errors.ts';
import type {
  CreateStateMachineInput,
  ExecutionDescription,
  ExecutionsPage,
  HistoryEventRecord,
  HistoryPage,
  HistoryPageInput,
  ListExecutionsInput,
  StartExecutionInput,
  StartedExecution,
  StateMachineSummary,
  StateMachinesPage,
  StateMachineType,
  StepFunctionsEmulatorOptions,
} from './stepfunctions.types.ts';

type JsonValue = Parameters<StateMachine['run']>[0];
type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type EngineRun = ReturnType<StateMachine['run']>;

interface MachineRecord {
  readonly seq: number;
  readonly summary: StateMachineSummary;
  readonly engine: StateMachine;
  readonly tasks: readonly LambdaTaskSpec[];
  /** Every state by name, nested ones included. */
  readonly states: ReadonlyMap<string, JsonRecord>;
}

interface ExecutionRecord {
  readonly seq: number;
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: number;
  readonly recorder: ExecutionRecorder;
  readonly run: EngineRun;
  /** Resolves once the execution has its final status and complete history. */
  readonly settled: Promise<void>;
}

// AWS: 1-80 characters, none of whitespace, brackets, wildcards, these specials, or control characters.
const VALID_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/]{1,80}$/;
const hasControlCharacter = (name: string): boolean =>
  [...name].some((c) => {
    const code = c.charCodeAt(0);
    return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
  });
const STATE_MACHINE_ARN = /^arn:aws[\w-]*:states:[\w-]+:\d{12}:stateMachine:([^:]+)$/;
const EXECUTION_ARN = /^arn:aws[\w-]*:states:[\w-]+:\d{12}:execution:([^:]+):([^:]+)$/;
const MAX_INPUT_BYTES = 256 * 1024;
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
const ENGINE_INVALID_PREFIX = /^State machine definition is invalid, see error\(s\) below:\s*/;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const checkName = (name: unknown, what: string): string => {
  if (typeof name !== 'string' || !VALID_NAME.test(name) || hasControlCharacter(name)) {
    throw new StepFunctionsApiError(
      'InvalidName',
      `Invalid Name: '${String(name)}' is not a valid ${what} name`,
    );
  }
  return name;
};

const encodeToken = (scope: string, position: number): string =>
  Buffer.from(JSON.stringify({ scope, position })).toString('base64url');

const decodeToken = (token: string | undefined, scope: string): number | undefined => {
  if (token === undefined || token === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (isRecord(parsed) && parsed.scope === scope && typeof parsed.position === 'number')
      return parsed.position;
  } catch {
    // fall through to InvalidToken
  }
  throw new StepFunctionsApiError('InvalidToken', `Invalid Token: '${token}'`);
};

const pageSize = (maxResults: number | undefined): number => {
  if (maxResults === undefined || maxResults === 0) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > MAX_PAGE_SIZE) {
    throw new StepFunctionsApiError(
      'ValidationException',
      `1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${MAX_PAGE_SIZE}`,
    );
  }
  return maxResults;
};

const withoutExecutionData = (event: HistoryEventRecord): HistoryEventRecord => {
  if (!event.details) return event;
  const { input: _input, output: _output, ...details } = event.details;
  return { ...event, details };
};

/**
 * Local AWS Step Functions: state machines and executions in memory, each execution running the real
 * ASL with `aws-local-stepfunctions` and its Lambda tasks through the given {@link LambdaInvoker}.
 *
 * @example
 * const sfn = new StepFunctionsEmulator({ invoker: lambdaHost, waitTimeScale: 0.01 });
 * const { stateMachineArn } = await sfn.createStateMachineFromFile('checkout', aslPath, { ReserveStockArn: arn });
 * const { executionArn } = sfn.startExecution({ stateMachineArn, name: orderId, input: JSON.stringify(order) });
 * const done = await sfn.waitForExecution(executionArn, 5_000);
 */
export class StepFunctionsEmulator {
  readonly region: string;
  readonly accountId: string;
  private readonly invoker: LambdaInvoker;
  private readonly waitTimeScale: number;
  private readonly machines = new Map<string, MachineRecord>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private seq = 0;

  constructor(options: StepFunctionsEmulatorOptions) {
    if (!options?.invoker) throw new Error('StepFunctionsEmulator requires an "invoker"');
    const scale = options.waitTimeScale ?? 1;
    if (!Number.isFinite(scale) || scale < 0)
      throw new Error('StepFunctionsEmulator "waitTimeScale" must be >= 0');
    this.invoker = options.invoker;
    this.region = options.region ?? LOCAL_REGION;
    this.accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
    this.waitTimeScale = scale;
  }

  stateMachineArn(name: string): string {
    return `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${name}`;
  }

  executionArn(stateMachineName: string, executionName: string): string {
    return `arn:aws:states:${this.region}:${this.accountId}:execution:${stateMachineName}:${executionName}`;
  }

  /**
   * Registers a state machine. The same name with the same definition, role and type returns the existing
   * one (as AWS does); anything else under that name is `StateMachineAlreadyExists`.
   */
  createStateMachine(input: CreateStateMachineInput): StateMachineSummary {
    const name = checkName(input.name, 'state machine');
    if (typeof input.definition !== 'string' || input.definition === '') {
      throw new StepFunctionsApiError('MissingRequiredParameter', "Missing required parameter: 'definition'");
    }
    const type: StateMachineType = input.type ?? 'STANDARD';
    if (type !== 'STANDARD' && type !== 'EXPRESS') {
      throw new StepFunctionsApiError(
        'ValidationException',
        `Value '${String(type)}' at 'type' is not STANDARD or EXPRESS`,
      );
    }
    const roleArn = input.roleArn ?? `arn:aws:iam::${this.accountId}:role/local-stepfunctions`;
    const stateMachineArn = this.stateMachineArn(name);
    const existing = this.machines.get(stateMachineArn);
    if (existing) {
      const same =
        existing.summary.definition === input.definition &&
        existing.summary.roleArn === roleArn &&
        existing.summary.type === type;
      if (same) return existing.summary;
      throw new StepFunctionsApiError(
        'StateMachineAlreadyExists',
        `State Machine Already Exists: '${stateMachineArn}'`,
      );
    }
    const { engine, tasks, states } = this.compile(input.definition);
    const summary: StateMachineSummary = {
      stateMachineArn,
      name,
      type,
      roleArn,
      definition: input.definition,
      creationDate: Date.now(),
    };
    this.machines.set(stateMachineArn, { seq: ++this.seq, summary, engine, tasks, states });
    return summary;
  }

  /**
   * Reads an ASL file, replaces its CDK-style `${Key}` placeholders with `substitutions` (as CDK's
   * `definitionSubstitutions` do), validates it and registers it under `name`.
   * @throws UnknownPlaceholderError when the file uses a placeholder no substitution provides.
   * @throws StepFunctionsApiError `InvalidDefinition` when the result is not valid ASL or not runnable locally.
   */
  async createStateMachineFromFile(
    name: string,
    aslPath: string,
    substitutions: Readonly<Record<string, string>> = {},
    options: { readonly roleArn?: string; readonly type?: StateMachineType } = {},
  ): Promise<StateMachineSummary> {
    const text = await readFile(aslPath, 'utf8');
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new StepFunctionsApiError(
        'InvalidDefinition',
        `Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: ${aslPath}: ${(error as Error).message}'`,
      );
    }
    const substituted = substitutePlaceholders(document, substitutions);
    if (substituted.unknown.length > 0) throw new UnknownPlaceholderError(aslPath, substituted.unknown);
    return this.createStateMachine({ name, definition: JSON.stringify(substituted.document), ...options });
  }

  /** Validates the definition like AWS and prepares the engine that runs it. */
  private compile(definition: string): {
    engine: StateMachine;
    tasks: LambdaTaskSpec[];
    states: Map<string, JsonRecord>;
  } {
    let document: unknown;
    try {
      document = JSON.parse(definition);
    } catch (error) {
      throw new StepFunctionsApiError(
        'InvalidDefinition',
        `Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: ${(error as Error).message}'`,
      );
    }
    if (!isRecord(document)) {
      throw new StepFunctionsApiError(
        'InvalidDefinition',
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: not an object'",
      );
    }
    try {
      // Validation only: the engine that runs is built below from the time-scaled copy.
      new StateMachine(document as unknown as ConstructorParameters<typeof StateMachine>[0], {
        validationOptions: { checkArn: true, checkPaths: true },
      });
    } catch (error) {
      const message = (error as Error).message.replace(ENGINE_INVALID_PREFIX, '').trim();
      throw new StepFunctionsApiError('InvalidDefinition', `Invalid State Machine Definition: '${message}'`);
    }
    const problems = unsupportedFeatures(document);
    if (problems.length > 0) {
      throw new StepFunctionsApiError(
        'InvalidDefinition',
        `Invalid State Machine Definition: 'UNSUPPORTED_LOCALLY: ${problems.join('; ')}'`,
      );
    }
    const tasks: LambdaTaskSpec[] = [];
    const states = new Map<string, JsonRecord>();
    for (const { name, state } of collectStates(document)) {
      states.set(name, state);
      const style = state.Type === 'Task' ? lambdaTaskStyle(state.Resource) : undefined;
      if (!style || typeof state.Resource !== 'string') continue;
      tasks.push({
        stateName: name,
        style,
        resource: state.Resource,
        ...(typeof state.TimeoutSeconds === 'number' ? { timeoutSeconds: state.TimeoutSeconds } : {}),
      });
    }
    const runnable = withoutEngineTaskTimeout(
      this.waitTimeScale === 1 ? document : scaleWaitTimes(document, this.waitTimeScale),
    );
    const engine = new StateMachine(runnable as ConstructorParameters<typeof StateMachine>[0], {
      validationOptions: { noValidate: true },
    });
    return { engine, tasks, states };
  }

  private machine(stateMachineArn: unknown): MachineRecord {
    if (typeof stateMachineArn !== 'string' || !STATE_MACHINE_ARN.test(stateMachineArn)) {
      throw new StepFunctionsApiError('InvalidArn', `Invalid Arn: '${String(stateMachineArn)}'`);
    }
    const machine = this.machines.get(stateMachineArn);
    if (!machine) {
      throw new StepFunctionsApiError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${stateMachineArn}'`,
      );
    }
    return machine;
  }

  private execution(executionArn: unknown): ExecutionRecord {
    if (typeof executionArn !== 'string' || !EXECUTION_ARN.test(executionArn)) {
      throw new StepFunctionsApiError('InvalidArn', `Invalid Arn: '${String(executionArn)}'`);
    }
    const execution = this.executions.get(executionArn);
    if (!execution) {
      throw new StepFunctionsApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    }
    return execution;
  }

  describeStateMachine(stateMachineArn: string): StateMachineSummary {
    return this.machine(stateMachineArn).summary;
  }

  /** In creation order. */
  listStateMachines(
    input: { readonly maxResults?: number; readonly nextToken?: string } = {},
  ): StateMachinesPage {
    const limit = pageSize(input.maxResults);
    const after = decodeToken(input.nextToken, 'state-machines') ?? 0;
    const matching = [...this.machines.values()].filter((m) => m.seq > after).sort((a, b) => a.seq - b.seq);
    const page = matching.slice(0, limit);
    const last = page.at(-1);
    return {
      stateMachines: page.map((m) => m.summary),
      ...(matching.length > limit && last ? { nextToken: encodeToken('state-machines', last.seq) } : {}),
    };
  }

  /** Forgets the state machine; its executions stay describable and running ones finish. Unknown ARNs are a no-op. */
  deleteStateMachine(stateMachineArn: string): void {
    if (typeof stateMachineArn !== 'string' || !STATE_MACHINE_ARN.test(stateMachineArn)) {
      throw new StepFunctionsApiError('InvalidArn', `Invalid Arn: '${String(stateMachineArn)}'`);
    }
    this.machines.delete(stateMachineArn);
  }

  /**
   * Starts an execution that runs in the background. The name (a UUID by default) is unique per state
   * machine. As in AWS (standard workflows), repeating a call with the name and input of a *running*
   * execution returns that execution; a name that is taken otherwise (different input, or an execution
   * that has ended) is `ExecutionAlreadyExists`.
   */
  startExecution(input: StartExecutionInput): StartedExecution {
    const machine = this.machine(input.stateMachineArn);
    const name = input.name === undefined ? randomUUID() : checkName(input.name, 'execution');
    const inputText = input.input ?? '{}';
    let parsed: JsonValue;
    try {
      parsed = JSON.parse(inputText) as JsonValue;
    } catch (error) {
      throw new StepFunctionsApiError(
        'InvalidExecutionInput',
        `Invalid State Machine Execution Input: '${(error as Error).message}'`,
      );
    }
    if (Buffer.byteLength(inputText) > MAX_INPUT_BYTES) {
      throw new StepFunctionsApiError(
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: larger than 256 KiB',
      );
    }
    const executionArn = this.executionArn(machine.summary.name, name);
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.recorder.outcome === undefined && existing.input === inputText) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new StepFunctionsApiError(
        'ExecutionAlreadyExists',
        `Execution Already Exists: '${executionArn}'`,
      );
    }
    const execution = this.launch(machine, executionArn, name, inputText, parsed);
    this.executions.set(executionArn, execution);
    return { executionArn, startDate: execution.startDate };
  }

  private launch(
    machine: MachineRecord,
    executionArn: string,
    name: string,
    inputText: string,
    input: JsonValue,
  ): ExecutionRecord {
    const recorder = new ExecutionRecorder(machine.states, machine.summary.roleArn, this.region);
    const handlers: TaskHandlers = {};
    for (const spec of machine.tasks)
      handlers[spec.stateName] = (taskInput) => this.runLambdaTask(spec, taskInput, recorder);
    const startDate = Date.now();
    const run = machine.engine.run(input, {
      overrides: { taskResourceLocalHandlers: handlers },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: executionArn, Name: name, RoleArn: machine.summary.roleArn },
        StateMachine: { Id: machine.summary.stateMachineArn, Name: machine.summary.name },
      },
    });
    const consume = async (): Promise<void> => {
      for await (const event of run.eventLogs) recorder.onEngineEvent(event);
    };
    // The result's own rejection (failure, timeout) is already in the event log; only an engine that ends
    // without a terminal event needs handling here.
    const finished = run.result.then(
      () => undefined,
      (error: unknown) => error,
    );
    const settled = Promise.all([consume(), finished]).then(([, error]) => {
      recorder.failUnexpectedly(
        error instanceof Error ? error.message : 'The local engine ended the execution unexpectedly',
      );
    });
    return {
      seq: ++this.seq,
      executionArn,
      stateMachineArn: machine.summary.stateMachineArn,
      name,
      input: inputText,
      startDate,
      recorder,
      run,
      settled,
    };
  }

  private async runLambdaTask(
    spec: LambdaTaskSpec,
    input: JsonValue,
    recorder: ExecutionRecorder,
  ): Promise<JsonValue> {
    // The engine calls this synchronously after emitting the state's Entered event, which the recorder
    // consumes asynchronously: let it catch up so the Lambda events follow the Entered event.
    await nextTurn();
    const call = resolveLambdaCall(spec, input);
    const inflight = recorder.lambdaScheduled(spec, call, input);
    let result: InvokeResult;
    try {
      result = await this.invoker.invoke(call.functionName, call.payload);
    } catch (thrown) {
      const failure = serviceFailure(thrown);
      recorder.lambdaFailed(inflight, failure);
      throw new LambdaTaskError(failure.error, failure.cause);
    }
    const outcome = taskOutcome(spec, result);
    if (!outcome.ok) {
      recorder.lambdaFailed(inflight, outcome.failure);
      throw new LambdaTaskError(outcome.failure.error, outcome.failure.cause);
    }
    recorder.lambdaSucceeded(inflight, outcome.output);
    return outcome.output as JsonValue;
  }

  describeExecution(executionArn: string): ExecutionDescription {
    return this.describe(this.execution(executionArn));
  }

  describeStateMachineForExecution(executionArn: string): StateMachineSummary {
    const execution = this.execution(executionArn);
    const machine = this.machines.get(execution.stateMachineArn);
    if (!machine) {
      throw new StepFunctionsApiError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${execution.stateMachineArn}'`,
      );
    }
    return machine.summary;
  }

  private describe(execution: ExecutionRecord): ExecutionDescription {
    const outcome = execution.recorder.outcome;
    return {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: outcome?.status ?? 'RUNNING',
      input: execution.input,
      startDate: execution.startDate,
      ...(outcome
        ? {
            stopDate: outcome.at,
            ...(outcome.output === undefined ? {} : { output: outcome.output }),
            ...(outcome.error === undefined ? {} : { error: outcome.error }),
            ...(outcome.cause === undefined ? {} : { cause: outcome.cause }),
          }
        : {}),
    };
  }

  /** Events oldest first (or newest first with `reverseOrder`), 100 per page by default. */
  getExecutionHistory(input: HistoryPageInput): HistoryPage {
    const execution = this.execution(input.executionArn);
    const limit = pageSize(input.maxResults);
    const scope = `history:${execution.executionArn}:${input.reverseOrder ? 'desc' : 'asc'}`;
    const after = decodeToken(input.nextToken, scope);
    const all = execution.recorder.events;
    const ordered = input.reverseOrder ? [...all].reverse() : all;
    const remaining =
      after === undefined
        ? ordered
        : ordered.filter((e) => (input.reverseOrder ? e.id < after : e.id > after));
    const page = remaining.slice(0, limit);
    const last = page.at(-1);
    return {
      events: input.includeExecutionData === false ? page.map(withoutExecutionData) : page,
      ...(remaining.length > limit && last ? { nextToken: encodeToken(scope, last.id) } : {}),
    };
  }

  /** Newest first. */
  listExecutions(input: ListExecutionsInput): ExecutionsPage {
    const machine = this.machine(input.stateMachineArn);
    const limit = pageSize(input.maxResults);
    const scope = `executions:${machine.summary.stateMachineArn}:${input.statusFilter ?? ''}`;
    const before = decodeToken(input.nextToken, scope);
    const matching = [...this.executions.values()]
      .filter((e) => e.stateMachineArn === machine.summary.stateMachineArn)
      .filter((e) => before === undefined || e.seq < before)
      .map((e) => ({ seq: e.seq, description: this.describe(e) }))
      .filter((e) => input.statusFilter === undefined || e.description.status === input.statusFilter)
      .sort((a, b) => b.seq - a.seq);
    const page = matching.slice(0, limit);
    const last = page.at(-1);
    return {
      executions: page.map((e) => e.description),
      ...(matching.length > limit && last ? { nextToken: encodeToken(scope, last.seq) } : {}),
    };
  }

  /** Aborts a running execution (status ABORTED, `ExecutionAborted` event); an ended one is left as it is. */
  async stopExecution(
    executionArn: string,
    details: { readonly error?: string; readonly cause?: string } = {},
  ): Promise<{ readonly stopDate: number }> {
    const execution = this.execution(executionArn);
    if (!execution.recorder.outcome) {
      // Let already emitted engine events reach the history before the abort closes it.
      await nextTurn();
      execution.recorder.abort(details.error, details.cause);
      execution.run.abort();
    }
    await execution.settled;
    return { stopDate: execution.recorder.outcome?.at ?? Date.now() };
  }

  /** Resolves with the execution's description once it has ended (history complete). */
  async waitForExecution(executionArn: string, timeoutMs = 30_000): Promise<ExecutionDescription> {
    const execution = this.execution(executionArn);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ExecutionWaitTimeoutError(executionArn, timeoutMs)), timeoutMs);
    });
    try {
      await Promise.race([execution.settled, timedOut]);
    } finally {
      clearTimeout(timer);
    }
    return this.describe(execution);
  }

  /** Aborts every running execution (for shutdown and tests). */
  async close(): Promise<void> {
    const running = [...this.executions.values()].filter((e) => e.recorder.outcome === undefined);
    await Promise.all(
      running.map((e) =>
        this.stopExecution(e.executionArn, {
          error: 'Shutdown',
          cause: 'The local Step Functions emulator stopped',
        }),
      ),
    );
  }
}
