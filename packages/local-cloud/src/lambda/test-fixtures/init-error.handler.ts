import { existsSync } from 'node:fs';

class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

// Read at import time, like an env.ts that fails fast: a missing setting breaks the cold start.
const flagFile = process.env.READY_FLAG_FILE;
if (!flagFile || !existsSync(flagFile))
  throw new ConfigurationError(`READY_FLAG_FILE is not ready: ${flagFile}`);

export const handler = async () => 'initialised';
