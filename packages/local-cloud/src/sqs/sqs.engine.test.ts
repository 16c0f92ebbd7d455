import { describe, expect, it } from 'vitest';
import { SqsEngine } from './sqs.engine.ts';

const clock = () => {
  let now = Date.UTC(2026, 0, 1);
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

describe('SqsEngine', () => {
  it('drops messages older than MessageRetentionPeriod, even when in flight', async () => {
    const time = clock();
    const engine = new SqsEngine({ now: time.now });
    engine.createQueue('short-lived', { MessageRetentionPeriod: '60' });
    engine.sendMessage('short-lived', { MessageBody: 'old' });
    time.advance(30_000);
    engine.sendMessage('short-lived', { MessageBody: 'young' });
    await engine.receiveMessages('short-lived', { MaxNumberOfMessages: 1 });
    time.advance(30_000);
    const messages = await engine.receiveMessages('short-lived', { MaxNumberOfMessages: 10 });
    expect(messages.map((m) => m.Body)).toEqual(['young']);
    expect(engine.getQueueAttributes('short-lived', ['ApproximateNumberOfMessagesNotVisible'])).toEqual({
      ApproximateNumberOfMessagesNotVisible: '1',
    });
  });

  it('accepts a FIFO duplicate again once the 5-minute de-duplication interval has passed', () => {
    const time = clock();
    const engine = new SqsEngine({ now: time.now });
    engine.createQueue('jobs.fifo', { FifoQueue: 'true' });
    const send = () =>
      engine.sendMessage('jobs.fifo', { MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd' });
    const first = send();
    time.advance(4 * 60_000);
    expect(send().MessageId).toBe(first.MessageId);
    time.advance(60_000);
    expect(send().MessageId).not.toBe(first.MessageId);
    expect(
      engine.getQueueAttributes('jobs.fifo', ['ApproximateNumberOfMessages']).ApproximateNumberOfMessages,
    ).toBe('2');
  });

  it('de-duplicates per message group with DeduplicationScope messageGroup', () => {
    const engine = new SqsEngine();
    engine.createQueue('scoped.fifo', {
      FifoQueue: 'true',
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
    });
    const a = engine.sendMessage('scoped.fifo', {
      MessageBody: 'x',
      MessageGroupId: 'a',
      MessageDeduplicationId: 'd',
    });
    const b = engine.sendMessage('scoped.fifo', {
      MessageBody: 'x',
      MessageGroupId: 'b',
      MessageDeduplicationId: 'd',
    });
    expect(b.MessageId).not.toBe(a.MessageId);
  });

  it('redrives a dead-letter queue back to the queue each message came from', async () => {
    const engine = new SqsEngine();
    const dlq = engine.createQueue('work-dlq');
    engine.createQueue('work', {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }),
    });
    engine.sendMessage('work', { MessageBody: 'job' });
    await engine.receiveMessages('work', { VisibilityTimeout: 0 });
    expect(await engine.receiveMessages('work')).toEqual([]);
    expect(engine.listDeadLetterSourceQueues('work-dlq')).toEqual(['work']);
    expect(engine.redrive('work-dlq')).toBe(1);
    const [message] = await engine.receiveMessages('work', {
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    });
    expect(message?.Body).toBe('job');
    expect(message?.Attributes).toEqual({ ApproximateReceiveCount: '1' });
  });

  it('ends a long poll with no messages when the engine closes', async () => {
    const engine = new SqsEngine();
    engine.createQueue('idle');
    const started = performance.now();
    const polling = engine.receiveMessages('idle', { WaitTimeSeconds: 20 });
    engine.close();
    expect(await polling).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
