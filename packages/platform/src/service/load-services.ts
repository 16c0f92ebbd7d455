import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { httpRoutesOf } from './define-service.ts';
import type { ServiceDefinition } from './service-definition.ts';

interface WorkspaceManifest {
  name?: string;
  exports?: Record<string, unknown>;
}

/**
 * Finds every service of the repository: each `services/<name>/` whose package.json exports
 * `./service` (its `src/service.ts`, whose default export is a `defineService(...)` value). Adding a
 * service is adding its folder; both runtimes pick it up from here.
 */
export const loadServiceDefinitions = async (repoRoot: string): Promise<ServiceDefinition[]> => {
  const servicesDir = join(repoRoot, 'services');
  if (!existsSync(servicesDir)) return [];
  const folders = readdirSync(servicesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(servicesDir, entry.name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .sort();
  const definitions: ServiceDefinition[] = [];
  for (const dir of folders) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as WorkspaceManifest;
    const entry = manifest.exports?.['./service'];
    if (typeof entry !== 'string') continue;
    const module = (await import(pathToFileURL(join(dir, entry)).href)) as { default?: ServiceDefinition };
    if (!module.default?.functions) {
      throw new Error(`${manifest.name ?? dir}: ${entry} must export default defineService({...})`);
    }
    definitions.push(module.default);
  }
  assertNoClashes(definitions);
  return definitions;
};

/**
 * Refuses definitions that would collide once deployed side by side, naming both services: service
 * names (and so their tables and stacks), function names, HTTP routes (`GET /orders/{id}` and
 * `GET /orders/{orderId}` are one route to the gateway), saga task names (one `${Task}FunctionArn`
 * placeholder each) and published event types (one publisher per type).
 *
 * @throws Error `route GET /payments is declared by both payment and reviews`
 */
export const assertNoClashes = (definitions: readonly ServiceDefinition[]): void => {
  const owners = new Map<string, string>();
  const claim = (kind: string, key: string, display: string, service: string) => {
    const owner = owners.get(`${kind} ${key}`);
    if (owner !== undefined) {
      throw new Error(
        owner === service
          ? `${kind} ${display} is declared twice by ${service}`
          : `${kind} ${display} is declared by both ${owner} and ${service}: rename one of them`,
      );
    }
    owners.set(`${kind} ${key}`, service);
  };
  for (const definition of definitions) {
    const service = definition.name;
    claim('service', service, `"${service}" (its table, stack and function names)`, service);
    for (const fn of definition.functions) {
      claim('function', fn.name, fn.name, service);
      for (const route of httpRoutesOf(fn)) {
        const display = `${route.method} ${route.path}`;
        claim('route', `${route.method} ${route.path.replace(/\{[^}]+\}/g, '{}')}`, display, service);
      }
      for (const trigger of fn.triggers) {
        if (trigger.type === 'task') claim('saga task', trigger.name, trigger.name, service);
      }
    }
    for (const type of definition.publishes ?? []) claim('event', type, type, service);
  }
};
