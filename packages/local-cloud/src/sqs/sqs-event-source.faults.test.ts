import { afterEach, describe, expect, it } from 'vitest';
import { FaultRegistry } from '../faults/fault.registry.ts';
import { FaultSpec } from '../faults/fault.types.ts';
import { TooManyRequestsError } from '../lambda/lambda.errors.ts';
import type { InvokeResult, LambdaInvoker } from '../lambda/lambda.types.ts';
import { SqsEngine } from './sqs.engine.ts';
import { type SqsEvent, type SqsEventSource, startSqsEventSource } from './sqs-event-source.poller.ts';

/** Records every delivery by message id; the handler decides each invocation's outcome. */
class CountingInvoker implements LambdaInvoker {
  readonly deliveries = new Map<string, number>();
  invocations = 0;
  readonly #outcome: () => InvokeResult;

  constructor(outcome: () => InvokeResult = () => ({ ok: true, payload: null })) {
    this.#outcome = outcome;
  }

  async invoke(_name: string, payload: unknown): Promise<InvokeResult> {
    this.invocations += 1;
    const result = this.#outcome();
    for (const record of (payload as SqsEvent).Records) {
      this.deliveries.set(record.messageId, (this.deliveries.get(record.messageId) ?? 0) + 1);
    }
    return result;
  }
}

const engines: SqsEngine[] = [];
const sources: SqsEventSource[] = [];

afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.stop()));
  for (const engine of engines.splice(0)) engine.close();
});

const setup = (fault?: FaultSpec) => {
  const engine = new SqsEngine();
  engines.push(engine);
  engine.createQueue('orders', { VisibilityTimeout: '30' });
  const faults = new FaultRegistry();
  if (fault) faults.add(fault);
  return { engine, faults };
};

const visibleAndInFlight = (engine: SqsEngine) => {
  const attributes = engine.getQueueAttributes('orders', ['All']);
  return (
    Number(attributes.ApproximateNumberOfMessages) + Number(attributes.ApproximateNumberOfMessagesNotVisible)
  );
};

const send = (engine: SqsEngine, count: number): string[] =>
  Array.from({ length: count }, (_, i) => engine.sendMessage('orders', { MessageBody: `m-${i}` }).MessageId);

describe('the SQS event source under delivery faults', () => {
  it('delivers every message a second time under a duplicate fault, and still deletes each once', async () => {
    const { engine, faults } = setup(FaultSpec.parse({ kind: 'queue-duplicate', queue: 'orders' }));
    const ids = send(engine, 3);
    const invoker = new CountingInvoker();
    sources.push(
      startSqsEventSource({ engine, queueName: 'orders', functionName: 'consumer', invoker, faults }),
    );
    await expect.poll(() => [...invoker.deliveries.values()]).toEqual([2, 2, 2]);
    expect([...invoker.deliveries.keys()].sort()).toEqual([...ids].sort());
    await expect.poll(() => visibleAndInFlight(engine)).toBe(0);
  });

  it('hands a handled message out once more under a redeliver fault, then lets it be deleted', async () => {
    const { engine, faults } = setup(FaultSpec.parse({ kind: 'queue-redeliver', queue: 'orders' }));
    const [id] = send(engine, 1);
    const invoker = new CountingInvoker();
    sources.push(
      startSqsEventSource({ engine, queueName: 'orders', functionName: 'consumer', invoker, faults }),
    );
    await expect.poll(() => (id ? invoker.deliveries.get(id) : undefined)).toBe(2);
    await expect.poll(() => visibleAndInFlight(engine)).toBe(0);
    expect(invoker.invocations).toBe(2);
  });

  it('backs off and retries a batch whose function is throttled, rather than dropping it', async () => {
    const { engine } = setup();
    send(engine, 1);
    let throttles = 2;
    const invoker: LambdaInvoker = {
      invoke: async () => {
        if (throttles-- > 0)
          throw new TooManyRequestsError('ReservedFunctionConcurrentInvocationLimitExceeded');
        return { ok: true, payload: null };
      },
    };
    sources.push(startSqsEventSource({ engine, queueName: 'orders', functionName: 'consumer', invoker }));
    await expect.poll(() => visibleAndInFlight(engine)).toBe(0);
    expect(throttles).toBe(-1);
    expect(engine.getQueueAttributes('orders', ['All']).ApproximateNumberOfMessages).toBe('0');
  });
});
