import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { StateMachine } from 'aws-local-stepfunctions';
import type { LambdaInvoker } from '../lambda/lambda.types.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../lambda/lambda.types.ts';
import { ExecutionTracer } from '../traces/execution.tracer.ts';
import type { SpanRecorder } from '../traces/span.recorder.ts';
import {
  collectStates,
  isRecord,
  RESUME_STATE,
  resumedAt,
  substitutePlaceholders,
} from './asl-definition.util.ts';
import { ExecutionRecorder } from './execution-history.recorder.ts';
import type { TaskIntegrations } from './service-task.adapter.ts';
import {
  type CompiledRevision,
  checkDefinition,
  checkEncryption,
  checkLogging,
  checkTags,
  checkTracing,
  compileRevision,
  definitionError,
  notPublishable,
} from './state-machine.definition.ts';
import {
  ExecutionWaitTimeoutError,
  StepFunctionsApiError,
  UnknownPlaceholderError,
} from './stepfunctions.errors.ts';
import { StepFunctionsStore, type StoredMachine, type StoredRevision } from './stepfunctions.store.ts';
import type {
  CreateStateMachineInput,
  ExecutionDescription,
  ExecutionsPage,
  HistoryEventRecord,
  HistoryPage,
  HistoryPageInput,
  ListExecutionsInput,
  RedriveStatus,
  ResourceTag,
  StartExecutionInput,
  StartedExecution,
  StateMachineSummary,
  StateMachinesPage,
  StateMachineType,
  StepFunctionsEmulatorOptions,
  SyncExecutionResult,
  UpdateStateMachineInput,
  ValidationResult,
} from './stepfunctions.types.ts';
import { type TaskRunnerDeps, TaskTokenContext, taskHandlersFor } from './task-runner.ts';
import { TaskTokenRegistry } from './task-token.registry.ts';

type JsonValue = Parameters<StateMachine['run']>[0];
type EngineRun = ReturnType<StateMachine['run']>;
type EngineDefinition = ConstructorParameters<typeof StateMachine>[0];

interface MachineRecord {
  readonly seq: number;
  stored: StoredMachine;
}

interface Attempt {
  readonly run: EngineRun;
  readonly settled: Promise<void>;
}

interface ExecutionRecord {
  readonly seq: number;
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly revisionKey: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: number;
  readonly express: boolean;
  readonly recorder: ExecutionRecorder;
  redriveCount: number;
  redriveDate: number | undefined;
  /** RedriveExecution's idempotency: client token -> the redrive date it answered. */
  readonly redriveTokens: Map<string, { readonly date: number; readonly at: number }>;
  attempt: Attempt | undefined;
  /** Resolves when the current attempt (or, for an interrupted execution, the resumed one) has ended. */
  settled: Promise<void>;
  /** Set while an execution loaded as RUNNING waits for {@link StepFunctionsEmulator.resumeInterrupted}. */
  interrupted: ((attempt: Promise<void>) => void) | undefined;
}

// AWS: 1-80 characters, none of whitespace, brackets, wildcards, these specials, or control characters.
const VALID_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/]{1,80}$/;
const hasControlCharacter = (name: string): boolean =>
  [...name].some((c) => {
    const code = c.charCodeAt(0);
    return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
  });
const STATE_MACHINE_ARN = /^arn:aws[\w-]*:states:([\w-]+):\d{12}:stateMachine:([^:]+)$/;
const EXECUTION_ARN = /^arn:aws[\w-]*:states:[\w-]+:\d{12}:execution:([^:]+):([^:]+)$/;
const MAX_INPUT_BYTES = 256 * 1024;
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
const REDRIVE_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;
/** Redrive needs room for ExecutionRedriven and one more event below the 25,000-event history quota. */
const MAX_REDRIVE_HISTORY = 24_999;
const REDRIVE_TOKEN_TTL_MS = 15 * 60 * 1000;
const REMEMBERED_REDRIVE_TOKENS = 10;

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

