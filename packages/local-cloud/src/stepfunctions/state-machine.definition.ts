/** What a state machine is checked against (definition, tags, configurations) and compiled into for the engine. */
import { StateMachine } from 'aws-local-stepfunctions';
import {
  collectStates,
  isRecord,
  type JsonRecord,
  scaleWaitTimes,
  taskIntegrationOf,
  topLevelStateNames,
  unsupportedFeatures,
  withHeartbeatTimeoutMatching,
  withoutEngineTaskTimeout,
} from './asl-definition.util.ts';
import type { TaskSpec } from './execution-history.recorder.ts';
import { StepFunctionsApiError } from './stepfunctions.errors.ts';
import type { StoredRevision } from './stepfunctions.store.ts';
import type {
  ConfigurationRecord,
  ResourceTag,
  StateMachineType,
  ValidationDiagnostic,
} from './stepfunctions.types.ts';

type EngineDefinition = ConstructorParameters<typeof StateMachine>[0];

const ENGINE_INVALID_PREFIX = /^State machine definition is invalid, see error\(s\) below:\s*/;
/** Express workflows run for at most five minutes. */
const EXPRESS_MAX_SECONDS = 300;
const MAX_TAGS = 50;
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const DEFAULT_LOGGING: ConfigurationRecord = { level: 'OFF', includeExecutionData: false };
const DEFAULT_TRACING: ConfigurationRecord = { enabled: false };
const DEFAULT_ENCRYPTION: ConfigurationRecord = { type: 'AWS_OWNED_KEY' };

/** A revision ready to run: the engine, its tasks and states. */
export interface CompiledRevision {
  readonly stored: StoredRevision;
  /** What the engine runs: waits scaled, timeouts adjusted. */
  readonly runnable: JsonRecord;
  readonly engine: StateMachine;
  readonly tasks: readonly TaskSpec[];
  /** Every state by name, nested ones included. */
  readonly states: ReadonlyMap<string, JsonRecord>;
  readonly topLevel: ReadonlySet<string>;
  readonly startAt: string;
}

/** The engine's validation message, one `CODE: message` per line, as AWS-style diagnostics. */
const diagnosticsOf = (message: string): ValidationDiagnostic[] =>
  message
    .replace(ENGINE_INVALID_PREFIX, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const match = /^([A-Z_]+):\s*(.*)$/.exec(line);
      const code = match?.[1] ?? 'SCHEMA_VALIDATION_FAILED';
      const text = match?.[2] ?? line;
      const location = /^(\/\S*)/.exec(text)?.[1];
      return { severity: 'ERROR' as const, code, message: text, ...(location ? { location } : {}) };
    });

export const definitionError = (diagnostics: readonly ValidationDiagnostic[]): StepFunctionsApiError =>
  new StepFunctionsApiError(
    'InvalidDefinition',
    `Invalid State Machine Definition: '${diagnostics.map((d) => `${d.code}: ${d.message}`).join('; ')}'`,
  );

export const checkTags = (tags: readonly ResourceTag[] | undefined, resourceArn: string): ResourceTag[] => {
  const list = tags ?? [];
  if (!Array.isArray(list))
    throw new StepFunctionsApiError('ValidationException', "Value at 'tags' must be a list");
  list.forEach((tag, index) => {
    const key: unknown = isRecord(tag) ? tag.key : undefined;
    const value: unknown = isRecord(tag) ? (tag.value ?? '') : undefined;
    const at = `tags.${index + 1}.member`;
    if (typeof key !== 'string' || key.length < 1 || key.length > 128 || !TAG_CHARACTERS.test(key)) {
      throw new StepFunctionsApiError(
        'ValidationException',
        `1 validation error detected: Value '${String(key)}' at '${at}.key' failed to satisfy constraint: Member must have length between 1 and 128 and contain only Unicode letters, digits, white space or _ . : / = + - @`,
      );
    }
    if (typeof value !== 'string' || value.length > 256 || !TAG_CHARACTERS.test(value)) {
      throw new StepFunctionsApiError(
        'ValidationException',
        `1 validation error detected: Value '${String(value)}' at '${at}.value' failed to satisfy constraint: Member must have length less than or equal to 256 and contain only Unicode letters, digits, white space or _ . : / = + - @`,
      );
    }
  });
  if (list.length > MAX_TAGS) {
    throw new StepFunctionsApiError('TooManyTags', `Too many tags: at most ${MAX_TAGS} per resource`, {
      resourceName: resourceArn,
    });
  }
  return list.map((tag) => ({ key: tag.key, value: tag.value ?? '' }));
};

export const checkEncryption = (config: ConfigurationRecord | undefined): ConfigurationRecord => {
  if (config === undefined) return DEFAULT_ENCRYPTION;
  if (config.type === 'AWS_OWNED_KEY') return { type: 'AWS_OWNED_KEY' };
  if (
    config.type === 'CUSTOMER_MANAGED_KMS_KEY' &&
    typeof config.kmsKeyId === 'string' &&
    config.kmsKeyId !== ''
  )
    return config;
  throw new StepFunctionsApiError(
    'InvalidEncryptionConfiguration',
    'Invalid Encryption Configuration: type must be AWS_OWNED_KEY, or CUSTOMER_MANAGED_KMS_KEY with a kmsKeyId',
  );
};

