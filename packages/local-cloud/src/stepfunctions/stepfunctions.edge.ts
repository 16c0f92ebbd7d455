import type { EdgeHandler, EdgeRequest, EdgeResponse } from '../edge/edge.types.ts';
import { traceHeaderOf } from '../traces/trace-header.ts';
import { isRecord, type JsonRecord } from './asl-definition.util.ts';
import type { StepFunctionsEmulator } from './stepfunctions.emulator.ts';
import { StepFunctionsApiError } from './stepfunctions.errors.ts';
import type {
  ConfigurationRecord,
  ExecutionDescription,
  ExecutionStatus,
  HistoryEventRecord,
  ResourceTag,
  StateMachineSummary,
  StateMachineType,
} from './stepfunctions.types.ts';

const TARGET_PREFIX = 'AWSStepFunctions.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
const STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

/** The AWS JSON protocols carry timestamps as epoch seconds. */
const seconds = (epochMs: number | undefined): number | undefined =>
  epochMs === undefined ? undefined : epochMs / 1000;

const targetOf = (request: EdgeRequest): string | undefined => {
  const header = request.headers['x-amz-target'];
  const target = Array.isArray(header) ? header[0] : header;
  return target?.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
};

const ok = (body: JsonRecord): EdgeResponse => ({
  status: 200,
  headers: { 'content-type': CONTENT_TYPE },
  body: JSON.stringify(body),
});

const failure = (
  status: number,
  type: string,
  message: string,
  fields: Readonly<Record<string, string>> = {},
): EdgeResponse => ({
  status,
  headers: { 'content-type': CONTENT_TYPE, 'x-amzn-errortype': type },
  body: JSON.stringify({ __type: type, message, ...fields }),
});

// `Credential=<key>/<date>/<region>/<service>/aws4_request` in a SigV4 Authorization header.
const CREDENTIAL_SCOPE = /Credential=[^/,\s]+\/\d{8}\/([\w-]+)\//;

/** The region the client signed for: what AWS's regional endpoint would be. */
export const signedRegionOf = (request: EdgeRequest): string | undefined => {
  const header = request.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  return value ? CREDENTIAL_SCOPE.exec(value)?.[1] : undefined;
};

const required = (body: JsonRecord, key: string): string => {
  const value = body[key];
  if (typeof value !== 'string' || value === '') {
    throw new StepFunctionsApiError('MissingRequiredParameter', `Missing required parameter: '${key}'`);
  }
  return value;
};

const optional = <T extends 'string' | 'number' | 'boolean'>(
  body: JsonRecord,
  key: string,
  type: T,
): (T extends 'string' ? string : T extends 'number' ? number : boolean) | undefined => {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== type) {
    throw new StepFunctionsApiError('ValidationException', `Value at '${key}' must be a ${type}`);
  }
  return value as T extends 'string' ? string : T extends 'number' ? number : boolean;
};

const statusFilter = (body: JsonRecord): ExecutionStatus | undefined => {
  const value = optional(body, 'statusFilter', 'string');
  if (value === undefined) return undefined;
  const status = STATUSES.find((s) => s === value);
  if (!status) {
    throw new StepFunctionsApiError(
      'ValidationException',
      `1 validation error detected: Value '${value}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${STATUSES.join(', ')}]`,
    );
  }
  return status;
};

const record = (body: JsonRecord, key: string): ConfigurationRecord | undefined => {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value))
    throw new StepFunctionsApiError('ValidationException', `Value at '${key}' must be an object`);
  return value;
};

const tagList = (body: JsonRecord, key: string): ResourceTag[] | undefined => {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value))
    throw new StepFunctionsApiError('ValidationException', `Value at '${key}' must be a list`);
  return value as ResourceTag[];
};

const stringList = (body: JsonRecord, key: string): string[] => {
  const value = body[key];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new StepFunctionsApiError('MissingRequiredParameter', `Missing required parameter: '${key}'`);
  }
  return value;
};

const machineType = (body: JsonRecord): StateMachineType | undefined => {
  const value = optional(body, 'type', 'string');
  if (value === undefined || value === 'STANDARD' || value === 'EXPRESS') return value;
  throw new StepFunctionsApiError(
    'ValidationException',
    `1 validation error detected: Value '${value}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]`,
  );
};

const describedMachine = (m: StateMachineSummary): JsonRecord => ({
  stateMachineArn: m.stateMachineArn,
  name: m.name,
  status: 'ACTIVE',
  definition: m.definition,
  roleArn: m.roleArn,
  type: m.type,
  creationDate: seconds(m.creationDate),
  loggingConfiguration: m.loggingConfiguration,
  tracingConfiguration: m.tracingConfiguration,
  revisionId: m.revisionId,
  encryptionConfiguration: m.encryptionConfiguration,
});

const machineForExecution = (m: StateMachineSummary): JsonRecord => ({
  stateMachineArn: m.stateMachineArn,
  name: m.name,
  definition: m.definition,
  roleArn: m.roleArn,
  updateDate: seconds(m.updateDate ?? m.creationDate),
  loggingConfiguration: m.loggingConfiguration,
  tracingConfiguration: m.tracingConfiguration,
  revisionId: m.revisionId,
  encryptionConfiguration: m.encryptionConfiguration,
});

