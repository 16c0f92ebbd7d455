import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import {
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import {
  GetQueueAttributesCommand,
  ListQueuesCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Hono } from 'hono';
import { CONSOLE_HEADER } from '../gateway/gateway.server.ts';
import { LOCAL_REGION } from '../lambda/lambda.types.ts';
import { localQueueMessagesPath } from '../sqs/sqs-local.edge.ts';
import { LOCAL_API_PREFIX, LOCAL_CREDENTIALS } from '../stack/local-defaults.ts';
import type { LogHub } from '../stack/log-hub.ts';

export interface ConsoleApiOptions {
  /** The AWS edge: everything the console shows comes through the APIs it serves. */
  readonly edgeUrl: string;
  /** The public API, for what only the services know (orders, payments), called as an admin. */
  readonly gatewayUrl: () => string;
  readonly adminToken: () => Promise<string>;
  readonly logs: LogHub;
}

interface PeekedMessage {
  readonly MessageId: string;
  readonly Body: string;
  readonly State: string;
  readonly Attributes: Readonly<Record<string, string>>;
  readonly MessageAttributes?: Readonly<Record<string, { readonly StringValue?: string }>>;
}

const ORDER_STATUSES = ['PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLING', 'CANCELLED'] as const;

interface OrderSummary {
  readonly id: string;
  readonly status: string;
  readonly statusReason?: string;
  readonly customerId: string;
  readonly totals: { readonly total: { readonly amount: number; readonly currency: string } };
  readonly createdAt: string;
  readonly updatedAt: string;
}

const attribute = (attributes: Record<string, string> | undefined, name: string): number =>
  Number(attributes?.[name] ?? 0);

/**
 * The console's JSON API under `/console/api`: each answer is assembled from the AWS APIs the edge
 * serves (Step Functions, SQS, Lambda, DynamoDB) through the real SDK clients, so what the console
 * shows is what the SDK sees; orders and payments come from the public API, as an admin.
 */
export const createConsoleApi = (options: ConsoleApiOptions) => {
  const config = { endpoint: options.edgeUrl, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const sfn = new SFNClient(config);
  const sqs = new SQSClient(config);
  const lambda = new LambdaClient(config);
  const dynamodb = new DynamoDBClient(config);
  const documents = DynamoDBDocumentClient.from(dynamodb);

  const publicApi = async (path: string): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${options.gatewayUrl()}${path}`, {
      headers: { authorization: `Bearer ${await options.adminToken()}`, [CONSOLE_HEADER]: '1' },
    });
    return { status: response.status, body: await response.json() };
  };

  const local = async (path: string, init?: RequestInit): Promise<Response> =>
    fetch(`${options.edgeUrl}${LOCAL_API_PREFIX}${path}`, init);

  /** Messages of a queue as they are, through the edge's local peek: a receive would count against them. */
  const peek = async (name: string, limit = 10): Promise<PeekedMessage[]> => {
    const path = `${localQueueMessagesPath(name).slice(LOCAL_API_PREFIX.length)}?limit=${limit}`;
    const response = await local(path);
    return response.ok ? ((await response.json()) as { messages: PeekedMessage[] }).messages : [];
  };

  const machineArns = async (): Promise<Map<string, string>> => {
    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
    return new Map(stateMachines.map((m) => [m.name ?? '', m.stateMachineArn ?? '']));
  };

  const history = async (executionArn: string): Promise<HistoryEvent[]> => {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }),
      );
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  };

  /** The executions named after the order (its checkout, and its cancellation if any). */
  const executionsOf = async (orderId: string) => {
    const found = [];
    for (const [machine, arn] of await machineArns()) {
      const executionArn = `${arn.replace(':stateMachine:', ':execution:')}:${orderId}`;
      const description = await sfn
        .send(new DescribeExecutionCommand({ executionArn }))
        .catch(() => undefined);
      if (!description) continue;
      const [{ definition }, events] = await Promise.all([
        sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn })),
        history(executionArn),
      ]);
      found.push({
        machine,
        executionArn,
        status: description.status,
        startDate: description.startDate,
        stopDate: description.stopDate,
        definition: definition ? (JSON.parse(definition) as unknown) : undefined,
        events,
      });
    }
    return found;
  };

  const app = new Hono();

  app.get('/orders', async (c) => {
    const limit = Math.min(Number(c.req.query('limit') ?? 50) || 50, 200);
    const pages = await Promise.all(
      ORDER_STATUSES.map((status) => publicApi(`/admin/orders?status=${status}&limit=${limit}`)),
    );
    const orders = pages
      .flatMap((page) => (page.status === 200 ? ((page.body as { items: OrderSummary[] }).items ?? []) : []))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
      .slice(0, limit)
      .map((order) => ({
        id: order.id,
        status: order.status,
        ...(order.statusReason ? { statusReason: order.statusReason } : {}),
        customerId: order.customerId,
        total: order.totals.total,
        createdAt: order.createdAt,
        updatedAt: order.updatedAt,
      }));
    return c.json({ items: orders });
  });

  app.get('/orders/:orderId', async (c) => {
    const orderId = c.req.param('orderId');
    const order = await publicApi(`/orders/${encodeURIComponent(orderId)}`);
    if (order.status !== 200) return c.json(order.body, order.status === 404 ? 404 : 502);
    const [payments, executions, trace] = await Promise.all([
      publicApi(`/payments?orderId=${encodeURIComponent(orderId)}`),
      executionsOf(orderId),
      local(`/traces/${encodeURIComponent(orderId)}`).then(async (r) =>
        r.ok ? ((await r.json()) as { spans: unknown[] }).spans : [],
      ),
    ]);
    return c.json({
      order: order.body,
      payments: payments.status === 200 ? (payments.body as { items: unknown[] }).items : [],
      executions,
      trace,
      logs: options.logs.query({ orderId, limit: 500 }),
    });
  });

  app.get('/queues', async (c) => {
    const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({}));
    const queues = await Promise.all(
      QueueUrls.map(async (url) => {
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
        );
        const redrive = Attributes?.RedrivePolicy
          ? (JSON.parse(Attributes.RedrivePolicy) as {
              deadLetterTargetArn?: string;
              maxReceiveCount?: number;
            })
          : undefined;
        return {
          name: url.split('/').pop() ?? url,
          url,
          arn: Attributes?.QueueArn ?? '',
          visible: attribute(Attributes, 'ApproximateNumberOfMessages'),
          inFlight: attribute(Attributes, 'ApproximateNumberOfMessagesNotVisible'),
          delayed: attribute(Attributes, 'ApproximateNumberOfMessagesDelayed'),
          visibilityTimeoutSeconds: attribute(Attributes, 'VisibilityTimeout'),
          ...(redrive?.deadLetterTargetArn
            ? {
                deadLetterQueue: redrive.deadLetterTargetArn.split(':').pop(),
                maxReceiveCount: redrive.maxReceiveCount,
              }
            : {}),
        };
      }),
    );
    const byName = new Map(queues.map((queue) => [queue.name, queue]));
    const oldestAge = async (name: string): Promise<number | undefined> => {
      const sent = (await peek(name, 100)).map((m) => Number(m.Attributes.SentTimestamp ?? Date.now()));
      return sent.length > 0 ? Math.round((Date.now() - Math.min(...sent)) / 1000) : undefined;
    };
    const items = await Promise.all(
      queues.map(async (queue) => {
        const dlq = queue.deadLetterQueue ? byName.get(queue.deadLetterQueue) : undefined;
        return {
          ...queue,
          ...(dlq
            ? {
                dlq: {
                  name: dlq.name,
                  depth: dlq.visible + dlq.inFlight,
                  ...(dlq.visible + dlq.inFlight > 0
                    ? { oldestMessageAgeSeconds: await oldestAge(dlq.name) }
                    : {}),
                },
              }
            : {}),
        };
      }),
    );
    return c.json({ items });
  });

  app.get('/queues/:name/messages', async (c) => {
    const response = await local(localQueueMessagesPath(c.req.param('name')).slice(LOCAL_API_PREFIX.length));
    if (response.status === 404) return c.json({ title: 'no such queue' }, 404);
    const { messages } = (await response.json()) as { messages: PeekedMessage[] };
    return c.json({
      items: messages.map((m) => ({
        messageId: m.MessageId,
        body: m.Body,
        state: m.State,
        attributes: m.Attributes,
        messageAttributes: Object.fromEntries(
          Object.entries(m.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue ?? '']),
        ),
      })),
    });
  });

  app.post('/queues/:name/redrive', async (c) => {
    const name = c.req.param('name');
    const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }));
    const url = QueueUrls.find((candidate) => candidate.endsWith(`/${name}`));
    if (!url) return c.json({ title: 'no such queue' }, 404);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    const task = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: Attributes?.QueueArn }));
    return c.json({ taskHandle: task.TaskHandle }, 202);
  });

  app.get('/functions', async (c) => {
    const [{ Functions = [] }, stats] = await Promise.all([
      lambda.send(new ListFunctionsCommand({})),
      local('/functions').then((r) => r.json() as Promise<{ items: { name: string }[] }>),
    ]);
    const byName = new Map(stats.items.map((item) => [item.name, item]));
    return c.json({
      items: Functions.map((fn) => ({
        name: fn.FunctionName,
        memoryMb: fn.MemorySize,
        timeoutSeconds: fn.Timeout,
        runtime: fn.Runtime,
        ...byName.get(fn.FunctionName ?? ''),
      })).sort((a, b) => String(a.name).localeCompare(String(b.name))),
    });
  });

  app.get('/metrics', async (c) => {
    const response = await local('/metrics');
    return c.json(response.ok ? ((await response.json()) as { items: unknown[] }) : { items: [] });
  });

  app.get('/tables', async (c) => {
    const { TableNames = [] } = await dynamodb.send(new ListTablesCommand({}));
    const items = await Promise.all(
      TableNames.map(async (name) => {
        const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
        return {
          name,
          itemCount: Table?.ItemCount ?? 0,
          sizeBytes: Table?.TableSizeBytes ?? 0,
          keys: (Table?.KeySchema ?? []).map((k) => k.AttributeName),
          indexes: (Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName),
          stream: Table?.StreamSpecification?.StreamViewType,
        };
      }),
    );
    return c.json({ items });
  });

  app.get('/tables/:name/items', async (c) => {
    const cursor = c.req.query('cursor');
    // The console may Scan: it is a person looking at a local table, never a request path.
    const page = await documents.send(
      new ScanCommand({
        TableName: c.req.param('name'),
        Limit: 25,
        ...(cursor
          ? { ExclusiveStartKey: JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) }
          : {}),
      }),
    );
    return c.json({
      items: page.Items ?? [],
      ...(page.LastEvaluatedKey
        ? { nextCursor: Buffer.from(JSON.stringify(page.LastEvaluatedKey)).toString('base64url') }
        : {}),
    });
  });

  const proxyFaults = async (path: string, init: RequestInit) => {
    const response = await local(path, init);
    const text = await response.text();
    return new Response(text || null, {
      status: response.status,
      headers: { 'content-type': response.headers.get('content-type') ?? 'application/json' },
    });
  };
  app.get('/faults', () => proxyFaults('/faults', {}));
  app.post('/faults', async (c) =>
    proxyFaults('/faults', {
      method: 'POST',
      body: await c.req.text(),
      headers: { 'content-type': 'application/json' },
    }),
  );
  app.delete('/faults', () => proxyFaults('/faults', { method: 'DELETE' }));
  app.delete('/faults/:id', (c) =>
    proxyFaults(`/faults/${encodeURIComponent(c.req.param('id'))}`, { method: 'DELETE' }),
  );

  // What the edge's SES sent, from the public API's `GET /dev/mailbox`.
  app.get('/mailbox', async (c) => {
    const to = c.req.query('to');
    const { status, body } = await publicApi(`/dev/mailbox${to ? `?to=${encodeURIComponent(to)}` : ''}`);
    return c.json(body as object, status as 200 | 400);
  });

  app.get('/logs', (c) => {
    const after = Number(c.req.query('after') ?? 0);
    const orderId = c.req.query('orderId') || undefined;
    const correlationId = c.req.query('correlationId') || undefined;
    const items = options.logs.query({
      after: Number.isFinite(after) ? after : 0,
      limit: 300,
      ...(orderId ? { orderId } : {}),
      ...(correlationId ? { correlationId } : {}),
    });
    return c.json({ items, lastSeq: options.logs.lastSeq });
  });

  return {
    app,
    close: () => {
      sfn.destroy();
      sqs.destroy();
      lambda.destroy();
      dynamodb.destroy();
    },
  };
};
