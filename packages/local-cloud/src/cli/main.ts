#!/usr/bin/env node
import { enableCompileCache, flushCompileCache } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

// Node keeps the compiled code of the modules loaded below, checked against each module's source:
// importing the runtime for `npm start` takes about 200 ms instead of 300-450, CPU that the JVM
// starting beside it can use. This process only: the functions' worker threads, like Lambda, compile
// their bundles afresh on every cold start.
enableCompileCache(join(root, '.shop', 'node-compile-cache'));

const usage = `usage:
  npm start [-- --persist]            start the shop (PORT, EDGE_PORT override 3000 and 4566)
      [--visibility-timeout <s>]      subscriber queues' visibility timeout, for DLQ demos
                                      (or SHOP_LOCAL_VISIBILITY_TIMEOUT_SECONDS)
      [--log-format pretty|json]      one compact line per log event (default), or the raw JSON
      [--quiet]                       only warnings and errors
      SHOP_LOCAL_SCHEDULE_SECONDS=<s>  run every schedule this often (the reconcilers; default their rate)
      RECONCILE_AFTER_SECONDS=<s>     orders PENDING longer than this are reconciled (default 120)
      RESERVATION_HOLD_SECONDS=<s>    stock reservations expire after this (default 1200)
  npm run local -- queues             queues of the running shop, with message counts
  npm run local -- dlq <queue>        messages waiting in a dead-letter queue (looking is no receive)
  npm run local -- redrive <queue>    move a dead-letter queue's messages back to their source queue
  npm run local -- executions [status] saga executions, newest first (RUNNING, SUCCEEDED, FAILED, ...)
  npm run local -- history <execution-name-or-arn>   the events of one execution
  npm run local -- fault add|list|clear|kill ...      inject faults into the running shop (fault help)
  npm run local -- trace <orderId|correlationId> [--json | --otlp <file>]
                                      the spans of one order: a tree with offsets, durations, cold starts, retries, errors
  npm run local -- metrics [name] [--json]   the functions' EMF metrics: count, sum, p50, p95
  npm run aws -- <aws CLI arguments>  the aws CLI against the running shop (endpoint, test credentials, region)
  npm run bench [-- --quick]          measure the budgets (packages/benchmarks); writes docs/benchmarks.md`;

// Each command loads only what it needs.
const [command, ...args] = process.argv.slice(2);
try {
  if (command === 'start') {
    // The JVM takes the longest to start: it starts before the rest of the runtime is even loaded.
    const { startDynamoDbLocal } = await import('../dynamodb/dynamodb-local.ts');
    const { dataDirOf, localDataDirs } = await import('../stack/local-data.ts');
    const persist = args.includes('--persist');
    const dataDir = dataDirOf(root, process.env.SHOP_DATA_DIR);
    const dynamoDb = startDynamoDbLocal(persist ? { dataDir: localDataDirs(dataDir).dynamoDb } : {});
    // Awaited by the stack; a failure must not surface as an unhandled rejection meanwhile.
    dynamoDb.catch(() => {});
    const { runStart } = await import('./start.command.ts');
    await runStart(args, root, dynamoDb, dataDir);
    // Node writes the cache when the process exits; a shop stopped by SIGKILL would never have one.
    flushCompileCache();
  } else if (command === 'fault') {
    await (await import('./fault.command.ts')).runFault(args, root);
  } else if (command && ['queues', 'dlq', 'redrive', 'executions', 'history'].includes(command)) {
    await (await import('./inspect.command.ts')).runInspect(command, args, root);
  } else if (command === 'trace') {
    await (await import('./observe.command.ts')).runTrace(args, root);
  } else if (command === 'metrics') {
    await (await import('./observe.command.ts')).runMetrics(args, root);
  } else if (command === 'aws') {
    process.exitCode = await (await import('./aws.command.ts')).runAws(args, root);
  } else {
    console.log(usage);
    process.exitCode = command && command !== 'help' ? 2 : 0;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
