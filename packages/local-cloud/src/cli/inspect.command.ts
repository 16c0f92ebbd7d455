import {
  DescribeExecutionCommand,
  type ExecutionStatus,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { LOCAL_REGION } from '../lambda/lambda.types.ts';
import { localQueueMessagesPath } from '../sqs/sqs-local.edge.ts';
import { LOCAL_CREDENTIALS } from '../stack/local-defaults.ts';
import { edgeEndpointOf } from './edge-endpoint.ts';

const table = (rows: readonly (readonly string[])[]): string => {
  const widths = rows.reduce<number[]>(
    (w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)),
    [],
  );
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')).join('\n');
};

const queueUrl = async (sqs: SQSClient, name: string): Promise<string> => {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  if (!QueueUrl) throw new Error(`no queue named ${name}`);
  return QueueUrl;
};

const listQueues = async (sqs: SQSClient): Promise<void> => {
  const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({}));
  const rows: string[][] = [['queue', 'visible', 'in flight', 'delayed']];
  for (const url of QueueUrls) {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
    );
    rows.push([
      url.split('/').pop() ?? url,
      Attributes.ApproximateNumberOfMessages ?? '0',
      Attributes.ApproximateNumberOfMessagesNotVisible ?? '0',
      Attributes.ApproximateNumberOfMessagesDelayed ?? '0',
    ]);
  }
  console.log(table(rows));
};

interface PeekResponse {
  readonly messages: readonly {
    readonly MessageId: string;
    readonly Body: string;
    readonly State: string;
    readonly Attributes: Readonly<Record<string, string>>;
  }[];
}

const showDlq = async (edgeUrl: string, name: string): Promise<void> => {
  // Through the edge's local-only peek: a ReceiveMessage would count as one more receive.
  const response = await fetch(`${edgeUrl}${localQueueMessagesPath(name)}?limit=100`);
  if (response.status === 404) throw new Error(`no queue named ${name}`);
  if (!response.ok) throw new Error(`looking at ${name} failed: ${response.status} ${await response.text()}`);
  const { messages } = (await response.json()) as PeekResponse;
  if (messages.length === 0) console.log(`${name} is empty`);
  for (const message of messages) {
    const state = message.State === 'VISIBLE' ? '' : `, ${message.State.toLowerCase().replace('_', ' ')}`;
    console.log(
      `--- ${message.MessageId} (received ${message.Attributes.ApproximateReceiveCount ?? '?'} times${state})`,
    );
    console.log(message.Body);
  }
};

const redrive = async (sqs: SQSClient, name: string): Promise<void> => {
  const url = await queueUrl(sqs, name);
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  if (!Attributes.QueueArn) throw new Error(`${name} has no ARN`);
  const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: Attributes.QueueArn }));
  console.log(`moving the messages of ${name} back to their source queue (task ${TaskHandle ?? '?'})`);
};

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

const listExecutions = async (sfn: SFNClient, status: string | undefined): Promise<void> => {
  if (status && !STATUSES.includes(status)) throw new Error(`status must be one of ${STATUSES.join(', ')}`);
  const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
  const rows: string[][] = [['state machine', 'execution', 'status', 'started', 'stopped']];
  for (const machine of stateMachines) {
    const { executions = [] } = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: machine.stateMachineArn,
        ...(status ? { statusFilter: status as ExecutionStatus } : {}),
      }),
    );
    for (const e of executions) {
      rows.push([
        machine.name ?? '',
        e.name ?? '',
        e.status ?? '',
        e.startDate?.toISOString() ?? '',
        e.stopDate?.toISOString() ?? '',
      ]);
    }
  }
  console.log(rows.length === 1 ? 'no executions' : table(rows));
};

const findExecutionArn = async (sfn: SFNClient, nameOrArn: string): Promise<string> => {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
  for (const machine of stateMachines) {
    const { executions = [] } = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn }),
    );
    const found = executions.find((e) => e.name === nameOrArn);
    if (found?.executionArn) return found.executionArn;
  }
  throw new Error(`no execution named ${nameOrArn}`);
};

const showHistory = async (sfn: SFNClient, nameOrArn: string): Promise<void> => {
  const executionArn = await findExecutionArn(sfn, nameOrArn);
  const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  console.log(`${execution.name}: ${execution.status}${execution.error ? ` (${execution.error})` : ''}`);
  const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  const rows = events.map((event) => {
    const details = Object.entries(event).find(([key]) => key.endsWith('EventDetails'))?.[1] as
      | { name?: string; error?: string; resource?: string }
      | undefined;
    return [
      String(event.id ?? ''),
      event.timestamp?.toISOString().slice(11, 23) ?? '',
      event.type ?? '',
      details?.name ?? details?.resource?.split(':').pop() ?? '',
      details?.error ?? '',
    ];
  });
  console.log(table([['id', 'time', 'event', 'state / function', 'error'], ...rows]));
};

/**
 * `npm run local -- <command>`: plain AWS SDK calls against the running edge (what they do works
 * against AWS too), found as {@link edgeEndpointOf} says.
 */
export const runInspect = async (command: string, args: readonly string[], root: string): Promise<void> => {
  const edge = edgeEndpointOf(root);
  const clientConfig = { endpoint: edge.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const sqs = new SQSClient(clientConfig);
  const sfn = new SFNClient(clientConfig);
  try {
    const [first] = args;
    if (command === 'queues') await listQueues(sqs);
    else if (command === 'dlq' && first) await showDlq(edge.url, first);
    else if (command === 'redrive' && first) await redrive(sqs, first);
    else if (command === 'executions') await listExecutions(sfn, first);
    else if (command === 'history' && first) await showHistory(sfn, first);
    else throw new Error(`${command} needs an argument; see npm run local -- help`);
  } catch (error) {
    if (error instanceof Error && /ECONNREFUSED/.test(`${error.message}${String(error.cause ?? '')}`)) {
      throw new Error(
        `nothing answers at ${edge.url} (from ${edge.source}): is the shop running (npm start)?`,
      );
    }
    throw error;
  } finally {
    sqs.destroy();
    sfn.destroy();
  }
};
