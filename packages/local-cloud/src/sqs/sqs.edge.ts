import { randomUUID } from 'node:crypto';
import type { EdgeHandler, EdgeRequest, EdgeResponse } from '../edge/edge.types.ts';
import { traceHeaderOf } from '../traces/trace-header.ts';
import type { SqsEngine } from './sqs.engine.ts';
import { invalidParameter, missingParameter, queueDoesNotExist, SqsApiError } from './sqs.errors.ts';
import type {
  MessageAttributes,
  MessageAttributeValue,
  ReceivedMessage,
  SendMessageInput,
} from './sqs.types.ts';

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AmazonSQS.';

type JsonObject = Record<string, unknown>;

interface ActionContext {
  readonly input: JsonObject;
  readonly request: EdgeRequest;
  /** The engine of the region the request was signed for. */
  readonly engine: SqsEngine;
  /** `http://<host of the request>`: queue URLs point back at whichever address the caller used. */
  readonly baseUrl: string;
  readonly senderId: string | undefined;
}

type Action = (context: ActionContext) => Promise<JsonObject> | JsonObject;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const stringParam = (input: JsonObject, name: string): string | undefined => {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(name, value, `${name} must be a string.`);
  return value;
};

const requiredString = (input: JsonObject, name: string): string => {
  const value = stringParam(input, name);
  if (value === undefined) throw missingParameter(name);
  return value;
};

const numberParam = (input: JsonObject, name: string): number | undefined => {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw invalidParameter(name, value, `${name} must be a number.`);
  return n;
};

const stringList = (input: JsonObject, name: string): string[] | undefined => {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw invalidParameter(name, value, `${name} must be a list of strings.`);
  }
  return value;
};

const stringMap = (input: JsonObject, name: string): Record<string, string> => {
  const value = input[name];
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw invalidParameter(name, value, `${name} must be a map.`);
  const result: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) result[key] = typeof v === 'string' ? v : String(v);
  return result;
};

const objectList = (input: JsonObject, name: string): JsonObject[] | undefined => {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every(isObject))
    throw invalidParameter(name, value, `${name} must be a list.`);
  return value;
};

const decodeAttributes = (value: unknown, parameter: string): MessageAttributes | undefined => {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidParameter(parameter, value, `${parameter} must be a map.`);
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, raw] of Object.entries(value)) {
    if (!isObject(raw)) throw invalidParameter(parameter, name, 'Each attribute must be an object.');
    const dataType = raw.DataType;
    attributes[name] = {
      DataType: typeof dataType === 'string' ? dataType : '',
      ...(typeof raw.StringValue === 'string' ? { StringValue: raw.StringValue } : {}),
      ...(typeof raw.BinaryValue === 'string' ? { BinaryValue: Buffer.from(raw.BinaryValue, 'base64') } : {}),
      ...(Array.isArray(raw.StringListValues) ? { StringListValues: raw.StringListValues.map(String) } : {}),
      ...(Array.isArray(raw.BinaryListValues)
        ? { BinaryListValues: raw.BinaryListValues.map((v) => Buffer.from(String(v), 'base64')) }
        : {}),
    };
  }
  return attributes;
};

const encodeAttributes = (attributes: MessageAttributes): JsonObject =>
  Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      {
        DataType: value.DataType,
        ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
        ...(value.BinaryValue !== undefined
          ? { BinaryValue: Buffer.from(value.BinaryValue).toString('base64') }
          : {}),
      },
    ]),
  );

/**
 * The sender's X-Ray trace header: SQS keeps the `X-Amzn-Trace-Id` of a traced SendMessage as the
 * message's `AWSTraceHeader` unless the sender set that system attribute itself.
 */
const withTraceHeader = (
  systemAttributes: SendMessageInput['MessageSystemAttributes'],
  traceHeader: string | undefined,
): SendMessageInput['MessageSystemAttributes'] =>
  traceHeader === undefined || systemAttributes?.AWSTraceHeader !== undefined
    ? systemAttributes
    : { ...systemAttributes, AWSTraceHeader: { DataType: 'String', StringValue: traceHeader } };

