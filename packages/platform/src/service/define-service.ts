import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RouteConfig } from '@hono/zod-openapi';
import type {
  FunctionDefinition,
  GatewayAuth,
  HttpMethod,
  HttpRoute,
  ResolvedFunction,
  ServiceDefinition,
  ServiceDefinitionInput,
} from './service-definition.ts';
import { scheduleSecondsOf } from './wiring.ts';

export const DEFAULT_MEMORY_MB = 512;
export const DEFAULT_TIMEOUT_SECONDS = 10;

const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

const kebab = (id: string): string => id.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `catalog` + `reserveStock` -> `catalog-reserve-stock`, the function's name in both runtimes. */
export const functionName = (service: string, id: string): string => `${service}-${kebab(id)}`;

const resolveFunction = (
  service: string,
  root: string,
  id: string,
  fn: FunctionDefinition,
): ResolvedFunction => {
  if (isAbsolute(fn.entry)) throw new Error(`${service}.${id}: entry must be relative to the service folder`);
  if (fn.triggers.length === 0) throw new Error(`${service}.${id}: a function needs at least one trigger`);
  for (const secret of fn.secrets ?? []) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(secret))
      throw new Error(`${service}.${id}: secret "${secret}" must be UPPER_SNAKE_CASE`);
    if (fn.environment && secret in fn.environment) {
      throw new Error(`${service}.${id}: ${secret} is a secret; it cannot have a value in the definition`);
    }
  }
  const reserved = fn.reservedConcurrency;
  if (reserved !== undefined && (!Number.isInteger(reserved) || reserved < 1)) {
    throw new Error(`${service}.${id}: reservedConcurrency must be a positive integer, got ${reserved}`);
  }
  for (const trigger of fn.triggers) {
    if (trigger.type === 'schedule') {
      try {
        scheduleSecondsOf(trigger.rate);
      } catch (error) {
        throw new Error(`${service}.${id}: ${(error as Error).message}`);
      }
    }
  }
  for (const ref of fn.invokes ?? []) {
    if (!/^[a-z][a-z0-9-]*\.[a-z][A-Za-z0-9]*$/.test(ref)) {
      throw new Error(`${service}.${id}: invokes "${ref}" must be "<service>.<functionId>"`);
    }
  }
  return {
    id,
    name: functionName(service, id),
    service,
    entry: join(root, fn.entry),
    handler: fn.handler ?? 'handler',
    memoryMb: fn.memoryMb ?? DEFAULT_MEMORY_MB,
    timeoutSeconds: fn.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    ...(reserved === undefined ? {} : { reservedConcurrency: reserved }),
    environment: fn.environment ?? {},
    triggers: fn.triggers,
    invokes: fn.invokes ?? [],
    secrets: fn.secrets ?? [],
    sendsEmail: fn.sendsEmail ?? false,
  };
};

/**
 * Declares a service as data: its table, functions and their triggers, the events it publishes and
 * the state machines it owns. The local runtime and the CDK app both build from this one value.
 *
 * @example
 * export default defineService({
 *   name: 'catalog',
 *   root: new URL('..', import.meta.url),
 *   table: { partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } },
 *   functions: { http: { entry: 'src/handlers/http.ts', triggers: [{ type: 'http', routes }] } },
 * });
 */
export const defineService = (input: ServiceDefinitionInput): ServiceDefinition => {
  if (!KEBAB.test(input.name)) throw new Error(`service name "${input.name}" must be kebab-case`);
  const root = typeof input.root === 'string' ? input.root : fileURLToPath(input.root);
  const functions = Object.entries(input.functions).map(([id, fn]) =>
    resolveFunction(input.name, root, id, fn),
  );
  const tasks = new Set<string>();
  for (const fn of functions) {
    for (const trigger of fn.triggers) {
      if (trigger.type === 'stream' && !input.table?.stream) {
        throw new Error(`${fn.name}: a stream trigger needs table.stream`);
      }
      if (trigger.type === 's3' && !input.bucket) {
        throw new Error(`${fn.name}: an s3 trigger needs a bucket`);
      }
      if (trigger.type === 'task') {
        if (tasks.has(trigger.name)) throw new Error(`${input.name}: task ${trigger.name} is declared twice`);
        tasks.add(trigger.name);
      }
    }
  }
  return { ...input, root: root.replace(/\/$/, ''), functions };
};

/** OpenAPI `{param}` paths are API Gateway's syntax already; only the method needs upper-casing. */
const gatewayAuthOf = (route: RouteConfig): GatewayAuth => {
  const security = route.security ?? [];
  // The gateway can only insist on a JWT when every alternative needs one (a guest cart token is not a JWT).
  return security.length > 0 && security.every((alt) => 'bearerAuth' in alt) ? 'jwt' : 'none';
};

/** The routes of a function as the HTTP API gateway sees them. */
export const httpRoutesOf = (fn: Pick<ResolvedFunction, 'triggers'>): HttpRoute[] =>
  fn.triggers.flatMap((trigger) =>
    trigger.type === 'http'
      ? trigger.routes.map((route) => ({
          method: route.method.toUpperCase() as HttpMethod,
          path: route.path,
          auth: gatewayAuthOf(route),
        }))
      : [],
  );