const pageSize = (maxResults: number | undefined, max = MAX_PAGE_SIZE): number => {
  if (maxResults === undefined || maxResults === 0) return Math.min(DEFAULT_PAGE_SIZE, max);
  if (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > max) {
    throw new StepFunctionsApiError(
      'ValidationException',
      `1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
    );
  }
  return maxResults;
};

const withoutExecutionData = (event: HistoryEventRecord): HistoryEventRecord => {
  if (!event.details) return event;
  const { input: _input, output: _output, ...details } = event.details;
  return { ...event, details };
};

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Local AWS Step Functions. State machines (with their revisions) and executions live in memory, or
 * with `dataDir` also on disk, where they survive a restart. Each execution runs the real ASL with
 * `aws-local-stepfunctions`; its Lambda tasks go through the given {@link LambdaInvoker}, the
 * optimized SQS and DynamoDB integrations through {@link TaskIntegrations}, and `.waitForTaskToken`
 * tasks wait for SendTaskSuccess/Failure. RedriveExecution, and the resume of executions a stopped
 * process left RUNNING, restart an execution at the top-level state it failed (or stopped) in.
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
  private readonly revisions = new Map<string, StoredRevision>();
  private readonly compiled = new Map<string, CompiledRevision>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly tokens = new TaskTokenRegistry();
  private readonly store: StepFunctionsStore | undefined;
  private readonly taskDeps: TaskRunnerDeps;
  private readonly spans: SpanRecorder | undefined;
  /** The caller's trace header of an execution being started, read when it launches. */
  private readonly startingTraceHeaders = new Map<string, string>();
  private integrations: TaskIntegrations;
  private seq = 0;

  constructor(options: StepFunctionsEmulatorOptions) {
    if (!options?.invoker) throw new Error('StepFunctionsEmulator requires an "invoker"');
    const scale = options.waitTimeScale ?? 1;
    if (!Number.isFinite(scale) || scale < 0)
      throw new Error('StepFunctionsEmulator "waitTimeScale" must be >= 0');
    this.invoker = options.invoker;
    this.spans = options.spans;
    this.region = options.region ?? LOCAL_REGION;
    this.accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
    this.waitTimeScale = scale;
    this.integrations = options.integrations ?? {};
    this.taskDeps = { invoker: this.invoker, tokens: this.tokens, integrations: () => this.integrations };
    if (options.dataDir !== undefined) {
      this.store = StepFunctionsStore.open(options.dataDir);
      this.load(this.store);
    }
  }

  /** Sets the clients of the optimized integrations (the stack connects DynamoDB once the edge listens). */
  connect(integrations: TaskIntegrations): void {
    this.integrations = { ...this.integrations, ...integrations };
  }

  stateMachineArn(name: string, region = this.region): string {
    return `arn:aws:states:${region}:${this.accountId}:stateMachine:${name}`;
  }

  executionArn(stateMachineName: string, executionName: string, region = this.region): string {
    return `arn:aws:states:${region}:${this.accountId}:execution:${stateMachineName}:${executionName}`;
  }

  private load(store: StepFunctionsStore): void {
    for (const revision of store.machines.revisions) this.revisions.set(revision.key, revision);
    for (const stored of store.machines.machines)
      this.machines.set(stored.stateMachineArn, { seq: ++this.seq, stored });
    for (const stored of store.executions) {
      const revision = this.revisions.get(stored.revisionKey);
      if (!revision) continue;
      const states = new Map(
        collectStates(JSON.parse(revision.definition)).map(({ name, state }) => [name, state] as const),
      );
      const recorder = new ExecutionRecorder(states, revision.roleArn, regionOfArn(stored.executionArn), {
        events: stored.events,
        ...(stored.outcome ? { outcome: stored.outcome } : {}),
        journal: this.journalFor(stored.executionArn),
      });
      const redrives = stored.events.filter((e) => e.type === 'ExecutionRedriven');
      const record: ExecutionRecord = {
        seq: ++this.seq,
        executionArn: stored.executionArn,
        stateMachineArn: stored.stateMachineArn,
        revisionKey: stored.revisionKey,
        name: stored.name,
        input: stored.input,
        startDate: stored.startDate,
        express: this.machines.get(stored.stateMachineArn)?.stored.type === 'EXPRESS',
        recorder,
        redriveCount: redrives.length,
        redriveDate: redrives.at(-1)?.timestamp,
        redriveTokens: new Map(),
        attempt: undefined,
        settled: Promise.resolve(),
        interrupted: undefined,
      };
      if (!stored.outcome) {
        record.settled = new Promise<void>((resolve) => {
          record.interrupted = (attempt) => resolve(attempt);
        });
      }
      this.executions.set(record.executionArn, record);
    }
  }

  private journalFor(executionArn: string) {
    const store = this.store;
    if (!store) return undefined;
    return {
      event: (event: HistoryEventRecord) => store.event(executionArn, event),
      outcome: (outcome: NonNullable<ExecutionRecorder['outcome']>) => store.outcome(executionArn, outcome),
    };
  }

  private saveMachines(): void {
    if (!this.store) return;
    const used = new Set<string>([
      ...[...this.machines.values()].map((m) => m.stored.revisionKey),
      ...[...this.executions.values()].map((e) => e.revisionKey),
    ]);
    this.store.saveMachines({
      machines: [...this.machines.values()].sort((a, b) => a.seq - b.seq).map((m) => m.stored),
      revisions: [...this.revisions.values()].filter((r) => used.has(r.key)),
    });
  }

  private compile(stored: StoredRevision, type: StateMachineType): CompiledRevision {
    const cached = this.compiled.get(stored.key);
    if (cached) return cached;
    const compiled = compileRevision(stored, type, this.waitTimeScale);
    this.compiled.set(stored.key, compiled);
    return compiled;
  }

  private summaryOf(
    machine: StoredMachine,
    revision: StoredRevision = this.revisionOf(machine.revisionKey),
  ): StateMachineSummary {
    return {
      stateMachineArn: machine.stateMachineArn,
      name: machine.name,
      type: machine.type,
      roleArn: revision.roleArn,
      definition: revision.definition,
      creationDate: machine.creationDate,
      ...(machine.updateDate === undefined ? {} : { updateDate: machine.updateDate }),
      ...(revision.revisionId === undefined ? {} : { revisionId: revision.revisionId }),
      loggingConfiguration: machine.loggingConfiguration,
      tracingConfiguration: machine.tracingConfiguration,
      encryptionConfiguration: machine.encryptionConfiguration,
    };
  }

  private revisionOf(key: string): StoredRevision {
    const revision = this.revisions.get(key);
    if (!revision) throw new Error(`The local Step Functions lost revision ${key}`);
    return revision;
  }

  /**
   * Registers a state machine. As in AWS, creating it again with the same definition, type and
   * configurations returns the existing one (a different role or tags are ignored, not applied);
   * anything else under that name is `StateMachineAlreadyExists`.
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
    if (input.publish === true) throw notPublishable();
    const stateMachineArn = this.stateMachineArn(name, input.region ?? this.region);
    const roleArn = input.roleArn ?? `arn:aws:iam::${this.accountId}:role/local-stepfunctions`;
    const loggingConfiguration = checkLogging(input.loggingConfiguration);
    const tracingConfiguration = checkTracing(input.tracingConfiguration);
    const encryptionConfiguration = checkEncryption(input.encryptionConfiguration);
    const tags = checkTags(input.tags, stateMachineArn);
    const existing = this.machines.get(stateMachineArn);
    if (existing) {
      const current = this.revisionOf(existing.stored.revisionKey);
      const same =
        current.definition === input.definition &&
        existing.stored.type === type &&
        sameJson(existing.stored.loggingConfiguration, loggingConfiguration) &&
        sameJson(existing.stored.tracingConfiguration, tracingConfiguration) &&
        sameJson(existing.stored.encryptionConfiguration, encryptionConfiguration);
      if (same) return this.summaryOf(existing.stored, current);
      throw new StepFunctionsApiError(
        'StateMachineAlreadyExists',
        `State Machine Already Exists: '${stateMachineArn}'`,
      );
    }
    const checked = checkDefinition(input.definition, type);
    if ('diagnostics' in checked) throw definitionError(checked.diagnostics);
    const revision: StoredRevision = {
      key: randomUUID(),
      stateMachineArn,
      definition: input.definition,
      roleArn,
      createdAt: Date.now(),
    };
    const stored: StoredMachine = {
      stateMachineArn,
      name,
      type,
      creationDate: revision.createdAt,
      revisionKey: revision.key,
      loggingConfiguration,
      tracingConfiguration,
      encryptionConfiguration,
      tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
    };
    this.revisions.set(revision.key, revision);
    this.compile(revision, type);
    this.machines.set(stateMachineArn, { seq: ++this.seq, stored });
    this.saveMachines();
    return this.summaryOf(stored, revision);
  }

  /**
   * Reads an ASL file, replaces its CDK-style `${Key}` placeholders with `substitutions` (as CDK's
   * `definitionSubstitutions` do), validates it and registers it under `name`. With `update`, a machine
   * of that name whose definition or role differs is updated (as a CDK deploy does) instead of refused.
   * @throws UnknownPlaceholderError when the file uses a placeholder no substitution provides.
   * @throws StepFunctionsApiError `InvalidDefinition` when the result is not valid ASL or not runnable locally.
   */
  async createStateMachineFromFile(
    name: string,
    aslPath: string,
    substitutions: Readonly<Record<string, string>> = {},
    options: { readonly roleArn?: string; readonly type?: StateMachineType; readonly update?: boolean } = {},
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
    const definition = JSON.stringify(substituted.document);
    const existing = this.machines.get(this.stateMachineArn(name));
    if (options.update && existing && existing.stored.type === (options.type ?? 'STANDARD')) {
      const current = this.revisionOf(existing.stored.revisionKey);
      const roleArn = options.roleArn ?? current.roleArn;
      if (current.definition !== definition || current.roleArn !== roleArn) {
        this.updateStateMachine({ stateMachineArn: existing.stored.stateMachineArn, definition, roleArn });
      }
      return this.describeStateMachine(existing.stored.stateMachineArn);
    }
    const { update: _update, ...create } = options;
    return this.createStateMachine({ name, definition, ...create });
  }

  /**
   * UpdateStateMachine: a new revision (with a `revisionId`) for the executions started from now on;
   * running ones, and their redrives, keep the revision they started with.
   */
  updateStateMachine(input: UpdateStateMachineInput): {
    readonly updateDate: number;
    readonly revisionId: string;
  } {
    const machine = this.machine(input.stateMachineArn);
    const given = [
      input.definition,
      input.roleArn,
      input.loggingConfiguration,
      input.tracingConfiguration,
      input.encryptionConfiguration,
    ].some((value) => value !== undefined);
    if (!given) {
      throw new StepFunctionsApiError(
        'MissingRequiredParameter',
        'Either the definition, the role ARN, the LoggingConfiguration, the EncryptionConfiguration or the TracingConfiguration must be specified',
      );
    }
    if (input.publish === true) throw notPublishable();
    const current = this.revisionOf(machine.stored.revisionKey);
    const definition = input.definition ?? current.definition;
    if (input.definition !== undefined) {
      const checked = checkDefinition(definition, machine.stored.type);
      if ('diagnostics' in checked) throw definitionError(checked.diagnostics);
    }
    const loggingConfiguration =
      input.loggingConfiguration === undefined
        ? machine.stored.loggingConfiguration
        : checkLogging(input.loggingConfiguration);
    const tracingConfiguration =
      input.tracingConfiguration === undefined
        ? machine.stored.tracingConfiguration
        : checkTracing(input.tracingConfiguration);
    const encryptionConfiguration =
      input.encryptionConfiguration === undefined
        ? machine.stored.encryptionConfiguration
        : checkEncryption(input.encryptionConfiguration);
    const revisionId = randomUUID();
    const updateDate = Date.now();
    const revision: StoredRevision = {
      key: revisionId,
      stateMachineArn: machine.stored.stateMachineArn,
      revisionId,
      definition,
      roleArn: input.roleArn ?? current.roleArn,
      createdAt: updateDate,
    };
    this.revisions.set(revision.key, revision);
    this.compile(revision, machine.stored.type);
    machine.stored = {
      ...machine.stored,
      revisionKey: revision.key,
      updateDate,
      loggingConfiguration,
      tracingConfiguration,
      encryptionConfiguration,
    };
    this.saveMachines();
    return { updateDate, revisionId };
  }

  /** ValidateStateMachineDefinition: the checks CreateStateMachine makes, as diagnostics instead of an error. */
  validateStateMachineDefinition(input: {
    readonly definition: string;
    readonly type?: StateMachineType;
    readonly maxResults?: number;
  }): ValidationResult {
    if (typeof input.definition !== 'string' || input.definition === '') {
      throw new StepFunctionsApiError(
        'ValidationException',
        "1 validation error detected: Value null at 'definition' failed to satisfy constraint: Member must not be null",
      );
    }
    const limit = pageSize(input.maxResults, 100);
    const checked = checkDefinition(input.definition, input.type ?? 'STANDARD');
    const diagnostics = 'diagnostics' in checked ? checked.diagnostics : [];
    return {
      result: diagnostics.length > 0 ? 'FAIL' : 'OK',
      diagnostics: diagnostics.slice(0, limit),
      truncated: diagnostics.length > limit,
    };
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
    return this.summaryOf(this.machine(stateMachineArn).stored);
  }

  /** In creation order; only those of `region` when given (the API lists one region's machines). */
  listStateMachines(
    input: { readonly maxResults?: number; readonly nextToken?: string; readonly region?: string } = {},
  ): StateMachinesPage {
    const limit = pageSize(input.maxResults);
    const after = decodeToken(input.nextToken, 'state-machines') ?? 0;
    const matching = [...this.machines.values()]
      .filter((m) => m.seq > after)
      .filter((m) => input.region === undefined || regionOfArn(m.stored.stateMachineArn) === input.region)
      .sort((a, b) => a.seq - b.seq);
    const page = matching.slice(0, limit);
    const last = page.at(-1);
    return {
      stateMachines: page.map((m) => this.summaryOf(m.stored)),
      ...(matching.length > limit && last ? { nextToken: encodeToken('state-machines', last.seq) } : {}),
    };
  }

  /** Forgets the state machine; its executions stay describable and running ones finish. Unknown ARNs are a no-op. */
  deleteStateMachine(stateMachineArn: string): void {
    if (typeof stateMachineArn !== 'string' || !STATE_MACHINE_ARN.test(stateMachineArn)) {
      throw new StepFunctionsApiError('InvalidArn', `Invalid Arn: '${String(stateMachineArn)}'`);
    }
    if (this.machines.delete(stateMachineArn)) this.saveMachines();
  }

  private taggable(resourceArn: unknown): MachineRecord {
    if (typeof resourceArn !== 'string' || !STATE_MACHINE_ARN.test(resourceArn)) {
      throw new StepFunctionsApiError('InvalidArn', `Invalid Arn: '${String(resourceArn)}'`);
    }
    const machine = this.machines.get(resourceArn);
    if (!machine) {
      throw new StepFunctionsApiError('ResourceNotFound', `Resource not found: '${resourceArn}'`, {
        resourceName: resourceArn,
      });
    }
    return machine;
  }

  /** TagResource: adds or overwrites tags; at most 50 per state machine. */
  tagResource(resourceArn: string, tags: readonly ResourceTag[]): void {
    const machine = this.taggable(resourceArn);
    const merged = { ...machine.stored.tags };
    for (const tag of checkTags(tags, resourceArn)) merged[tag.key] = tag.value;
    checkTags(
      Object.entries(merged).map(([key, value]) => ({ key, value })),
      resourceArn,
    );
    machine.stored = { ...machine.stored, tags: merged };
    this.saveMachines();
  }

  untagResource(resourceArn: string, tagKeys: readonly string[]): void {
    const machine = this.taggable(resourceArn);
    if (!Array.isArray(tagKeys))
      throw new StepFunctionsApiError('ValidationException', "Value at 'tagKeys' must be a list");
    const remaining = Object.fromEntries(
      Object.entries(machine.stored.tags).filter(([key]) => !tagKeys.includes(key)),
    );
    machine.stored = { ...machine.stored, tags: remaining };
    this.saveMachines();
  }

  listTagsForResource(resourceArn: string): ResourceTag[] {
    return Object.entries(this.taggable(resourceArn).stored.tags).map(([key, value]) => ({ key, value }));
  }

  private parseInput(input: string | undefined): { text: string; value: JsonValue } {
    const text = input ?? '{}';
    let value: JsonValue;
    try {
      value = JSON.parse(text) as JsonValue;
    } catch (error) {
      throw new StepFunctionsApiError(
        'InvalidExecutionInput',
        `Invalid State Machine Execution Input: '${(error as Error).message}'`,
      );
    }
    if (Buffer.byteLength(text) > MAX_INPUT_BYTES) {
      throw new StepFunctionsApiError(
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: larger than 256 KiB',
      );
    }
    return { text, value };
  }

  /**
   * Starts an execution that runs in the background. The name (a UUID by default) is unique per state
   * machine. As in AWS (standard workflows), repeating a call with the name and input of a *running*
   * execution returns that execution; a name that is taken otherwise (different input, or an execution
   * that has ended) is `ExecutionAlreadyExists`. This holds across restarts when the emulator persists.
   */
  startExecution(input: StartExecutionInput): StartedExecution {
    const machine = this.machine(input.stateMachineArn);
    const name = input.name === undefined ? randomUUID() : checkName(input.name, 'execution');
    const parsed = this.parseInput(input.input);
    const executionArn = this.executionArn(
      machine.stored.name,
      name,
      regionOfArn(machine.stored.stateMachineArn),
    );
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.recorder.outcome === undefined && existing.input === parsed.text) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new StepFunctionsApiError(
        'ExecutionAlreadyExists',
        `Execution Already Exists: '${executionArn}'`,
      );
    }
    const revision = this.compile(this.revisionOf(machine.stored.revisionKey), machine.stored.type);
    const record = this.newExecution(
      machine.stored,
      revision,
      executionArn,
      name,
      parsed.text,
      this.journalFor(executionArn),
    );
    this.executions.set(executionArn, record);
    this.store?.started({
      executionArn,
      stateMachineArn: record.stateMachineArn,
      revisionKey: record.revisionKey,
      name,
      input: parsed.text,
      startDate: record.startDate,
    });
    if (input.traceHeader) this.startingTraceHeaders.set(executionArn, input.traceHeader);
    this.launch(record, revision, parsed.value);
    return { executionArn, startDate: record.startDate };
  }

  private newExecution(
    machine: StoredMachine,
    revision: CompiledRevision,
    executionArn: string,
    name: string,
    input: string,
    journal: ReturnType<StepFunctionsEmulator['journalFor']>,
  ): ExecutionRecord {
    return {
      seq: ++this.seq,
      executionArn,
      stateMachineArn: machine.stateMachineArn,
      revisionKey: revision.stored.key,
      name,
      input,
      startDate: Date.now(),
      express: machine.type === 'EXPRESS',
      recorder: new ExecutionRecorder(revision.states, revision.stored.roleArn, regionOfArn(executionArn), {
        ...(journal ? { journal } : {}),
      }),
      redriveCount: 0,
      redriveDate: undefined,
      redriveTokens: new Map(),
      attempt: undefined,
      settled: Promise.resolve(),
      interrupted: undefined,
    };
  }

  /** Runs (an attempt of) the execution in the background, from the start or from `resume.state`. */
  private launch(
    record: ExecutionRecord,
    revision: CompiledRevision,
    input: JsonValue,
    resume?: { readonly state: string; readonly input: unknown },
  ): Promise<void> {
    const { recorder, executionArn } = record;
    const tokenContext = new TaskTokenContext(this.tokens);
    const machineName = STATE_MACHINE_ARN.exec(record.stateMachineArn)?.[2] ?? '';
    const traceHeader = this.startingTraceHeaders.get(executionArn);
    this.startingTraceHeaders.delete(executionArn);
    const tracer = this.spans
      ? new ExecutionTracer(this.spans, {
          name: record.name,
          machine: machineName,
          input: record.input,
          traceHeader,
        })
      : undefined;
    const handlers = taskHandlersFor(this.taskDeps, revision.tasks, {
      executionArn,
      recorder,
      tokenContext,
      ...(tracer ? { traceHeaderOf: (stateName: string) => tracer.headerFor(stateName) } : {}),
    });
    const engine = resume
      ? new StateMachine(
          resumedAt(revision.runnable, resume.state, resume.input) as unknown as EngineDefinition,
          {
            validationOptions: { noValidate: true },
          },
        )
      : revision.engine;
    const run = engine.run(input, {
      overrides: { taskResourceLocalHandlers: handlers },
      noThrowOnAbort: true,
      context: {
        Execution: {
          Id: executionArn,
          Name: record.name,
          RoleArn: revision.stored.roleArn,
          ...(record.redriveCount > 0
            ? {
                RedriveCount: record.redriveCount,
                RedriveTime: new Date(record.redriveDate ?? Date.now()).toISOString(),
              }
            : {}),
        },
        StateMachine: { Id: record.stateMachineArn, Name: machineName },
        Task: tokenContext.task,
      },
    });
    const consume = async (): Promise<void> => {
      for await (const event of run.eventLogs) {
        recorder.onEngineEvent(event);
        tracer?.onEvent(event);
      }
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
      this.tokens.closeExecution(executionArn);
      tracer?.finish(recorder.outcome?.status, recorder.outcome?.error);
    });
    record.attempt = { run, settled };
    record.settled = settled;
    return settled;
  }

  /**
   * Where a redrive (or resume) restarts: the top-level state the execution was last in, with the input
   * it entered with. A Parallel or Map state restarts as a whole (AWS redrives only its unsuccessful
   * branches or iterations); a state that had finished while its successor had not been entered yet runs
   * again. Before any state: the start, with the execution's input.
   */
  private resumePoint(
    record: ExecutionRecord,
    revision: CompiledRevision,
  ): { state: string; input: unknown } {
    const events = record.recorder.events;
    for (let i = events.length - 1; i >= 0; i--) {
      const event = events[i];
      const name = event?.details?.name;
      if (!event?.type.endsWith('StateEntered') || typeof name !== 'string' || name === RESUME_STATE)
        continue;
      if (!revision.topLevel.has(name)) continue;
      const input = event.details?.input;
      return { state: name, input: typeof input === 'string' ? JSON.parse(input) : null };
    }
    return { state: revision.startAt, input: JSON.parse(record.input) };
  }

  /** A new attempt of the execution from its resume point: `ExecutionRedriven`, `redriveCount` + 1. */
  private restart(record: ExecutionRecord, at: number): Promise<void> {
    const stored = this.revisionOf(record.revisionKey);
    const type: StateMachineType = record.express ? 'EXPRESS' : 'STANDARD';
    const revision = this.compile(stored, type);
    const point = this.resumePoint(record, revision);
    record.redriveCount += 1;
    record.redriveDate = at;
    record.recorder.redriven(record.redriveCount, at);
    return this.launch(record, revision, JSON.parse(record.input) as JsonValue, point);
  }

  private redriveStatusOf(record: ExecutionRecord): { status?: RedriveStatus; reason?: string } {
    if (record.express) return {};
    const outcome = record.recorder.outcome;
    const notRedrivable = (reason: string) => ({ status: 'NOT_REDRIVABLE' as const, reason });
    if (!outcome) return notRedrivable('Execution is RUNNING and cannot be redriven');
    if (outcome.status === 'SUCCEEDED') return notRedrivable('Execution is SUCCEEDED and cannot be redriven');
    if (Date.now() - outcome.at > REDRIVE_WINDOW_MS)
      return notRedrivable('Execution redrivable period exceeded');
    if (record.recorder.events.length >= MAX_REDRIVE_HISTORY)
      return notRedrivable('Execution history event limit exceeded');
    if (!this.machines.has(record.stateMachineArn))
      return notRedrivable('State machine is in DELETING status');
    return { status: 'REDRIVABLE' };
  }

  /**
   * RedriveExecution: a FAILED, TIMED_OUT or ABORTED execution of a Standard state machine, ended less
   * than 14 days ago, runs again from the state it stopped in, with the same definition revision.
   * Retry counters and the execution's `TimeoutSeconds` start over, as in AWS. A client token seen in
   * the last 15 minutes (the last 10 per execution) answers the first redrive's date again.
   */
  redriveExecution(input: { readonly executionArn: string; readonly clientToken?: string }): {
    readonly redriveDate: number;
  } {
    const record = this.execution(input.executionArn);
    const now = Date.now();
    for (const [token, seen] of record.redriveTokens)
      if (now - seen.at > REDRIVE_TOKEN_TTL_MS) record.redriveTokens.delete(token);
    const repeated =
      input.clientToken === undefined ? undefined : record.redriveTokens.get(input.clientToken);
    if (repeated) return { redriveDate: repeated.date };
    if (record.express) {
      throw new StepFunctionsApiError(
        'ExecutionNotRedrivable',
        'Executions of EXPRESS state machines cannot be redriven',
      );
    }
    const { status, reason } = this.redriveStatusOf(record);
    if (status !== 'REDRIVABLE') {
      throw new StepFunctionsApiError('ExecutionNotRedrivable', reason ?? 'Execution cannot be redriven');
    }
    void this.restart(record, now);
    if (input.clientToken !== undefined) {
      record.redriveTokens.set(input.clientToken, { date: now, at: now });
      if (record.redriveTokens.size > REMEMBERED_REDRIVE_TOKENS) {
        const oldest = record.redriveTokens.keys().next().value;
        if (oldest !== undefined) record.redriveTokens.delete(oldest);
      }
    }
    return { redriveDate: now };
  }

  /**
   * Resumes the executions that were RUNNING when the process that ran them stopped (crash or
   * shutdown), each at the top-level state it was in, modelled on RedriveExecution (`ExecutionRedriven`,
   * `redriveCount`). Call it once the functions the tasks invoke are registered. Returns their ARNs.
   */
  resumeInterrupted(): string[] {
    const resumed: string[] = [];
    for (const record of this.executions.values()) {
      const release = record.interrupted;
      if (!release) continue;
      record.interrupted = undefined;
      try {
        release(this.restart(record, Date.now()));
      } catch (error) {
        // The revision cannot run any more (e.g. the engine changed): end it, do not strand it.
        record.recorder.failUnexpectedly(`The execution could not be resumed: ${(error as Error).message}`);
        release(Promise.resolve());
      }
      resumed.push(record.executionArn);
    }
    return resumed;
  }

  /**
   * StartSyncExecution: runs an execution of an Express state machine to its end and answers with its
   * result. As in AWS, the execution is not kept (no DescribeExecution or history afterwards).
   */
  async startSyncExecution(input: StartExecutionInput): Promise<SyncExecutionResult> {
    const machine = this.machine(input.stateMachineArn);
    if (machine.stored.type !== 'EXPRESS') {
      throw new StepFunctionsApiError(
        'StateMachineTypeNotSupported',
        'This operation is not supported by STANDARD state machines',
      );
    }
    const name = input.name === undefined ? randomUUID() : checkName(input.name, 'execution');
    const parsed = this.parseInput(input.input);
    const region = regionOfArn(machine.stored.stateMachineArn);
    const executionArn = `arn:aws:states:${region}:${this.accountId}:express:${machine.stored.name}:${name}:${randomUUID()}`;
    const revision = this.compile(this.revisionOf(machine.stored.revisionKey), machine.stored.type);
    const record = this.newExecution(machine.stored, revision, executionArn, name, parsed.text, undefined);
    await this.launch(record, revision, parsed.value);
    const outcome = record.recorder.outcome;
    const stopDate = outcome?.at ?? Date.now();
    const status =
      outcome?.status === 'SUCCEEDED' || outcome?.status === 'TIMED_OUT' ? outcome.status : 'FAILED';
    return {
      executionArn,
      stateMachineArn: machine.stored.stateMachineArn,
      name,
      status,
      input: parsed.text,
      startDate: record.startDate,
      stopDate,
      // Express bills by the 100 ms.
      billedDurationMs: Math.max(100, Math.ceil((stopDate - record.startDate) / 100) * 100),
      ...(outcome?.output === undefined ? {} : { output: outcome.output }),
      ...(outcome?.error === undefined ? {} : { error: outcome.error }),
      ...(outcome?.cause === undefined ? {} : { cause: outcome.cause }),
    };
  }

  describeExecution(executionArn: string): ExecutionDescription {
    return this.describe(this.execution(executionArn));
  }

  /** The state machine as this execution runs it: the revision it started with. */
  describeStateMachineForExecution(executionArn: string): StateMachineSummary {
    const execution = this.execution(executionArn);
    const machine = this.machines.get(execution.stateMachineArn);
    if (!machine) {
      throw new StepFunctionsApiError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${execution.stateMachineArn}'`,
      );
    }
    const revision = this.revisionOf(execution.revisionKey);
    // `updateDate` of this view is when the execution's revision was made.
    return { ...this.summaryOf(machine.stored, revision), updateDate: revision.createdAt };
  }

  private describe(execution: ExecutionRecord): ExecutionDescription {
    const outcome = execution.recorder.outcome;
    const redrive = this.redriveStatusOf(execution);
    return {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: outcome?.status ?? 'RUNNING',
      input: execution.input,
      startDate: execution.startDate,
      redriveCount: execution.redriveCount,
      ...(execution.redriveDate === undefined ? {} : { redriveDate: execution.redriveDate }),
      ...(redrive.status ? { redriveStatus: redrive.status } : {}),
      ...(redrive.reason ? { redriveStatusReason: redrive.reason } : {}),
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
    const scope = `executions:${machine.stored.stateMachineArn}:${input.statusFilter ?? ''}:${input.redriveFilter ?? ''}`;
    const before = decodeToken(input.nextToken, scope);
    const matching = [...this.executions.values()]
      .filter((e) => e.stateMachineArn === machine.stored.stateMachineArn)
      .filter((e) => before === undefined || e.seq < before)
      .filter(
        (e) =>
          input.redriveFilter === undefined || (input.redriveFilter === 'REDRIVEN') === e.redriveCount > 0,
      )
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
      this.tokens.closeExecution(executionArn);
      execution.attempt?.run.abort();
      const release = execution.interrupted;
      execution.interrupted = undefined;
      release?.(Promise.resolve());
    }
    await execution.settled;
    return { stopDate: execution.recorder.outcome?.at ?? Date.now() };
  }

  /** SendTaskSuccess: the `.waitForTaskToken` task holding `taskToken` succeeds with `output` (JSON text). */
  sendTaskSuccess(taskToken: string, output: string): void {
    this.tokens.succeed(taskToken, output);
  }

  /** SendTaskFailure: the task holding `taskToken` fails with `error` and `cause`. */
  sendTaskFailure(taskToken: string, error?: string, cause?: string): void {
    this.tokens.fail(taskToken, error, cause);
  }

  /** SendTaskHeartbeat: the task holding `taskToken` is alive; its `HeartbeatSeconds` clock restarts. */
  sendTaskHeartbeat(taskToken: string): void {
    this.tokens.heartbeat(taskToken);
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

  /**
   * Shuts down. In memory, every running execution is aborted. With `dataDir`, running executions are
   * left RUNNING on disk (nothing is recorded for the interruption) and resume after the next start.
   */
  async close(): Promise<void> {
    const running = [...this.executions.values()].filter((e) => e.recorder.outcome === undefined);
    if (this.store) {
      for (const execution of running) {
        execution.recorder.detach();
        execution.attempt?.run.abort();
      }
      this.tokens.closeAll();
      await Promise.all(running.map((e) => e.attempt?.settled));
      this.store.close();
      return;
    }
    await Promise.all(
      running.map((e) =>
        this.stopExecution(e.executionArn, {
          error: 'Shutdown',
          cause: 'The local Step Functions emulator stopped',
        }),
      ),
    );
    this.tokens.closeAll();
  }
}

/** The region an ARN names (`arn:aws:states:<region>:...`). */
const regionOfArn = (arn: string): string => arn.split(':')[3] ?? LOCAL_REGION;
