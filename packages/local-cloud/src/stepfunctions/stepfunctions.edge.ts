import type { EdgeHandler, EdgeRequest, EdgeResponse } from '../edge/edge.types.ts';
import { isRecord, type JsonRecord } from './asl-definition.util.ts';
import type { StepFunctionsEmulator } from './stepfunctions.emulator.ts';
import { StepFunctionsApiError } from './stepfunctions.errors.ts';
import type {
  ExecutionDescription,
  ExecutionStatus,
  HistoryEventRecord,
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

const failure = (status: number, type: string, message: string): EdgeResponse => ({
  status,
  headers: { 'content-type': CONTENT_TYPE, 'x-amzn-errortype': type },
  body: JSON.stringify({ __type: type, message }),
});

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
  loggingConfiguration: { level: 'OFF', includeExecutionData: false },
  tracingConfiguration: { enabled: false },
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
});

const listedExecution = (e: ExecutionDescription): JsonRecord => ({
  executionArn: e.executionArn,
  stateMachineArn: e.stateMachineArn,
  name: e.name,
  status: e.status,
  startDate: seconds(e.startDate),
  stopDate: seconds(e.stopDate),
});

const historyEvent = (e: HistoryEventRecord): JsonRecord => ({
  timestamp: seconds(e.timestamp),
  type: e.type,
  id: e.id,
  previousEventId: e.previousEventId,
  ...(e.detailsKey && e.details ? { [e.detailsKey]: e.details } : {}),
});

type Action = (body: JsonRecord) => Promise<JsonRecord> | JsonRecord;

/**
 * The Step Functions API on the AWS edge: AWS JSON 1.0 (`X-Amz-Target: AWSStepFunctions.<Action>`), the
 * protocol of `@aws-sdk/client-sfn` and the `aws stepfunctions` CLI.
 */
export const createStepFunctionsEdgeHandler = (emulator: StepFunctionsEmulator): EdgeHandler => {
  const actions: Readonly<Record<string, Action>> = {
    CreateStateMachine: (body) => {
      const machine = emulator.createStateMachine({
        name: required(body, 'name'),
        definition: required(body, 'definition'),
        roleArn: optional(body, 'roleArn', 'string'),
        type: machineType(body),
      });
      return { stateMachineArn: machine.stateMachineArn, creationDate: seconds(machine.creationDate) };
    },
    DescribeStateMachine: (body) =>
      describedMachine(emulator.describeStateMachine(required(body, 'stateMachineArn'))),
    ListStateMachines: (body) => {
      const page = emulator.listStateMachines({
        maxResults: optional(body, 'maxResults', 'number'),
        nextToken: optional(body, 'nextToken', 'string'),
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
    StartExecution: (body) => {
      const started = emulator.startExecution({
        stateMachineArn: required(body, 'stateMachineArn'),
        name: optional(body, 'name', 'string'),
        input: optional(body, 'input', 'string'),
      });
      return { executionArn: started.executionArn, startDate: seconds(started.startDate) };
    },
    DescribeExecution: (body) =>
      describedExecution(emulator.describeExecution(required(body, 'executionArn'))),
    DescribeStateMachineForExecution: (body) =>
      describedMachine(emulator.describeStateMachineForExecution(required(body, 'executionArn'))),
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
        return ok(await action(body));
      } catch (error) {
        if (error instanceof StepFunctionsApiError) return failure(error.status, error.type, error.message);
        throw error;
      }
    },
  };
};
