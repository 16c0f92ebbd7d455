import { join } from 'node:path';
import {
  eventRoutesOf,
  type FunctionBindings,
  functionEnvironment,
  type ResolvedFunction,
  resolveInvokedFunction,
  type ServiceDefinition,
} from '@shop/platform/service';
import type { LambdaHost } from '../lambda/lambda.host.ts';
import type { FunctionSpec } from '../lambda/lambda.types.ts';
import type { LocalSecrets } from './local-secrets.ts';

export const specOf = (fn: ResolvedFunction, environment: Record<string, string>): FunctionSpec => ({
  name: fn.name,
  entry: fn.entry,
  handler: fn.handler,
  memoryMb: fn.memoryMb,
  timeoutSeconds: fn.timeoutSeconds,
  ...(fn.reservedConcurrency === undefined ? {} : { reservedConcurrency: fn.reservedConcurrency }),
  environment,
});

/** A seed runs like a function of its service (same environment), invoked once after start-up. */
export const seedFunctionsOf = (services: readonly ServiceDefinition[]): ResolvedFunction[] =>
  services.flatMap((service) =>
    service.seed
      ? [
          {
            id: 'seed',
            name: `${service.name}-seed`,
            service: service.name,
            entry: join(service.root, service.seed.entry),
            handler: service.seed.handler ?? 'seed',
            memoryMb: 512,
            timeoutSeconds: 60,
            environment: {},
            triggers: [],
            invokes: [],
            secrets: [],
            sendsEmail: false,
          },
        ]
      : [],
  );

export interface ServiceFunctionsOptions {
  readonly host: LambdaHost;
  readonly services: readonly ServiceDefinition[];
  /** Bundle path of each function, by name. */
  readonly bundles: Readonly<Record<string, string>>;
  /** What differs from the cloud (the edge endpoint) and what is local-only. */
  readonly baseEnvironment: Readonly<Record<string, string>>;
  readonly tableNameOf: (service: string) => string | undefined;
  readonly bucketOf?: (service: string) => { readonly name: string; readonly publicUrl: string } | undefined;
  readonly queueUrlOf: (fn: ResolvedFunction) => string;
  readonly stateMachineArnsOf: (service: ServiceDefinition) => Record<string, string>;
  readonly auth: FunctionBindings['auth'];
  readonly secrets: LocalSecrets;
  /** The sender of functions that send email: the local SES's verified identity. */
  readonly emailFromAddress: string;
  readonly logLevel: string;
  /** Set on every function after the platform's variables (local tunables). */
  readonly overrides?: Readonly<Record<string, string>>;
}

/**
 * Registers every function with the Lambda host, with the environment the CDK app's
 * `ServiceFunction` construct gives it (`functionEnvironment` of the same bindings). Returns how to
 * register a further function of a service (the seeds) the same way.
 */
export const registerServiceFunctions = (options: ServiceFunctionsOptions) => {
  const { services } = options;
  const bindingsOf = (service: ServiceDefinition): FunctionBindings => {
    const tableName = options.tableNameOf(service.name);
    const bucket = options.bucketOf?.(service.name);
    return {
      ...(tableName ? { tableName } : {}),
      ...(bucket ? { bucket: { name: bucket.name, publicUrl: bucket.publicUrl } } : {}),
      auth: options.auth,
      eventRoutes: eventRoutesOf(service, services, options.queueUrlOf),
      stateMachineArns: options.stateMachineArnsOf(service),
      logLevel: options.logLevel,
      secretValues: options.secrets[service.name] ?? {},
      emailFromAddress: options.emailFromAddress,
      invokedFunctionNames: Object.fromEntries(
        service.functions
          .flatMap((fn) => fn.invokes)
          .map((ref) => [ref, resolveInvokedFunction(services, ref).name]),
      ),
    };
  };
  const register = (service: ServiceDefinition, fn: ResolvedFunction): void => {
    const bundle = options.bundles[fn.name];
    if (!bundle) throw new Error(`no bundle for ${fn.name}`);
    options.host.register(
      specOf(fn, {
        ...options.baseEnvironment,
        ...functionEnvironment(service, fn, bindingsOf(service)),
        ...options.overrides,
      }),
      bundle,
    );
  };
  for (const service of services) for (const fn of service.functions) register(service, fn);
  return { register };
};

/** Runs each seed once; resolves when all have, rejects naming the first service whose seed failed. */
export const runSeeds = async (
  host: LambdaHost,
  services: readonly ServiceDefinition[],
  seeds: readonly ResolvedFunction[],
  register: (service: ServiceDefinition, fn: ResolvedFunction) => void,
): Promise<void> => {
  await Promise.all(
    seeds.map(async (seed) => {
      const service = services.find((candidate) => candidate.name === seed.service);
      if (!service) return;
      register(service, seed);
      const result = await host.invoke(seed.name, {});
      if (!result.ok) {
        throw new Error(
          `seeding ${service.name} failed: ${result.error.errorType}: ${result.error.errorMessage}`,
        );
      }
    }),
  );
};
