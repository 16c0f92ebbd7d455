/**
 * Test support for saga tasks: one Task state of a real state machine definition, run on its own with
 * the state's `Retry` and `Catch` exactly as the saga has them, so a service can prove how the saga
 * treats its task's errors (retried, or caught and compensated) without the other services.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadServiceDefinitions } from '../service/load-services.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isRecord = (value: unknown): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const placeholders = (value: Json, replacement: string): Json => {
  if (typeof value === 'string') return value.replace(/\$\{[^}]+\}/g, replacement);
  if (Array.isArray(value)) return value.map((item) => placeholders(item, replacement));
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, placeholders(item, replacement)]),
    );
  }
  return value;
};

/** The name of the Fail state a `Catch` of the isolated task leads to: the state it names in the saga. */
export const caughtBy = (next: string): string => `Caught:${next}`;

/**
 * A state machine definition (JSON text) with only `stateName` of `definition`: its function becomes
 * `functionArn`; success ends the execution, each `Catch` leads to a Fail state whose error is
 * {@link caughtBy}(the state the saga would compensate in).
 *
 * @example
 * const definition = isolateTaskState(checkoutAsl, 'AuthorizePayment', functionArn('payment-authorize-payment'));
 */
export const isolateTaskState = (definition: unknown, stateName: string, functionArn: string): string => {
  const states = isRecord(definition) && isRecord(definition.States) ? definition.States : undefined;
  const state = states?.[stateName];
  if (!isRecord(state) || state.Type !== 'Task')
    throw new Error(`no Task state ${stateName} in the definition`);
  const catches = Array.isArray(state.Catch) ? state.Catch.filter(isRecord) : [];
  const { Next: _next, End: _end, ...rest } = placeholders(state, functionArn) as Record<string, Json>;
  const isolated: Record<string, Json> = {
    ...rest,
    End: true,
    ...(catches.length > 0
      ? { Catch: catches.map((entry) => ({ ...entry, Next: caughtBy(String(entry.Next)) })) }
      : {}),
  };
  const failStates = Object.fromEntries(
    catches.map((entry) => [
      caughtBy(String(entry.Next)),
      { Type: 'Fail', Error: caughtBy(String(entry.Next)) },
    ]),
  );
  return JSON.stringify({ StartAt: stateName, States: { [stateName]: isolated, ...failStates } });
};

/** A Lambda task's answer as the local Lambda host reports it. */
type InvokeAnswer =
  | { readonly ok: true; readonly payload: unknown }
  | {
      readonly ok: false;
      readonly error: { readonly errorType: string; readonly errorMessage: string };
      readonly timedOut: false;
    };

/**
 * A Lambda invoker (the local Step Functions engine's) that runs task functions in process and
 * reports their errors as Lambda does (`errorType` = the error's name); `calls` counts invocations.
 */
export const inProcessInvoker = (tasks: Readonly<Record<string, (event: unknown) => Promise<unknown>>>) => {
  const calls: string[] = [];
  return {
    calls,
    invoke: async (nameOrArn: string, payload: unknown): Promise<InvokeAnswer> => {
      const name = nameOrArn.split(':').pop() ?? nameOrArn;
      const task = tasks[name];
      if (!task) throw new Error(`no task function ${name}`);
      calls.push(name);
      try {
        return { ok: true, payload: await task(payload) };
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        return {
          ok: false,
          error: { errorType: failure.name, errorMessage: failure.message },
          timedOut: false,
        };
      }
    },
  };
};

/**
 * The state machine definition (parsed ASL) of the service that owns the saga running `stateName`,
 * found through the service definitions as both runtimes find it.
 */
export const sagaDefinitionWith = async (repoRoot: string, stateName: string): Promise<unknown> => {
  for (const service of await loadServiceDefinitions(repoRoot)) {
    for (const machine of Object.values(service.stateMachines ?? {})) {
      const definition: unknown = JSON.parse(
        readFileSync(join(service.root, machine.definitionFile), 'utf8'),
      );
      if (isRecord(definition) && isRecord(definition.States) && definition.States[stateName])
        return definition;
    }
  }
  throw new Error(`no state machine has a state ${stateName}`);
};
