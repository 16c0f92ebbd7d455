import type { EdgeHandler, EdgeRequest, EdgeResponse } from '../edge/edge.types.ts';
import { problemResponse } from '../gateway/gateway.problem.ts';
import type { SqsEngine } from './sqs.engine.ts';
import { SqsApiError } from './sqs.errors.ts';
import type { PeekedMessage } from './sqs.types.ts';

/** Where the edge serves what is local only (no SQS API has it); every SQS API path stays AWS's. */
export const LOCAL_SQS_PATH = '/_local/sqs';

const MESSAGES = /^\/_local\/sqs\/queues\/([^/]+)\/messages\/?$/;

/** The path of a queue's peek: `/_local/sqs/queues/<name>/messages`. */
export const localQueueMessagesPath = (queueName: string): string =>
  `${LOCAL_SQS_PATH}/queues/${encodeURIComponent(queueName)}/messages`;

/** A peeked message as JSON: binary attribute values in base64, as the SQS JSON protocol carries them. */
const encodePeeked = (message: PeekedMessage) => ({
  ...message,
  ...(message.MessageAttributes
    ? {
        MessageAttributes: Object.fromEntries(
          Object.entries(message.MessageAttributes).map(([name, value]) => [
            name,
            {
              DataType: value.DataType,
              ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
              ...(value.BinaryValue !== undefined
                ? { BinaryValue: Buffer.from(value.BinaryValue).toString('base64') }
                : {}),
            },
          ]),
        ),
      }
    : {}),
});

const json = (body: unknown): EdgeResponse => ({
  status: 200,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

const messagesOf = (engine: SqsEngine, request: EdgeRequest, encodedName: string): EdgeResponse => {
  let name: string;
  try {
    name = decodeURIComponent(encodedName);
  } catch {
    return problemResponse(400, 'local-sqs/bad-queue-name', 'Bad queue name', 'The queue name is not valid.');
  }
  const region = request.url.searchParams.get('region') ?? engine.region;
  const regional = engine.inRegion(region);
  const limitParam = request.url.searchParams.get('limit');
  const limit = limitParam === null ? 10 : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    return problemResponse(
      400,
      'local-sqs/bad-limit',
      'Bad limit',
      'limit must be an integer from 1 to 1000.',
    );
  }
  if (!regional.hasQueue(name)) {
    return problemResponse(
      404,
      'local-sqs/queue-not-found',
      'Queue not found',
      `No queue ${name} in ${region}.`,
    );
  }
  try {
    return json({
      queue: name,
      region,
      queueArn: regional.queueArn(name),
      messages: regional.peekMessages(name, limit).map(encodePeeked),
    });
  } catch (error) {
    if (error instanceof SqsApiError)
      return problemResponse(400, 'local-sqs/bad-request', 'Bad request', error.message);
    throw error;
  }
};

/**
 * Local-only looks at the SQS engine, for the CLI (and a browser console): `GET
 * /_local/sqs/queues/<name>/messages[?limit=&region=]` lists a queue's messages with their state and
 * receive count without receiving them, so looking at a dead-letter queue does not count as a receive
 * (ReceiveMessage, even with a zero visibility timeout, does).
 */
export const createLocalSqsEdgeHandler = (engine: SqsEngine): EdgeHandler => ({
  name: 'sqs-local',
  canHandle: (request) =>
    request.url.pathname === LOCAL_SQS_PATH || request.url.pathname.startsWith(`${LOCAL_SQS_PATH}/`),
  handle: async (request) => {
    const match = MESSAGES.exec(request.url.pathname);
    if (!match?.[1]) {
      return problemResponse(
        404,
        'local-sqs/not-found',
        'Not found',
        `Nothing is served at ${request.url.pathname}; try ${LOCAL_SQS_PATH}/queues/<name>/messages.`,
      );
    }
    if (request.method !== 'GET') {
      return problemResponse(
        405,
        'local-sqs/method-not-allowed',
        'Method not allowed',
        'Only GET is served here.',
        {
          allow: 'GET',
        },
      );
    }
    return messagesOf(engine, request, match[1]);
  },
});
