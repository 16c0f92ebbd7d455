import { randomUUID } from 'node:crypto';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';

/** A Lambda context as the event source mapping passes it to `functionName`. */
export const lambdaContext = (functionName: string): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
  memoryLimitInMB: '512',
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** One first delivery from `queueName` of `body`: a string as it is, anything else as its JSON. */
export const sqsRecord = (queueName: string, body: unknown): SQSRecord => {
  const now = String(Date.now());
  return {
    messageId: randomUUID(),
    receiptHandle: randomUUID(),
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: now,
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: now,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queueName}`,
    awsRegion: 'us-east-1',
  };
};

/**
 * A builder of SQS events from `queueName`, one message per body (a new message id each time), as a
 * consumer's event source mapping delivers them.
 *
 * @example
 * const sqsEvent = sqsEventFor('cart-order-confirmed');
 * await consumer(sqsEvent(envelope, '{"not":"an event"}'), lambdaContext('cart-order-confirmed'));
 */
export const sqsEventFor =
  (queueName: string) =>
  (...bodies: readonly unknown[]): SQSEvent => ({
    Records: bodies.map((body) => sqsRecord(queueName, body)),
  });
