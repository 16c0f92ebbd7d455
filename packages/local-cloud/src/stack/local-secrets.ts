import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ServiceDefinition } from '@shop/platform/service';

/** Secret values by service, then by variable name. */
export type LocalSecrets = Record<string, Record<string, string>>;

const readSecrets = async (file: string): Promise<LocalSecrets> => {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LocalSecrets;
  } catch {
    return {};
  }
};

/**
 * A random value for every secret the definitions declare (what Secrets Manager generates in AWS).
 * With a file (`--persist`), values are kept across restarts, so tokens signed with them stay valid.
 */
export const localSecretsOf = async (
  services: readonly ServiceDefinition[],
  file?: string,
): Promise<LocalSecrets> => {
  const secrets = file ? await readSecrets(file) : {};
  let changed = false;
  for (const service of services) {
    const own = secrets[service.name] ?? {};
    secrets[service.name] = own;
    for (const name of new Set(service.functions.flatMap((fn) => fn.secrets))) {
      if (own[name]) continue;
      own[name] = randomBytes(32).toString('base64url');
      changed = true;
    }
  }
  if (file && changed) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
};