const sendInput = (
  input: JsonObject,
  senderId: string | undefined,
  traceHeader?: string,
): SendMessageInput => {
  const body = input.MessageBody;
  if (body !== undefined && body !== null && typeof body !== 'string') {
    throw invalidParameter('MessageBody', body, 'MessageBody must be a string.');
  }
  const delaySeconds = numberParam(input, 'DelaySeconds');
  const groupId = stringParam(input, 'MessageGroupId');
  const deduplicationId = stringParam(input, 'MessageDeduplicationId');
  const attributes = decodeAttributes(input.MessageAttributes, 'MessageAttributes');
  const systemAttributes = withTraceHeader(
    decodeAttributes(input.MessageSystemAttributes, 'MessageSystemAttributes'),
    traceHeader,
  );
  return {
    MessageBody: body ?? '',
    ...(delaySeconds !== undefined ? { DelaySeconds: delaySeconds } : {}),
    ...(groupId !== undefined ? { MessageGroupId: groupId } : {}),
    ...(deduplicationId !== undefined ? { MessageDeduplicationId: deduplicationId } : {}),
    ...(attributes ? { MessageAttributes: attributes } : {}),
    ...(systemAttributes ? { MessageSystemAttributes: systemAttributes } : {}),
    ...(senderId !== undefined ? { SenderId: senderId } : {}),
  };
};

