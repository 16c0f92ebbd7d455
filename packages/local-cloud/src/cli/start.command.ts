import { relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDbLocal } from '../dynamodb/dynamodb-local.ts';
import { portFromEnv, SHOP_PORTS } from '../preflight/preflight.checks.mjs';
import { type LocalStack, startLocalStack } from '../stack/local-stack.ts';
import { createLogPrinter, logOptionsFrom } from './log-printer.ts';
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

/**
 * Local-only settings for demos and crash drills, read from the environment: how often every schedule
 * runs, and the services' tunables passed to their functions as they are.
 */
export const LOCAL_TUNABLES = ['RECONCILE_AFTER_SECONDS', 'RESERVATION_HOLD_SECONDS'] as const;

const scheduleSettingsFrom = (env: NodeJS.ProcessEnv) => {
  const every = env.SHOP_LOCAL_SCHEDULE_SECONDS;
  const functionEnvironment = Object.fromEntries(
    LOCAL_TUNABLES.flatMap((name) => {
      const value = env[name];
      if (value === undefined || value === '') return [];
      if (!/^\d+$/.test(value)) throw new Error(`${name} must be a whole number of seconds, got "${value}"`);
      return [[name, value]];
    }),
  );
  return {
    ...(every ? { scheduleEverySeconds: positiveInteger(every, 'SHOP_LOCAL_SCHEDULE_SECONDS') } : {}),
    ...(Object.keys(functionEnvironment).length > 0 ? { functionEnvironment } : {}),
  };
};
/**
 * The banner waits until the shop has settled (see {@link settle}), at most {@link SETTLE_MAX_MS}, and
 * nothing was logged for {@link QUIET_FOR_MS}: a function's last lines can come just after its answer.
 */
const QUIET_FOR_MS = 100;
const SETTLE_MAX_MS = 15_000;
const SETTLE_CHECK_MS = 10;

/** No function running or waiting, no message waiting in (or in flight from) a non-DLQ queue. */
const idle = (stack: LocalStack): boolean =>
  stack.host.functions().every((fn) => fn.busyEnvironments === 0 && fn.queued === 0) &&
  stack.sqs
    .listQueues()
    .filter((name) => !name.endsWith('-dlq'))
    .every((name) => {
      const attributes = stack.sqs.getQueueAttributes(name, [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
      ]);
      return (
        attributes.ApproximateNumberOfMessages === '0' &&
        attributes.ApproximateNumberOfMessagesNotVisible === '0'
      );
    });

const invocationsOf = (stack: LocalStack): number =>
  stack.host.functions().reduce((sum, fn) => sum + fn.invocations, 0);

/**
 * Resolves once the shop is {@link idle}, has stayed so with no invocation started since (a short one
 * could begin and end between two looks), and every table stream has been read to its end since it
 * became idle: what the functions wrote before has then been delivered, and nothing more is coming.
 * The streams are asked to read at once instead of after their pause (up to 250 ms when idle).
 */
const settle = async (stack: LocalStack, lastLineAt: () => number): Promise<void> => {
  const deadline = performance.now() + SETTLE_MAX_MS;
  let idleSince: number | undefined;
  let invocations = -1;
  while (performance.now() < deadline) {
    const now = performance.now();
    const started = invocationsOf(stack);
    if (!idle(stack) || started !== invocations) {
      idleSince = undefined;
      invocations = started;
    } else if (idleSince === undefined) {
      idleSince = now;
      stack.streamSources.pollNow();
    } else if (stack.streamSources.caughtUpSince(idleSince) && now - lastLineAt() >= QUIET_FOR_MS) {
      return;
    }
    await sleep(SETTLE_CHECK_MS);
  }
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
    `  mailbox     ${api}/dev/mailbox?to=alice@example.com   (what the local SES sent; also in the console)`,
    `  state       ${statePath}   (how \`npm run local\` and \`npm run aws\` find this Shop)`,
    `  functions   ${stack.host.functions().length}, state machines ${stack.stepFunctions.listStateMachines().stateMachines.length}, tables ${stack.tables.length}, buckets ${stack.buckets.length}`,
    '',
    '  Try it (this token for "alice", a customer with the email alice@example.com, is valid for an hour; POST /dev/token mints more):',
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
  const schedules = scheduleSettingsFrom(process.env);
  const logOptions = logOptionsFrom(args);
  const write = (text: string) => void process.stdout.write(text);
  const printLine = createLogPrinter({ ...logOptions, color: process.stdout.isTTY === true, write });
  let lastLineAt = performance.now();
  const startedAt = performance.now();
  if (!logOptions.quiet) write('starting Shop...\n');
  const stack = await startLocalStack({
    log: (line) => {
      lastLineAt = performance.now();
      printLine(line);
    },
    onPhase: (name, ms) => {
      lastLineAt = performance.now();
      if (!logOptions.quiet) {
        write(
          `  ${name.padEnd(44)} ${String(ms).padStart(5)} ms   (${Math.round(performance.now() - startedAt)} ms)\n`,
        );
      }
    },
    root,
    ...portsFromEnv(),
    persist,
    ...(dataDir ? { dataDir } : {}),
    ...(concurrency
      ? { concurrencyPerFunction: positiveInteger(concurrency, 'SHOP_LOCAL_CONCURRENCY') }
      : {}),
    ...(visibilityTimeoutSeconds !== undefined ? { visibilityTimeoutSeconds } : {}),
    ...schedules,
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
  const { token } = await stack.devIssuer.mint({
    sub: 'alice',
    roles: ['customer'],
    claims: { email: 'alice@example.com' },
  });
  // What the seeds set off (outbox relays, replicas refreshed) logs for a moment after ready: the
  // banner waits for that to settle, so it stays the last thing on the screen.
  await settle(stack, () => lastLineAt);
  process.stdout.write(
    `${banner(stack, token, relative(process.cwd(), shopStatePath(root)) || shopStatePath(root))}\n`,
  );
  const notes = [
    ...(persist ? [`data kept in ${relative(process.cwd(), dataDir ?? '.data') || '.data'}/`] : []),
    ...(visibilityTimeoutSeconds !== undefined
      ? [`subscriber queues' visibility timeout ${visibilityTimeoutSeconds} s`]
      : []),
    ...(schedules.scheduleEverySeconds ? [`schedules every ${schedules.scheduleEverySeconds} s`] : []),
    ...Object.entries(schedules.functionEnvironment ?? {}).map(([name, value]) => `${name}=${value}`),
  ];
  process.stdout.write(`ready in ${stack.startupMs} ms${notes.length > 0 ? ` (${notes.join('; ')})` : ''}\n`);
};
