import { join } from 'node:path';
import { type ServiceDefinition, stateMachineNameOf, taskSubstitutionsOf } from '@shop/platform/service';
import { functionArn } from '../lambda/lambda.types.ts';
import type { StepFunctionsEmulator } from '../stepfunctions/index.ts';

/** The ARNs of a service's state machines, by their name in the definition. */
export const stateMachineArnsOf = (
  stepFunctions: StepFunctionsEmulator,
  service: ServiceDefinition,
): Record<string, string> =>
  Object.fromEntries(
    Object.keys(service.stateMachines ?? {}).map((name) => [
      name,
      stepFunctions.stateMachineArn(stateMachineNameOf(service, name)),
    ]),
  );

/**
 * Every state machine of every service from its ASL file, with the task placeholders resolved to
 * the local functions, as the CDK app's `SagaStateMachine` construct substitutes them.
 */
export const createSagaStateMachines = async (
  stepFunctions: StepFunctionsEmulator,
  services: readonly ServiceDefinition[],
): Promise<void> => {
  const substitutions = taskSubstitutionsOf(services, (fn) => functionArn(fn.name));
  for (const service of services) {
    for (const [name, machine] of Object.entries(service.stateMachines ?? {})) {
      await stepFunctions.createStateMachineFromFile(
        stateMachineNameOf(service, name),
        join(service.root, machine.definitionFile),
        substitutions,
        { type: machine.type ?? 'STANDARD' },
      );
    }
  }
};
