import { afterEach, describe, expect, it } from 'vitest';
import type { InvokeResult, LambdaInvoker } from '../lambda/lambda.types.ts';
import { SqsEngine } from './sqs.engine.ts';
import {
  type SqsEvent,
  type SqsEventSource,
  SqsEventSourceConfigError,
  startSqsEventSource,
} from './sqs-event-source.poller.ts';

// The Lambda host is a separate component; here a recording invoker stands in for it.
class RecordingInvoker implements LambdaInvoker {
  readonly events: SqsEvent[] = [];
  active = 0;
  maxActive = 0;
  readonly #handler: (event: SqsEvent) => Promise<InvokeResult> | InvokeResult;

  constructor(
    handler: (event: SqsEvent) => Promise<InvokeResult> | InvokeResult = () => ({ ok: true, payload: null }),
  ) {
    this.#handler = handler;
  }

  async invoke(_name: string, payload: unknown): Promise<InvokeResult> {
    const event = payload as SqsEvent;
    this.events.push(event);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      return await this.#handler(event);
    } finally {
      this.active--;
    }
  }

  bodies(): string[] {
    return this.events.flatMap((e) => e.Records.map((r) => r.body));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const until = async (condition: () => boolean, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
};

const counts = (engine: SqsEngine, queue: string) => {
  const a = engine.getQueueAttributes(queue, ['All']);
  return {
    visible: Number(a.ApproximateNumberOfMessages),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible),
  };
};

const sources: SqsEventSource[] = [];
const engines: SqsEngine[] = [];

const setup = () => {
  const engine = new SqsEngine();
  engines.push(engine);
  return engine;
};

const start = (options: Parameters<typeof startSqsEventSource>[0]) => {
  const source = startSqsEventSource(options);
  sources.push(source);
  return source;
};

afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.stop()));
  for (const engine of engines.splice(0)) engine.close();
});