const describedExecution = (e: ExecutionDescription): JsonRecord => ({
  executionArn: e.executionArn,
  stateMachineArn: e.stateMachineArn,
  name: e.name,
  status: e.status,
  startDate: seconds(e.startDate),
  stopDate: seconds(e.stopDate),
  input: e.input,
  inputDetails: { included: true },
  output: e.output,
  ...(e.output === undefined ? {} : { outputDetails: { included: true } }),
  error: e.error,
  cause: e.cause,
  redriveCount: e.redriveCount,
  redriveDate: seconds(e.redriveDate),
  redriveStatus: e.redriveStatus,
  redriveStatusReason: e.redriveStatusReason,
});

const listedExecution = (e: ExecutionDescription): JsonRecord => ({
  executionArn: e.executionArn,
  stateMachineArn: e.stateMachineArn,
  name: e.name,
  status: e.status,
  startDate: seconds(e.startDate),
  stopDate: seconds(e.stopDate),
  redriveCount: e.redriveCount,
  redriveDate: seconds(e.redriveDate),
});

const redriveFilter = (body: JsonRecord): 'REDRIVEN' | 'NOT_REDRIVEN' | undefined => {
  const value = optional(body, 'redriveFilter', 'string');
  if (value === undefined || value === 'REDRIVEN' || value === 'NOT_REDRIVEN') return value;
  throw new StepFunctionsApiError(
    'ValidationException',
    `1 validation error detected: Value '${value}' at 'redriveFilter' failed to satisfy constraint: Member must satisfy enum value set: [REDRIVEN, NOT_REDRIVEN]`,
  );
};

const historyEvent = (e: HistoryEventRecord): JsonRecord => ({
  timestamp: seconds(e.timestamp),
  type: e.type,
  id: e.id,
  previousEventId: e.previousEventId,
  ...(e.detailsKey && e.details ? { [e.detailsKey]: e.details } : {}),
});

type Action = (body: JsonRecord, request: EdgeRequest) => Promise<JsonRecord> | JsonRecord;

/**
 * The Step Functions API on the AWS edge: AWS JSON 1.0 (`X-Amz-Target: AWSStepFunctions.<Action>`), the
 * protocol of `@aws-sdk/client-sfn` and the `aws stepfunctions` CLI. Requests are told apart by their
 * target, not their host, so StartSyncExecution's `sync-` host prefix is served too wherever it resolves.
 * State machines are created in, and listed for, the region the request was signed for.
 */