export const checkLogging = (config: ConfigurationRecord | undefined): ConfigurationRecord => {
  if (config === undefined) return DEFAULT_LOGGING;
  const level = config.level ?? 'OFF';
  if (!['ALL', 'ERROR', 'FATAL', 'OFF'].includes(String(level))) {
    throw new StepFunctionsApiError(
      'InvalidLoggingConfiguration',
      `Invalid Logging Configuration: level '${String(level)}' is not ALL, ERROR, FATAL or OFF`,
    );
  }
  const destinations = Array.isArray(config.destinations) ? config.destinations : [];
  if (level !== 'OFF' && destinations.length === 0) {
    throw new StepFunctionsApiError(
      'InvalidLoggingConfiguration',
      'Invalid Logging Configuration: a log destination is required unless the level is OFF',
    );
  }
  return {
    level,
    includeExecutionData: config.includeExecutionData === true,
    ...(destinations.length > 0 ? { destinations } : {}),
  };
};

export const checkTracing = (config: ConfigurationRecord | undefined): ConfigurationRecord => {
  if (config === undefined) return DEFAULT_TRACING;
  return { enabled: config.enabled === true };
};

export const notPublishable = (): StepFunctionsApiError =>
  new StepFunctionsApiError(
    'ValidationException',
    'Publishing state machine versions (publish: true) is not emulated locally',
  );

/** Parses and validates a definition like AWS (plus what the local engine cannot run); diagnostics on failure. */
export const checkDefinition = (
  definition: string,
  type: StateMachineType,
): { document: JsonRecord } | { diagnostics: ValidationDiagnostic[] } => {
  let document: unknown;
  try {
    document = JSON.parse(definition);
  } catch (error) {
    return {
      diagnostics: [
        { severity: 'ERROR', code: 'INVALID_JSON_DESCRIPTION', message: (error as Error).message },
      ],
    };
  }
  if (!isRecord(document)) {
    return {
      diagnostics: [
        {
          severity: 'ERROR',
          code: 'SCHEMA_VALIDATION_FAILED',
          message: 'The definition is not a JSON object',
        },
      ],
    };
  }
  try {
    // Validation only (the validator annotates the object it checks, so it gets a copy).
    new StateMachine(structuredClone(document) as unknown as EngineDefinition, {
      validationOptions: { checkArn: true, checkPaths: true },
    });
  } catch (error) {
    return { diagnostics: diagnosticsOf((error as Error).message) };
  }
  const problems = unsupportedFeatures(document).map(
    (message): ValidationDiagnostic => ({ severity: 'ERROR', code: 'UNSUPPORTED_LOCALLY', message }),
  );
  if (type === 'EXPRESS') {
    for (const { name, state } of collectStates(document)) {
      if (taskIntegrationOf(state.Resource)?.waitForTaskToken) {
        problems.push({
          severity: 'ERROR',
          code: 'SCHEMA_VALIDATION_FAILED',
          message: `Express state machine does not support '.waitForTaskToken' service integration (state "${name}")`,
          location: `/States/${name}/Resource`,
        });
      }
    }
  }
  return problems.length > 0 ? { diagnostics: problems } : { document };
};

/** Prepares the engine that runs a revision: waits scaled, task timeouts adjusted, tasks found. */
export const compileRevision = (
  stored: StoredRevision,
  type: StateMachineType,
  waitTimeScale: number,
): CompiledRevision => {
  const document = JSON.parse(stored.definition) as JsonRecord;
  const tasks: TaskSpec[] = [];
  const states = new Map<string, JsonRecord>();
  for (const { name, state } of collectStates(document)) {
    states.set(name, state);
    const integration = state.Type === 'Task' ? taskIntegrationOf(state.Resource) : undefined;
    if (!integration || typeof state.Resource !== 'string') continue;
    tasks.push({
      stateName: name,
      resource: state.Resource,
      integration,
      ...(typeof state.TimeoutSeconds === 'number' ? { timeoutSeconds: state.TimeoutSeconds } : {}),
      ...(typeof state.HeartbeatSeconds === 'number' ? { heartbeatSeconds: state.HeartbeatSeconds } : {}),
    });
  }
  const scaled = waitTimeScale === 1 ? document : scaleWaitTimes(document, waitTimeScale);
  const runnable = withHeartbeatTimeoutMatching(withoutEngineTaskTimeout(scaled)) as JsonRecord;
  if (type === 'EXPRESS') {
    const timeout =
      typeof runnable.TimeoutSeconds === 'number' ? runnable.TimeoutSeconds : EXPRESS_MAX_SECONDS;
    runnable.TimeoutSeconds = Math.min(timeout, EXPRESS_MAX_SECONDS);
  }
  const engine = new StateMachine(runnable as unknown as EngineDefinition, {
    validationOptions: { noValidate: true },
  });
  const compiled: CompiledRevision = {
    stored,
    runnable,
    engine,
    tasks,
    states,
    topLevel: topLevelStateNames(document),
    startAt: String(document.StartAt),
  };
  return compiled;
};
