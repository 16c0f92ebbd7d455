import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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
  const names = new Set<string>();
  for (const definition of definitions) {
    if (names.has(definition.name)) throw new Error(`two services are named "${definition.name}"`);
    names.add(definition.name);
  }
  return definitions;
};