describe('startSqsEventSource', () => {
  it('invokes the function with the SQS event shape of Lambda and deletes the batch on success', async () => {
    const engine = setup();
    engine.createQueue('events');
    const invoker = new RecordingInvoker();
    engine.sendMessage('events', {
      MessageBody: '{"type":"order.confirmed"}',
      MessageAttributes: {
        kind: { DataType: 'String', StringValue: 'order' },
        blob: { DataType: 'Binary', BinaryValue: Uint8Array.of(1, 2, 3) },
      },
    });
    start({ engine, queueName: 'events', functionName: 'cart-consumer', invoker });
    await until(() => invoker.events.length === 1);
    await until(() => counts(engine, 'events').inFlight === 0);
    const record = invoker.events[0]?.Records[0];
    expect(record).toMatchObject({
      body: '{"type":"order.confirmed"}',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:events',
      awsRegion: 'us-east-1',
      md5OfBody: expect.stringMatching(/^[0-9a-f]{32}$/),
      md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
      messageAttributes: {
        kind: { stringValue: 'order', stringListValues: [], binaryListValues: [], dataType: 'String' },
        blob: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
    });
    expect(Object.keys(record?.attributes ?? {}).sort()).toEqual([
      'ApproximateFirstReceiveTimestamp',
      'ApproximateReceiveCount',
      'SenderId',
      'SentTimestamp',
    ]);
    expect(counts(engine, 'events')).toEqual({ visible: 0, inFlight: 0 });
  });

  it('deletes only the successful records of a partial batch failure and sends the failing one to the DLQ', async () => {
    const engine = setup();
    const dlq = engine.createQueue('events-dlq');
    engine.createQueue('events', {
      VisibilityTimeout: '1',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
    });
    const invoker = new RecordingInvoker((event) => ({
      ok: true,
      payload: {
        batchItemFailures: event.Records.filter((r) => r.body === 'poison').map((r) => ({
          itemIdentifier: r.messageId,
        })),
      },
    }));
    for (const body of ['good-1', 'poison', 'good-2']) engine.sendMessage('events', { MessageBody: body });
    start({ engine, queueName: 'events', functionName: 'consumer', invoker, batchSize: 10 });
    await until(
      () =>
        engine.getQueueAttributes('events-dlq', ['ApproximateNumberOfMessages'])
          .ApproximateNumberOfMessages === '1',
    );
    const seen = invoker.bodies();
    expect(seen.filter((b) => b === 'poison')).toHaveLength(2);
    expect(seen.filter((b) => b === 'good-1')).toHaveLength(1);
    const [dead] = await engine.receiveMessages('events-dlq', { MessageSystemAttributeNames: ['All'] });
    expect(dead?.Body).toBe('poison');
    expect(counts(engine, 'events')).toEqual({ visible: 0, inFlight: 0 });
  });

  it('deletes nothing when the function fails, so the messages come back', async () => {
    const engine = setup();
    engine.createQueue('events', { VisibilityTimeout: '1' });
    let calls = 0;
    const invoker = new RecordingInvoker(() =>
      ++calls === 1
        ? { ok: false, error: { errorType: 'Error', errorMessage: 'boom' }, timedOut: false }
        : { ok: true, payload: null },
    );
    engine.sendMessage('events', { MessageBody: 'retry me' });
    start({ engine, queueName: 'events', functionName: 'consumer', invoker });
    await until(() => invoker.events.length === 2);
    expect(invoker.events[1]?.Records[0]?.attributes.ApproximateReceiveCount).toBe('2');
    await until(() => counts(engine, 'events').inFlight === 0);
    expect(counts(engine, 'events').visible).toBe(0);
  });

  it('treats an unknown itemIdentifier as a failure of the whole batch', async () => {
    const engine = setup();
    engine.createQueue('events');
    const invoker = new RecordingInvoker(() => ({
      ok: true,
      payload: { batchItemFailures: [{ itemIdentifier: 'nope' }] },
    }));
    engine.sendMessage('events', { MessageBody: 'a' });
    engine.sendMessage('events', { MessageBody: 'b' });
    start({ engine, queueName: 'events', functionName: 'consumer', invoker });
    await until(() => invoker.events.length === 1);
    await sleep(50);
    expect(counts(engine, 'events')).toEqual({ visible: 0, inFlight: 2 });
  });

  it('keeps FIFO groups in order and never runs two batches of one group at once', async () => {
    const engine = setup();
    engine.createQueue('orders.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    const activeGroups = new Set<string>();
    let overlap = false;
    const invoker = new RecordingInvoker(async (event) => {
      const groups = new Set(event.Records.map((r) => r.attributes.MessageGroupId ?? ''));
      for (const g of groups) {
        if (activeGroups.has(g)) overlap = true;
        activeGroups.add(g);
      }
      await sleep(5 + Math.random() * 20);
      for (const g of groups) activeGroups.delete(g);
      return { ok: true, payload: null };
    });
    for (let i = 0; i < 6; i++) {
      for (const group of ['a', 'b', 'c']) {
        engine.sendMessage('orders.fifo', { MessageBody: `${group}${i}`, MessageGroupId: group });
      }
    }
    start({
      engine,
      queueName: 'orders.fifo',
      functionName: 'consumer',
      invoker,
      batchSize: 2,
      maxConcurrency: 3,
    });
    await until(() => invoker.bodies().length === 18);
    expect(overlap).toBe(false);
    expect(invoker.maxActive).toBeGreaterThan(1);
    for (const group of ['a', 'b', 'c']) {
      expect(invoker.bodies().filter((b) => b.startsWith(group))).toEqual(
        Array.from({ length: 6 }, (_, i) => `${group}${i}`),
      );
    }
  });

  it('treats the rest of a FIFO group after a failed record as not processed', async () => {
    const engine = setup();
    engine.createQueue('orders.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    for (const [body, group] of [
      ['a1', 'a'],
      ['a2', 'a'],
      ['b1', 'b'],
    ] as const) {
      engine.sendMessage('orders.fifo', { MessageBody: body, MessageGroupId: group });
    }
    const invoker = new RecordingInvoker((event) => ({
      ok: true,
      payload: {
        batchItemFailures: event.Records.filter((r) => r.body === 'a1').map((r) => ({
          itemIdentifier: r.messageId,
        })),
      },
    }));
    start({ engine, queueName: 'orders.fifo', functionName: 'consumer', invoker, batchSize: 10 });
    await until(() => invoker.events.length === 1);
    await until(() => counts(engine, 'orders.fifo').inFlight === 2);
    expect(invoker.bodies()).toEqual(['a1', 'a2', 'b1']);
  });

  it('never runs more invocations at once than maxConcurrency', async () => {
    const engine = setup();
    engine.createQueue('events');
    const invoker = new RecordingInvoker(async () => {
      await sleep(40);
      return { ok: true, payload: null };
    });
    for (let i = 0; i < 8; i++) engine.sendMessage('events', { MessageBody: `m${i}` });
    start({
      engine,
      queueName: 'events',
      functionName: 'consumer',
      invoker,
      batchSize: 1,
      maxConcurrency: 2,
    });
    await until(() => invoker.events.length === 8);
    expect(invoker.maxActive).toBe(2);
  });

  it('gathers records for the batching window before invoking', async () => {
    const engine = setup();
    engine.createQueue('events');
    const invoker = new RecordingInvoker();
    start({
      engine,
      queueName: 'events',
      functionName: 'consumer',
      invoker,
      batchSize: 20,
      maximumBatchingWindowSeconds: 1,
    });
    const started = performance.now();
    engine.sendMessage('events', { MessageBody: 'first' });
    await sleep(200);
    for (let i = 0; i < 12; i++) engine.sendMessage('events', { MessageBody: `later-${i}` });
    await until(() => invoker.events.length === 1);
    expect(invoker.events[0]?.Records).toHaveLength(13);
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('invokes as soon as the batch is full, before the window ends', async () => {
    const engine = setup();
    engine.createQueue('events');
    const invoker = new RecordingInvoker();
    start({
      engine,
      queueName: 'events',
      functionName: 'consumer',
      invoker,
      batchSize: 3,
      maximumBatchingWindowSeconds: 10,
    });
    const started = performance.now();
    for (let i = 0; i < 3; i++) engine.sendMessage('events', { MessageBody: `m${i}` });
    await until(() => invoker.events.length === 1);
    expect(invoker.events[0]?.Records).toHaveLength(3);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('stop() waits for in-flight invocations and then stops polling', async () => {
    const engine = setup();
    engine.createQueue('events');
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const invoker = new RecordingInvoker(async () => {
      await gate;
      return { ok: true, payload: null };
    });
    engine.sendMessage('events', { MessageBody: 'slow' });
    const source = startSqsEventSource({ engine, queueName: 'events', functionName: 'consumer', invoker });
    await until(() => invoker.events.length === 1);
    let stopped = false;
    const stopping = source.stop().then(() => {
      stopped = true;
    });
    await sleep(50);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(counts(engine, 'events')).toEqual({ visible: 0, inFlight: 0 });
    engine.sendMessage('events', { MessageBody: 'after stop' });
    await sleep(50);
    expect(invoker.events).toHaveLength(1);
    expect(counts(engine, 'events').visible).toBe(1);
  });

  it('refuses configurations AWS refuses', () => {
    const engine = setup();
    engine.createQueue('events');
    engine.createQueue('orders.fifo', { FifoQueue: 'true' });
    const invoker = new RecordingInvoker();
    const base = { engine, functionName: 'f', invoker };
    expect(() => startSqsEventSource({ ...base, queueName: 'events', batchSize: 11 })).toThrow(
      SqsEventSourceConfigError,
    );
    expect(() =>
      startSqsEventSource({
        ...base,
        queueName: 'orders.fifo',
        batchSize: 20,
        maximumBatchingWindowSeconds: 1,
      }),
    ).toThrow(SqsEventSourceConfigError);
    expect(() => startSqsEventSource({ ...base, queueName: 'events', maxConcurrency: 1 })).toThrow(
      SqsEventSourceConfigError,
    );
    expect(() => startSqsEventSource({ ...base, queueName: 'missing' })).toThrow(
      'The specified queue does not exist.',
    );
  });
});
