import { CreateStateMachineCommand, type HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import type { EdgeHandler } from '../edge/edge.types.ts';
import { type StartedServer, startEdge } from '../edge/index.ts';
import { functionNameOf, type InvokeResult, type LambdaInvoker } from '../lambda/lambda.types.ts';
import { createStepFunctionsEdgeHandler } from './stepfunctions.edge.ts';
import { StepFunctionsEmulator } from './stepfunctions.emulator.ts';
import type { StepFunctionsEmulatorOptions } from './stepfunctions.types.ts';

/** A stand-in for the Lambda host: function names mapped to plain async functions. */
export type LocalFunction = (event: unknown) => unknown;

export const namedError = (name: string, message: string): Error => {
  const error = new Error(message);
  error.name = name;
  return error;
};

/** An invoker over a map of local functions; function errors come back as Lambda reports them. */
export const createLocalInvoker = (
  functions: Map<string, LocalFunction>,
): LambdaInvoker & { readonly invocations: { readonly name: string; readonly payload: unknown }[] } => {
  const invocations: { readonly name: string; readonly payload: unknown }[] = [];
  return {
    invocations,
    async invoke(nameOrArn, payload): Promise<InvokeResult> {
      const name = functionNameOf(nameOrArn);
      invocations.push({ name, payload });
      const fn = functions.get(name);
      if (!fn) {
        throw Object.assign(namedError('FunctionNotFoundError', `Function not found: ${nameOrArn}`), {
          code: 'ResourceNotFoundException',
          status: 404,
        });
      }
      try {
        return { ok: true, payload: await fn(payload) };
      } catch (error) {
        const e = error as Error;
        return { ok: false, timedOut: false, error: { errorType: e.name, errorMessage: e.message } };
      }
    },
  };
};

export const deferred = <T = void>(): { promise: Promise<T>; resolve: (value: T) => void } => {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

export const errorOf = async (promise: Promise<unknown>): Promise<Error & Record<string, unknown>> => {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
};

export const types = (events: readonly HistoryEvent[]): string[] => events.map((e) => e.type ?? '');

export const sfnClient = (
  endpoint: string,
  region = 'us-east-1',
  extra: ConstructorParameters<typeof SFNClient>[0] = {},
) =>
  new SFNClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    ...extra,
  });

export interface SfnTestBed {
  readonly emulator: StepFunctionsEmulator;
  readonly edge: StartedServer;
  readonly sfn: SFNClient;
  readonly functions: Map<string, LocalFunction>;
  /** Creates a state machine through the API; a fresh name each time unless given. */
  createMachine(
    definition: object,
    options?: { name?: string; type?: 'STANDARD' | 'EXPRESS' },
  ): Promise<string>;
  close(): Promise<void>;
}

let machineCount = 0;

/** An emulator behind an edge of its own (plus `handlers`), with an SDK client pointed at it. */
export const startSfnTestBed = async (
  options: Partial<StepFunctionsEmulatorOptions> = {},
  handlers: readonly EdgeHandler[] = [],
): Promise<SfnTestBed> => {
  const functions = new Map<string, LocalFunction>();
  const emulator = new StepFunctionsEmulator({
    invoker: createLocalInvoker(functions),
    waitTimeScale: 0.001,
    ...options,
  });
  const edge = await startEdge([createStepFunctionsEdgeHandler(emulator), ...handlers]);
  const sfn = sfnClient(edge.url);
  return {
    emulator,
    edge,
    sfn,
    functions,
    async createMachine(definition, { name = `machine-${++machineCount}`, type } = {}) {
      const created = await sfn.send(
        new CreateStateMachineCommand({
          name,
          definition: JSON.stringify(definition),
          roleArn: 'arn:aws:iam::000000000000:role/saga',
          ...(type ? { type } : {}),
        }),
      );
      return created.stateMachineArn ?? '';
    },
    async close() {
      await emulator.close();
      sfn.destroy();
      await edge.close();
    },
  };
};
