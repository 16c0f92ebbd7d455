import { relative } from 'node:path';
import type { DynamoDbLocal } from '../dynamodb/dynamodb-local.ts';
import { portFromEnv, SHOP_PORTS } from '../preflight/preflight.checks.mjs';
import { type LocalStack, startLocalStack } from '../stack/local-stack.ts';
import { removeShopState, shopStatePath, writeShopState } from './shop-state.file.mjs';

/** `PORT` and `EDGE_PORT`, read once (the preflight has told the user about a bad value already). */
const portsFromEnv = (): { port: number; edgePort: number } => {
  const ports = { port: 0, edgePort: 0 };
  for (const { key, variable, fallback } of SHOP_PORTS) {
    const parsed = portFromEnv(process.env[variable], fallback, variable);
    if ('problem' in parsed) throw new Error(parsed.problem);
    ports[key] = parsed.port;
  }
  return ports;
};

const positiveInteger = (value: string, name: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new Error(`${name} must be a positive integer, got "${value}"`);
  return parsed;
};

/**
 * `--visibility-timeout <s>` (or `=<s>`), else `SHOP_LOCAL_VISIBILITY_TIMEOUT_SECONDS`: a visibility
 * timeout for every subscriber queue, local only (a poison message reaches its DLQ in seconds).
 */
const visibilityTimeoutFrom = (args: readonly string[]): number | undefined => {
  const index = args.findIndex(
    (arg) => arg === '--visibility-timeout' || arg.startsWith('--visibility-timeout='),
  );
  const flag = args[index];
  const raw =
    flag === undefined
      ? process.env.SHOP_LOCAL_VISIBILITY_TIMEOUT_SECONDS
      : flag.includes('=')
        ? flag.slice(flag.indexOf('=') + 1)
        : args[index + 1];
  if (raw === undefined || raw === '') return undefined;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 43_200) {
    throw new Error(`the visibility timeout must be a whole number of seconds from 0 to 43200, got "${raw}"`);
  }
  return seconds;
};

const banner = (stack: LocalStack, token: string, statePath: string): string => {
  const api = stack.gatewayUrl.replace('127.0.0.1', 'localhost');
  const edge = stack.edgeUrl.replace('127.0.0.1', 'localhost');
  const services = stack.services.map((s) => s.name).join(', ') || 'none yet';
  return [
    '',
    '  Shop is running locally',
    '',
    `  API         ${api}`,
    `  API docs    ${api}/docs   (OpenAPI: ${api}/openapi.json)`,
    `  AWS edge    ${edge}   (npm run aws -- <command>, or export AWS_ENDPOINT_URL=${edge})`,
    `  services    ${services}`,
    `  state       ${statePath}   (how \`npm run local\` and \`npm run aws\` find this Shop)`,
    `  functions   ${stack.host.functions().length}, state machines ${stack.stepFunctions.listStateMachines().stateMachines.length}, tables ${stack.tables.length}, buckets ${stack.buckets.length}`,
    '',
    '  Try it (this token for "alice", a customer, is valid for an hour; POST /dev/token mints more):',
    `    curl -s ${api}/products`,
    `    curl -s ${api}/cart -H "Authorization: Bearer ${token}"`,
    '    npm run aws -- dynamodb list-tables',
    '',
  ].join('\n');
};

/** `npm start`: the whole shop on this machine until Ctrl-C. */
export const runStart = async (
  args: readonly string[],
  root: string,
  dynamoDb?: Promise<DynamoDbLocal>,
  dataDir?: string,
): Promise<void> => {
  const persist = args.includes('--persist');
  const concurrency = process.env.SHOP_LOCAL_CONCURRENCY;
  const visibilityTimeoutSeconds = visibilityTimeoutFrom(args);
  const stack = await startLocalStack({
    root,
    ...portsFromEnv(),
    persist,
    ...(dataDir ? { dataDir } : {}),
    ...(concurrency
      ? { concurrencyPerFunction: positiveInteger(concurrency, 'SHOP_LOCAL_CONCURRENCY') }
      : {}),
    ...(visibilityTimeoutSeconds !== undefined ? { visibilityTimeoutSeconds } : {}),
    ...(dynamoDb ? { dynamoDb } : {}),
  });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping Shop...\n');
    removeShopState(root, process.pid);
    await stack.stop();
    process.exit(code);
  };
  // Whatever ends this process (an exit handler runs on process.exit and on a crash too).
  process.on('exit', () => removeShopState(root, process.pid));
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  process.on('uncaughtException', (error) => {
    console.error('[local-cloud] fatal', error);
    void stop(1);
  });
  process.on('unhandledRejection', (error) => {
    console.error('[local-cloud] fatal', error);
    void stop(1);
  });
  // A second terminal (`npm run local`, `npm run aws`) finds this Shop through it, with no exports.
  writeShopState(root, {
    pid: process.pid,
    port: Number(new URL(stack.gatewayUrl).port),
    edgePort: Number(new URL(stack.edgeUrl).port),
    apiUrl: stack.gatewayUrl.replace('127.0.0.1', 'localhost'),
    edgeUrl: stack.edgeUrl.replace('127.0.0.1', 'localhost'),
    startedAt: new Date().toISOString(),
    persist,
  });
  const { token } = await stack.devIssuer.mint({ sub: 'alice', roles: ['customer'] });
  process.stdout.write(
    `${banner(stack, token, relative(process.cwd(), shopStatePath(root)) || shopStatePath(root))}\n`,
  );
  const notes = [
    ...(persist ? [`data kept in ${relative(process.cwd(), dataDir ?? '.data') || '.data'}/`] : []),
    ...(visibilityTimeoutSeconds !== undefined
      ? [`subscriber queues' visibility timeout ${visibilityTimeoutSeconds} s`]
      : []),
  ];
  process.stdout.write(`ready in ${stack.startupMs} ms${notes.length > 0 ? ` (${notes.join('; ')})` : ''}\n`);
};
