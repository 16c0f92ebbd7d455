#!/usr/bin/env node
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInspect } from './inspect.command.ts';
import { runStart } from './start.command.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

const usage = `usage:
  npm start [-- --persist]            start the shop (PORT, EDGE_PORT override 3000 and 4566)
  npm run local -- queues             queues of the running shop, with message counts
  npm run local -- dlq <queue>        messages waiting in a dead-letter queue
  npm run local -- redrive <queue>    move a dead-letter queue's messages back to their source queue
  npm run local -- executions [status] saga executions, newest first (RUNNING, SUCCEEDED, FAILED, ...)
  npm run local -- history <execution-name-or-arn>   the events of one execution`;

const [command, ...args] = process.argv.slice(2);
try {
  if (command === 'start') await runStart(args, root);
  else if (command && ['queues', 'dlq', 'redrive', 'executions', 'history'].includes(command)) {
    await runInspect(command, args);
  } else {
    console.log(usage);
    process.exitCode = command && command !== 'help' ? 2 : 0;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
