import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { SqsEngine } from './sqs.engine.ts';
import { SqsDataDirInUseError } from './sqs.journal.ts';

const dirs: string[] = [];
const engines: SqsEngine[] = [];
const children: ChildProcess[] = [];

const dataDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'shop-sqs-journal-'));
  dirs.push(dir);
  return dir;
};

const open = (options: ConstructorParameters<typeof SqsEngine>[0]): SqsEngine => {
  const engine = new SqsEngine(options);
  engines.push(engine);
  return engine;
};

const clock = () => {
  let now = Date.UTC(2026, 0, 1);
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const engine of engines.splice(0)) engine.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('SqsEngine with a data dir', () => {
  it('restores queues, their attributes, tags and policy, and every message as it stood', async () => {
    const dir = dataDir();
    const time = clock();
    const before = open({ dataDir: dir, now: time.now });
    const dlq = before.createQueue('work-dlq');
    before.createQueue(
      'work',
      {
        VisibilityTimeout: '30',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
      },
      { team: 'orders' },
    );
    before.addPermission('work', { label: 'peer', accountIds: ['111111111111'], actions: ['SendMessage'] });
    const attributes = {
      kind: { DataType: 'String', StringValue: 'order' },
      blob: { DataType: 'Binary', BinaryValue: Uint8Array.of(0, 1, 254, 255) },
    };
    const inFlight = before.sendMessage('work', {
      MessageBody: 'in flight',
      MessageAttributes: attributes,
      MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-abc' } },
    });
    const [received] = await before.receiveMessages('work', { MessageAttributeNames: ['All'] });
    const delayed = before.sendMessage('work', { MessageBody: 'later', DelaySeconds: 60 });
    before.createQueue('poison-dlq');
    before.createQueue('poison', {
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: before.queueArn('poison-dlq'),
        maxReceiveCount: 1,
      }),
    });
    before.sendMessage('poison', { MessageBody: 'bad' });
    await before.receiveMessages('poison', { VisibilityTimeout: 0 });
    expect(await before.receiveMessages('poison')).toEqual([]);
    before.createQueue('jobs.fifo', { FifoQueue: 'true' });
    const fifo = before.sendMessage('jobs.fifo', {
      MessageBody: 'job',
      MessageGroupId: 'g',
      MessageDeduplicationId: 'job-1',
    });
    before.inRegion('eu-west-1').createQueue('far');
    before.inRegion('eu-west-1').sendMessage('far', { MessageBody: 'far away' });
    const attributesBefore = before.getQueueAttributes('work');
    before.close();

    const after = open({ dataDir: dir, now: time.now });
    expect(after.listQueues()).toEqual(['jobs.fifo', 'poison', 'poison-dlq', 'work', 'work-dlq']);
    expect(after.getQueueAttributes('work')).toEqual(attributesBefore);
    expect(after.listQueueTags('work')).toEqual({ team: 'orders' });
    expect(after.inRegion('eu-west-1').listQueues()).toEqual(['far']);
    expect((await after.inRegion('eu-west-1').receiveMessages('far'))[0]?.Body).toBe('far away');

    // Still in flight until the visibility timeout of its receive ends, then back with its history.
    expect(await after.receiveMessages('work', { MaxNumberOfMessages: 10 })).toEqual([]);
    time.advance(30_000);
    const [again] = await after.receiveMessages('work', {
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
    });
    expect(again).toMatchObject({
      MessageId: inFlight.MessageId,
      Body: 'in flight',
      MD5OfBody: received?.MD5OfBody,
      MD5OfMessageAttributes: received?.MD5OfMessageAttributes,
      MessageAttributes: attributes,
      Attributes: { ApproximateReceiveCount: '2', AWSTraceHeader: 'Root=1-abc' },
    });
    time.advance(30_000);
    const ready = await after.receiveMessages('work', { MaxNumberOfMessages: 10, VisibilityTimeout: 0 });
    expect(ready.map((m) => m.MessageId).sort()).toEqual([inFlight.MessageId, delayed.MessageId].sort());

    const [dead] = after.peekMessages('poison-dlq');
    expect(dead).toMatchObject({
      Body: 'bad',
      State: 'VISIBLE',
      Attributes: { ApproximateReceiveCount: '1', DeadLetterQueueSourceArn: after.queueArn('poison') },
    });
    expect(after.listDeadLetterSourceQueues('poison-dlq')).toEqual(['poison']);

    // De-duplication ids and FIFO sequence numbers carry on.
    const duplicate = after.sendMessage('jobs.fifo', {
      MessageBody: 'job',
      MessageGroupId: 'g',
      MessageDeduplicationId: 'job-1',
    });
    expect(duplicate.MessageId).toBe(fifo.MessageId);
    const next = after.sendMessage('jobs.fifo', {
      MessageBody: 'next',
      MessageGroupId: 'g',
      MessageDeduplicationId: 'job-2',
    });
    expect(BigInt(next.SequenceNumber ?? '0')).toBeGreaterThan(BigInt(fifo.SequenceNumber ?? '0'));

    // A receipt handle issued before the restart still deletes.
    after.deleteMessage('work', received?.ReceiptHandle ?? '');
    expect(after.peekMessages('work').map((m) => m.MessageId)).toEqual([delayed.MessageId]);
  });

  it('keeps nothing without a data dir', async () => {
    const engine = open({});
    engine.createQueue('ephemeral');
    engine.sendMessage('ephemeral', { MessageBody: 'gone with the process' });
    engine.close();
    expect(open({}).listQueues()).toEqual([]);
  });

  it('refuses a data dir that an open engine holds, and takes it once that one is closed', () => {
    const dir = dataDir();
    const first = open({ dataDir: dir });
    expect(() => new SqsEngine({ dataDir: dir })).toThrowError(SqsDataDirInUseError);
    first.close();
    expect(open({ dataDir: dir }).listQueues()).toEqual([]);
  });

  it('refuses a snapshot it cannot read, rewriting nothing and leaving the dir free', () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'snapshot.json'), 'not json');
    for (let i = 0; i < 2; i++) expect(() => new SqsEngine({ dataDir: dir })).toThrowError(SyntaxError);
    expect(readFileSync(join(dir, 'snapshot.json'), 'utf8')).toBe('not json');
  });

  it('ignores a journal line torn by a crash mid-write', () => {
    const dir = dataDir();
    const first = open({ dataDir: dir });
    first.createQueue('kept');
    first.close();
    appendFileSync(join(dir, 'journal.ndjson'), '{"op":"queue","queue":{"region":"us-');
    expect(open({ dataDir: dir }).listQueues()).toEqual(['kept']);
  });
});