export const createStepFunctionsEdgeHandler = (emulator: StepFunctionsEmulator): EdgeHandler => {
  const actions: Readonly<Record<string, Action>> = {
    CreateStateMachine: (body, request) => {
      const machine = emulator.createStateMachine({
        name: required(body, 'name'),
        definition: required(body, 'definition'),
        roleArn: optional(body, 'roleArn', 'string'),
        type: machineType(body),
        tags: tagList(body, 'tags'),
        loggingConfiguration: record(body, 'loggingConfiguration'),
        tracingConfiguration: record(body, 'tracingConfiguration'),
        encryptionConfiguration: record(body, 'encryptionConfiguration'),
        publish: optional(body, 'publish', 'boolean'),
        region: signedRegionOf(request),
      });
      return { stateMachineArn: machine.stateMachineArn, creationDate: seconds(machine.creationDate) };
    },
    UpdateStateMachine: (body) => {
      const updated = emulator.updateStateMachine({
        stateMachineArn: required(body, 'stateMachineArn'),
        definition: optional(body, 'definition', 'string'),
        roleArn: optional(body, 'roleArn', 'string'),
        loggingConfiguration: record(body, 'loggingConfiguration'),
        tracingConfiguration: record(body, 'tracingConfiguration'),
        encryptionConfiguration: record(body, 'encryptionConfiguration'),
        publish: optional(body, 'publish', 'boolean'),
      });
      return { updateDate: seconds(updated.updateDate), revisionId: updated.revisionId };
    },
    ValidateStateMachineDefinition: (body) => {
      const severity = optional(body, 'severity', 'string');
      if (severity !== undefined && severity !== 'ERROR' && severity !== 'WARNING') {
        throw new StepFunctionsApiError(
          'ValidationException',
          `1 validation error detected: Value '${severity}' at 'severity' failed to satisfy constraint: Member must satisfy enum value set: [ERROR, WARNING]`,
        );
      }
      const validation = emulator.validateStateMachineDefinition({
        definition: required(body, 'definition'),
        type: machineType(body),
        maxResults: optional(body, 'maxResults', 'number'),
      });
      return { ...validation };
    },
    DescribeStateMachine: (body) =>
      describedMachine(emulator.describeStateMachine(required(body, 'stateMachineArn'))),
    ListStateMachines: (body, request) => {
      const page = emulator.listStateMachines({
        maxResults: optional(body, 'maxResults', 'number'),
        nextToken: optional(body, 'nextToken', 'string'),
        region: signedRegionOf(request) ?? emulator.region,
      });
      return {
        stateMachines: page.stateMachines.map((m) => ({
          stateMachineArn: m.stateMachineArn,
          name: m.name,
          type: m.type,
          creationDate: seconds(m.creationDate),
        })),
        nextToken: page.nextToken,
      };
    },
    DeleteStateMachine: (body) => {
      emulator.deleteStateMachine(required(body, 'stateMachineArn'));
      return {};
    },
    TagResource: (body) => {
      emulator.tagResource(required(body, 'resourceArn'), tagList(body, 'tags') ?? []);
      return {};
    },
    UntagResource: (body) => {
      emulator.untagResource(required(body, 'resourceArn'), stringList(body, 'tagKeys'));
      return {};
    },
    ListTagsForResource: (body) => ({ tags: emulator.listTagsForResource(required(body, 'resourceArn')) }),
    StartExecution: (body, request) => {
      const traceHeader = optional(body, 'traceHeader', 'string') ?? traceHeaderOf(request);
      const started = emulator.startExecution({
        stateMachineArn: required(body, 'stateMachineArn'),
        name: optional(body, 'name', 'string'),
        input: optional(body, 'input', 'string'),
        ...(traceHeader ? { traceHeader } : {}),
      });
      return { executionArn: started.executionArn, startDate: seconds(started.startDate) };
    },
    StartSyncExecution: async (body) => {
      const result = await emulator.startSyncExecution({
        stateMachineArn: required(body, 'stateMachineArn'),
        name: optional(body, 'name', 'string'),
        input: optional(body, 'input', 'string'),
      });
      return {
        executionArn: result.executionArn,
        stateMachineArn: result.stateMachineArn,
        name: result.name,
        startDate: seconds(result.startDate),
        stopDate: seconds(result.stopDate),
        status: result.status,
        error: result.error,
        cause: result.cause,
        input: result.input,
        inputDetails: { included: true },
        output: result.output,
        ...(result.output === undefined ? {} : { outputDetails: { included: true } }),
        billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: result.billedDurationMs },
      };
    },
    DescribeExecution: (body) =>
      describedExecution(emulator.describeExecution(required(body, 'executionArn'))),
    DescribeStateMachineForExecution: (body) =>
      machineForExecution(emulator.describeStateMachineForExecution(required(body, 'executionArn'))),
    RedriveExecution: (body) => {
      const redriven = emulator.redriveExecution({
        executionArn: required(body, 'executionArn'),
        clientToken: optional(body, 'clientToken', 'string'),
      });
      return { redriveDate: seconds(redriven.redriveDate) };
    },
    SendTaskSuccess: (body) => {
      emulator.sendTaskSuccess(required(body, 'taskToken'), required(body, 'output'));
      return {};
    },
    SendTaskFailure: (body) => {
      emulator.sendTaskFailure(
        required(body, 'taskToken'),
        optional(body, 'error', 'string'),
        optional(body, 'cause', 'string'),
      );
      return {};
    },
    SendTaskHeartbeat: (body) => {
      emulator.sendTaskHeartbeat(required(body, 'taskToken'));
      return {};
    },
    GetExecutionHistory: (body) => {
      const page = emulator.getExecutionHistory({
        executionArn: required(body, 'executionArn'),
        maxResults: optional(body, 'maxResults', 'number'),
        nextToken: optional(body, 'nextToken', 'string'),
        reverseOrder: optional(body, 'reverseOrder', 'boolean'),
        includeExecutionData: optional(body, 'includeExecutionData', 'boolean'),
      });
      return { events: page.events.map(historyEvent), nextToken: page.nextToken };
    },
    ListExecutions: (body) => {
      const page = emulator.listExecutions({
        stateMachineArn: required(body, 'stateMachineArn'),
        statusFilter: statusFilter(body),
        redriveFilter: redriveFilter(body),
        maxResults: optional(body, 'maxResults', 'number'),
        nextToken: optional(body, 'nextToken', 'string'),
      });
      return { executions: page.executions.map(listedExecution), nextToken: page.nextToken };
    },
    StopExecution: async (body) => {
      const stopped = await emulator.stopExecution(required(body, 'executionArn'), {
        error: optional(body, 'error', 'string'),
        cause: optional(body, 'cause', 'string'),
      });
      return { stopDate: seconds(stopped.stopDate) };
    },
  };

  return {
    name: 'stepfunctions',
    canHandle: (request) => targetOf(request) !== undefined,
    handle: async (request) => {
      const target = targetOf(request) ?? '';
      const action = actions[target];
      if (!action)
        return failure(400, 'UnknownOperationException', `Step Functions action ${target} is not emulated`);
      let body: unknown;
      try {
        body = request.body.length === 0 ? {} : JSON.parse(request.body.toString('utf8'));
      } catch {
        return failure(400, 'SerializationException', 'The request body is not valid JSON');
      }
      if (!isRecord(body))
        return failure(400, 'SerializationException', 'The request body must be a JSON object');
      try {
        return ok(await action(body, request));
      } catch (error) {
        if (error instanceof StepFunctionsApiError)
          return failure(error.status, error.type, error.message, error.fields);
        throw error;
      }
    },
  };
};
