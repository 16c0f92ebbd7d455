import { join } from 'node:path';
import { type ServiceDefinition, stateMachineNameOf, taskSubstitutionsOf } from '@shop/platform/service';
import { functionArn } from '../lambda/lambda.types.ts';
import { SqsApiError, type SqsEngine } from '../sqs/index.ts';
import type { SqsMessageSender, StepFunctionsEmulator } from '../stepfunctions/index.ts';

/**
 * `arn:aws:states:::sqs:sendMessage` over the local SQS: the queue is the last segment of the
 * `QueueUrl` path (`http://<edge>/<account>/<name>`, as the edge hands URLs out), or the queue's name
 * itself, which SQS accepts in place of a URL.
 */
export const sqsMessageSenderOf = (sqs: SqsEngine): SqsMessageSender => ({
  sendMessage(queueUrl, input) {
    let name: string | undefined;
    try {
      name = new URL(queueUrl).pathname.split('/').filter(Boolean).at(-1);
    } catch {
      name = queueUrl;
    }
    if (!name || !sqs.hasQueue(name)) {
      throw new SqsApiError('QueueDoesNotExist', 'The specified queue does not exist.');
    }
    return sqs.sendMessage(name, input);
  },
});

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
 * the local functions, as the CDK app's `SagaStateMachine` construct substitutes them. A machine kept
 * from an earlier run (`--persist`) whose ASL has changed since is updated, as a deploy would update it;
 * executions already started keep the definition they started with.
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
        { type: machine.type ?? 'STANDARD', update: true },
      );
    }
  }
};