/** Starts an edge over an engine with this data dir in another process; resolves with its URL. */
const startEdgeProcess = (dir: string): Promise<{ child: ChildProcess; url: string }> =>
  new Promise((resolve, reject) => {
    const fixture = new URL('./test-fixtures/persistent-sqs-edge.ts', import.meta.url).pathname;
    const child = spawn(process.execPath, [fixture, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const url = /READY (\S+)/.exec(output)?.[1];
      if (url) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`the edge process exited (${code}) before it was ready`)));
  });

const killed = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

describe('an SQS edge process killed with SIGKILL', () => {
  it('loses no message SendMessage acknowledged, doubles none, and keeps receives and deletes', async () => {
    const dir = dataDir();
    const { child, url } = await startEdgeProcess(dir);
    const sqs = new SQSClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    try {
      const { QueueUrl } = await sqs.send(
        new CreateQueueCommand({ QueueName: 'crash', Attributes: { VisibilityTimeout: '2' } }),
      );
      const send = (body: string) =>
        sqs.send(
          new SendMessageCommand({
            QueueUrl,
            MessageBody: body,
            MessageAttributes: { body: { DataType: 'String', StringValue: body } },
          }),
        );
      const acknowledged = new Map<string, string>();
      for (let i = 0; i < 20; i++)
        acknowledged.set((await send(`settled-${i}`)).MessageId ?? '', `settled-${i}`);
      const { Messages: received = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 6 }),
      );
      const deleted = received.slice(0, 3).map((m) => m.MessageId ?? '');
      for (const message of received.slice(0, 3)) {
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
      }
      const inFlight = received.slice(3).map((m) => m.MessageId ?? '');

      // A burst of sends, the process killed while some of them are still on their way.
      const burst = Array.from({ length: 40 }, (_, i) =>
        send(`burst-${i}`).then(
          (result) => acknowledged.set(result.MessageId ?? '', `burst-${i}`),
          () => undefined,
        ),
      );
      await expect.poll(() => acknowledged.size, { timeout: 10_000, interval: 1 }).toBeGreaterThanOrEqual(30);
      await killed(child);
      await Promise.all(burst);

      const engine = open({ dataDir: dir });
      const kept = engine.peekMessages('crash', 1000);
      const bodies = kept.map((m) => m.Body);
      expect(new Set(bodies).size).toBe(bodies.length);
      const keptIds = new Set(kept.map((m) => m.MessageId));
      for (const [id, body] of acknowledged) {
        if (deleted.includes(id)) expect(keptIds.has(id), `${body} was deleted`).toBe(false);
        else expect(keptIds.has(id), `${body} was acknowledged`).toBe(true);
      }
      for (const message of kept) {
        expect(message.MessageAttributes?.body?.StringValue).toBe(message.Body);
        const wasInFlight = inFlight.includes(message.MessageId);
        expect(message.Attributes.ApproximateReceiveCount).toBe(wasInFlight ? '1' : '0');
      }
      // The messages in flight at the crash come back once their visibility timeout ends.
      const stateOf = (id: string) =>
        engine.peekMessages('crash', 1000).find((m) => m.MessageId === id)?.State;
      await expect
        .poll(() => inFlight.map(stateOf), { timeout: 10_000, interval: 100 })
        .toEqual(inFlight.map(() => 'VISIBLE'));
      const counts = new Map<string, string | undefined>();
      while (counts.size < kept.length) {
        const messages = await engine.receiveMessages('crash', {
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 600,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        });
        expect(messages.length).toBeGreaterThan(0);
        for (const m of messages) counts.set(m.MessageId, m.Attributes?.ApproximateReceiveCount);
      }
      for (const id of inFlight) expect(counts.get(id)).toBe('2');
    } finally {
      sqs.destroy();
      await killed(child);
    }
  });
});