const encodeMessage = (message: ReceivedMessage): JsonObject => ({
  MessageId: message.MessageId,
  ReceiptHandle: message.ReceiptHandle,
  MD5OfBody: message.MD5OfBody,
  Body: message.Body,
  ...(message.Attributes ? { Attributes: message.Attributes } : {}),
  ...(message.MD5OfMessageAttributes ? { MD5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
  ...(message.MessageAttributes ? { MessageAttributes: encodeAttributes(message.MessageAttributes) } : {}),
});

const encodeToken = (after: string): string =>
  Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64');

const decodeToken = (token: string | undefined): string | undefined => {
  if (token === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (isObject(parsed) && typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through to the error below
  }
  throw invalidParameter('NextToken', token, 'Invalid NextToken value.');
};

/** One page of names after the token's position; `NextToken` only when a `MaxResults` page is full. */
const paginate = (names: string[], input: JsonObject): { page: string[]; nextToken?: string } => {
  const maxResults = numberParam(input, 'MaxResults');
  if (maxResults !== undefined && (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000)) {
    throw invalidParameter('MaxResults', maxResults, 'MaxResults must be an integer between 1 and 1000.');
  }
  const after = decodeToken(stringParam(input, 'NextToken'));
  const rest = after === undefined ? names : names.filter((name) => name > after);
  const page = rest.slice(0, maxResults ?? 1000);
  const last = page.at(-1);
  return maxResults !== undefined && rest.length > page.length && last !== undefined
    ? { page, nextToken: encodeToken(last) }
    : { page };
};

/**
 * The credential scope of the SigV4 `Authorization` header (`Credential=<key>/<date>/<region>/sqs/...`):
 * the access key is the closest local stand-in for AWS's SenderId, and the region picks the queues,
 * as each AWS region has an endpoint of its own.
 */
const credentialScopeOf = (request: EdgeRequest): { accessKeyId?: string; region?: string } => {
  const authorization = request.headers.authorization;
  const match =
    typeof authorization === 'string'
      ? /Credential=([^/,\s]+)\/\d{8}\/([a-z0-9-]{1,32})\//.exec(authorization)
      : null;
  return match ? { accessKeyId: match[1], region: match[2] } : {};
};

/** `<name>`, `/<account>/<name>` or `<scheme>://<host>/<account>/<name>` -> the queue name, if well formed. */
const queueNameIn = (raw: string, accountId: string): string | undefined => {
  if (/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(raw)) return raw;
  let path: string;
  try {
    path = raw.startsWith('/') ? raw : new URL(raw).pathname;
  } catch {
    return undefined;
  }
  const segments = path.split('/').filter((segment) => segment !== '');
  const [account, name] = segments;
  if (segments.length !== 2 || account !== accountId || name === undefined) return undefined;
  try {
    return decodeURIComponent(name);
  } catch {
    return undefined;
  }
};

const jsonResponse = (
  status: number,
  body: JsonObject,
  extraHeaders: Record<string, string> = {},
): EdgeResponse => ({
  status,
  headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-requestid': randomUUID(), ...extraHeaders },
  body: JSON.stringify(body),
});

export const errorResponse = (error: SqsApiError): EdgeResponse => {
  const shape = error.shape;
  return jsonResponse(
    shape.status,
    { __type: shape.type, message: error.message },
    { 'x-amzn-query-error': `${shape.queryCode};${shape.fault}` },
  );
};

/**
 * The SQS API on the AWS edge, in the AWS JSON 1.0 protocol (`X-Amz-Target: AmazonSQS.<Action>`)
 * that current SDKs and CLIs speak. Queue URLs are `http://<request host>/<account>/<name>`.
 */
export const createSqsEdgeHandler = (engine: SqsEngine): EdgeHandler => {
  const queueUrl = (baseUrl: string, name: string): string => `${baseUrl}/${engine.accountId}/${name}`;

  /**
   * The queue named by `QueueUrl` (any host; `/<account>/<name>` counts), by the request path, or by
   * a bare queue name where a URL is expected (AWS accepts one). Anything else, malformed or unknown,
   * is `QueueDoesNotExist`, as AWS answers it (400 `AWS.SimpleQueueService.NonExistentQueue`).
   */
  const queueOf = ({ input, request, engine: regional }: ActionContext): string => {
    const given = stringParam(input, 'QueueUrl');
    const raw = given ?? (request.url.pathname.length > 1 ? request.url.pathname : undefined);
    if (raw === undefined || raw === '') throw missingParameter('QueueUrl');
    const name = queueNameIn(raw, regional.accountId);
    if (name === undefined || !regional.hasQueue(name)) throw queueDoesNotExist();
    return name;
  };

  const entries = (input: JsonObject): JsonObject[] => objectList(input, 'Entries') ?? [];

  const actions: Readonly<Record<string, Action>> = {
    CreateQueue: (ctx) => {
      const name = requiredString(ctx.input, 'QueueName');
      ctx.engine.createQueue(name, stringMap(ctx.input, 'Attributes'), stringMap(ctx.input, 'tags'));
      return { QueueUrl: queueUrl(ctx.baseUrl, name) };
    },
    GetQueueUrl: (ctx) => {
      const name = requiredString(ctx.input, 'QueueName');
      const owner = stringParam(ctx.input, 'QueueOwnerAWSAccountId');
      if ((owner !== undefined && owner !== ctx.engine.accountId) || !ctx.engine.hasQueue(name))
        throw queueDoesNotExist();
      return { QueueUrl: queueUrl(ctx.baseUrl, name) };
    },
    ListQueues: (ctx) => {
      const { page, nextToken } = paginate(
        ctx.engine.listQueues(stringParam(ctx.input, 'QueueNamePrefix') ?? ''),
        ctx.input,
      );
      return {
        ...(page.length > 0 ? { QueueUrls: page.map((name) => queueUrl(ctx.baseUrl, name)) } : {}),
        ...(nextToken ? { NextToken: nextToken } : {}),
      };
    },
    DeleteQueue: (ctx) => {
      ctx.engine.deleteQueue(queueOf(ctx));
      return {};
    },
    PurgeQueue: (ctx) => {
      ctx.engine.purgeQueue(queueOf(ctx));
      return {};
    },
    GetQueueAttributes: (ctx) => {
      const name = queueOf(ctx);
      const names = stringList(ctx.input, 'AttributeNames') ?? [];
      if (names.length === 0) return {};
      return { Attributes: ctx.engine.getQueueAttributes(name, names) };
    },
    SetQueueAttributes: (ctx) => {
      const name = queueOf(ctx);
      if (ctx.input.Attributes === undefined) throw missingParameter('Attributes');
      ctx.engine.setQueueAttributes(name, stringMap(ctx.input, 'Attributes'));
      return {};
    },
    TagQueue: (ctx) => {
      ctx.engine.tagQueue(queueOf(ctx), stringMap(ctx.input, 'Tags'));
      return {};
    },
    UntagQueue: (ctx) => {
      ctx.engine.untagQueue(queueOf(ctx), stringList(ctx.input, 'TagKeys') ?? []);
      return {};
    },
    ListQueueTags: (ctx) => {
      const tags = ctx.engine.listQueueTags(queueOf(ctx));
      return Object.keys(tags).length > 0 ? { Tags: tags } : {};
    },
    AddPermission: (ctx) => {
      ctx.engine.addPermission(queueOf(ctx), {
        label: requiredString(ctx.input, 'Label'),
        accountIds: stringList(ctx.input, 'AWSAccountIds') ?? [],
        actions: stringList(ctx.input, 'Actions') ?? [],
      });
      return {};
    },
    RemovePermission: (ctx) => {
      ctx.engine.removePermission(queueOf(ctx), requiredString(ctx.input, 'Label'));
      return {};
    },
    SendMessage: (ctx) =>
      ctx.engine.sendMessage(
        queueOf(ctx),
        sendInput(ctx.input, ctx.senderId, traceHeaderOf(ctx.request)),
      ) as unknown as JsonObject,
    SendMessageBatch: (ctx) => {
      const name = queueOf(ctx);
      return ctx.engine.sendMessageBatch(
        name,
        entries(ctx.input).map((entry) => ({
          Id: String(entry.Id ?? ''),
          ...sendInput(entry, ctx.senderId, traceHeaderOf(ctx.request)),
        })),
      ) as unknown as JsonObject;
    },
    ReceiveMessage: async (ctx) => {
      const name = queueOf(ctx);
      const maxNumberOfMessages = numberParam(ctx.input, 'MaxNumberOfMessages');
      const visibilityTimeout = numberParam(ctx.input, 'VisibilityTimeout');
      const waitTimeSeconds = numberParam(ctx.input, 'WaitTimeSeconds');
      const systemNames = [
        ...(stringList(ctx.input, 'AttributeNames') ?? []),
        ...(stringList(ctx.input, 'MessageSystemAttributeNames') ?? []),
      ];
      const messages = await ctx.engine.receiveMessages(name, {
        ...(maxNumberOfMessages !== undefined ? { MaxNumberOfMessages: maxNumberOfMessages } : {}),
        ...(visibilityTimeout !== undefined ? { VisibilityTimeout: visibilityTimeout } : {}),
        ...(waitTimeSeconds !== undefined ? { WaitTimeSeconds: waitTimeSeconds } : {}),
        MessageSystemAttributeNames: systemNames,
        MessageAttributeNames: stringList(ctx.input, 'MessageAttributeNames') ?? [],
      });
      return messages.length > 0 ? { Messages: messages.map(encodeMessage) } : {};
    },
    DeleteMessage: (ctx) => {
      ctx.engine.deleteMessage(queueOf(ctx), requiredString(ctx.input, 'ReceiptHandle'));
      return {};
    },
    DeleteMessageBatch: (ctx) => {
      const name = queueOf(ctx);
      return ctx.engine.deleteMessageBatch(
        name,
        entries(ctx.input).map((entry) => ({
          Id: String(entry.Id ?? ''),
          ReceiptHandle: typeof entry.ReceiptHandle === 'string' ? entry.ReceiptHandle : '',
        })),
      ) as unknown as JsonObject;
    },
    ChangeMessageVisibility: (ctx) => {
      const timeout = numberParam(ctx.input, 'VisibilityTimeout');
      const name = queueOf(ctx);
      const handle = requiredString(ctx.input, 'ReceiptHandle');
      if (timeout === undefined) throw missingParameter('VisibilityTimeout');
      ctx.engine.changeMessageVisibility(name, handle, timeout);
      return {};
    },
    ChangeMessageVisibilityBatch: (ctx) => {
      const name = queueOf(ctx);
      return ctx.engine.changeMessageVisibilityBatch(
        name,
        entries(ctx.input).map((entry) => {
          const timeout = numberParam(entry, 'VisibilityTimeout');
          return {
            Id: String(entry.Id ?? ''),
            ReceiptHandle: typeof entry.ReceiptHandle === 'string' ? entry.ReceiptHandle : '',
            ...(timeout !== undefined ? { VisibilityTimeout: timeout } : {}),
          };
        }),
      ) as unknown as JsonObject;
    },
    ListDeadLetterSourceQueues: (ctx) => {
      const { page, nextToken } = paginate(ctx.engine.listDeadLetterSourceQueues(queueOf(ctx)), ctx.input);
      return {
        queueUrls: page.map((name) => queueUrl(ctx.baseUrl, name)),
        ...(nextToken ? { NextToken: nextToken } : {}),
      };
    },
    StartMessageMoveTask: (ctx) => {
      const destination = stringParam(ctx.input, 'DestinationArn');
      const rate = numberParam(ctx.input, 'MaxNumberOfMessagesPerSecond');
      return {
        TaskHandle: ctx.engine.startMessageMoveTask(
          requiredString(ctx.input, 'SourceArn'),
          destination,
          rate,
        ),
      };
    },
    ListMessageMoveTasks: (ctx) => {
      const maxResults = numberParam(ctx.input, 'MaxResults') ?? 1;
      if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 10) {
        throw invalidParameter('MaxResults', maxResults, 'MaxResults must be an integer between 1 and 10.');
      }
      const results = ctx.engine.listMessageMoveTasks(requiredString(ctx.input, 'SourceArn'), maxResults);
      // AWS returns a task handle only while the task runs; every local task has already completed.
      return { Results: results.map(({ TaskHandle: _handle, ...task }) => task) };
    },
    CancelMessageMoveTask: () => {
      throw new SqsApiError(
        'ResourceNotFoundException',
        'The task has already completed; only running tasks can be cancelled.',
      );
    },
  };

  return {
    name: 'sqs',
    canHandle: (request) => {
      const target = request.headers['x-amz-target'];
      return typeof target === 'string' && target.startsWith(TARGET_PREFIX);
    },
    handle: async (request) => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const action = actions[target.slice(TARGET_PREFIX.length)];
      try {
        if (!action) {
          throw new SqsApiError(
            'UnknownOperation',
            `The operation ${target} is not supported by the local SQS.`,
          );
        }
        let input: unknown;
        try {
          input = request.body.length === 0 ? {} : JSON.parse(request.body.toString('utf8'));
        } catch {
          throw new SqsApiError('SerializationException', 'The request body is not valid JSON.');
        }
        if (!isObject(input))
          throw new SqsApiError('SerializationException', 'The request body must be a JSON object.');
        const scope = credentialScopeOf(request);
        const output = await action({
          input,
          request,
          engine: scope.region === undefined ? engine : engine.inRegion(scope.region),
          baseUrl: `http://${request.url.host}`,
          senderId: scope.accessKeyId,
        });
        return jsonResponse(200, output);
      } catch (error) {
        if (error instanceof SqsApiError) return errorResponse(error);
        throw error;
      }
    },
  };
};
