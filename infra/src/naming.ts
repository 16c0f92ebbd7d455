import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { StageConfig } from './stage.config.ts';

/** The alias every API route, event source, saga task and direct invocation targets (canary traffic shifting). */
export const LIVE_ALIAS = 'live';

const LIMITS = { function: 64, queue: 80, stateMachine: 80 } as const;

/**
 * `<stage>-<name>`: the physical name of a function, queue or state machine. Names are explicit (not
 * CDK-generated) so two stages share an account, consoles and logs read like the definitions, and
 * resources can point at each other by name without CloudFormation dependency cycles.
 */
export const physicalName = (stage: StageConfig, kind: keyof typeof LIMITS, name: string): string => {
  const full = `${stage.name}-${name}`;
  if (full.length > LIMITS[kind]) {
    throw new Error(`${kind} name "${full}" is longer than AWS allows (${LIMITS[kind]} characters)`);
  }
  return full;
};

/** The ARN of a state machine by physical name, built without referencing the resource. */
export const stateMachineArnOf = (scope: IConstruct, physical: string): string =>
  Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: physical,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });

/** The ARN of a function's `live` alias by physical function name, built without referencing the resource. */
export const liveAliasArnOf = (scope: IConstruct, physicalFunctionName: string): string =>
  Stack.of(scope).formatArn({
    service: 'lambda',
    resource: 'function',
    resourceName: `${physicalFunctionName}:${LIVE_ALIAS}`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
