import { randomUUID } from 'node:crypto';
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { MessageAttributes, SendMessageInput, SendMessageResult } from '../sqs/index.ts';
import { type DynamoDbTaskAction, isRecord, type JsonRecord } from './asl-definition.util.ts';
import { StatesRuntimeTaskError, type TaskFailure } from './task-failure.ts';

/**
 * Sends one SQS message for `arn:aws:states:::sqs:sendMessage`; implemented over the local SQS by the
 * stack. Throws SQS's error as the SQS API would: an error whose `code` is the SQS error name
 * (`QueueDoesNotExist`, `InvalidParameterValue` ...), with `queryCode` and `shape.status` when known.
 */
export interface SqsMessageSender {
  sendMessage(queueUrl: string, input: SendMessageInput): Promise<SendMessageResult> | SendMessageResult;
}

/** The clients the optimized integrations call; a task whose client is missing fails with States.Runtime. */
export interface TaskIntegrations {
  readonly sqs?: SqsMessageSender;
  /** A real `@aws-sdk/client-dynamodb` client (locally: pointed at the edge). */
  readonly dynamoDb?: DynamoDBClient;
}

/** The metadata the AWS Java SDK adds to every result Step Functions passes on from a service call. */
const sdkMetadata = (contentType: string): JsonRecord => {
  const requestId = randomUUID();
  const date = new Date().toUTCString();
  return {
    SdkHttpMetadata: {
      AllHttpHeaders: {
        'x-amzn-RequestId': [requestId],
        Connection: ['keep-alive'],
        'Content-Type': [contentType],
        Date: [date],
      },
      HttpHeaders: {
        Connection: 'keep-alive',
        'Content-Type': contentType,
        Date: date,
        'x-amzn-RequestId': requestId,
      },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
  };
};

const requiredString = (parameters: JsonRecord, key: string, resource: string): string => {
  const value = parameters[key];
  if (typeof value !== 'string' || value === '') {
    throw new StatesRuntimeTaskError(`${resource} needs Parameters with a ${key} string`);
  }
  return value;
};

const parametersOf = (input: unknown, resource: string): JsonRecord => {
  if (!isRecord(input)) throw new StatesRuntimeTaskError(`${resource} needs Parameters (an object)`);
  return input;
};

const fromBase64 = (value: unknown): Uint8Array | undefined =>
  typeof value === 'string' ? Buffer.from(value, 'base64') : undefined;

/** Message attributes as the task's JSON carries them (binary values in base64) -> SQS's model. */
const messageAttributesOf = (value: unknown): MessageAttributes | undefined => {
  if (!isRecord(value)) return undefined;
  const attributes: Record<string, MessageAttributes[string]> = {};
  for (const [name, attribute] of Object.entries(value)) {
    if (!isRecord(attribute)) continue;
    const binary = fromBase64(attribute.BinaryValue);
    attributes[name] = {
      DataType: String(attribute.DataType ?? ''),
      ...(typeof attribute.StringValue === 'string' ? { StringValue: attribute.StringValue } : {}),
      ...(binary ? { BinaryValue: binary } : {}),
    };
  }
  return attributes;
};

/**
 * `arn:aws:states:::sqs:sendMessage`: the Parameters are SendMessage's request; a `MessageBody` that is
 * not a string is sent as its JSON, as Step Functions does. The result is SendMessage's response.
 */
export const sendSqsMessage = async (
  sender: SqsMessageSender | undefined,
  input: unknown,
): Promise<JsonRecord> => {
  const resource = 'arn:aws:states:::sqs:sendMessage';
  const parameters = parametersOf(input, resource);
  const queueUrl = requiredString(parameters, 'QueueUrl', resource);
  const body = parameters.MessageBody;
  if (body === undefined) throw new StatesRuntimeTaskError(`${resource} needs Parameters with a MessageBody`);
  if (!sender) throw new StatesRuntimeTaskError('No SQS endpoint is connected to the local Step Functions');
  const attributes = messageAttributesOf(parameters.MessageAttributes);
  const systemAttributes = messageAttributesOf(parameters.MessageSystemAttributes);
  const result = await sender.sendMessage(queueUrl, {
    MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
    ...(typeof parameters.DelaySeconds === 'number' ? { DelaySeconds: parameters.DelaySeconds } : {}),
    ...(attributes ? { MessageAttributes: attributes } : {}),
    ...(systemAttributes ? { MessageSystemAttributes: systemAttributes } : {}),
    ...(typeof parameters.MessageGroupId === 'string' ? { MessageGroupId: parameters.MessageGroupId } : {}),
    ...(typeof parameters.MessageDeduplicationId === 'string'
      ? { MessageDeduplicationId: parameters.MessageDeduplicationId }
      : {}),
  });
  return {
    MD5OfMessageBody: result.MD5OfMessageBody,
    ...(result.MD5OfMessageAttributes ? { MD5OfMessageAttributes: result.MD5OfMessageAttributes } : {}),
    MessageId: result.MessageId,
    ...(result.SequenceNumber ? { SequenceNumber: result.SequenceNumber } : {}),
    ...sdkMetadata('application/x-amz-json-1.0'),
  };
};

// The SQS errors the AWS Java SDK models as exceptions of their own; Step Functions reports the rest
// as `SQS.AmazonSQSException`. (Step Functions names service errors `<Service>.<Java SDK exception>`.)
const GENERIC_SQS_CODES = new Set(['InvalidParameterValue', 'MissingParameter', 'UnknownOperation']);

export const sqsFailure = (thrown: unknown): TaskFailure => {
  const fields = isRecord(thrown) ? thrown : {};
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  const code = typeof fields.code === 'string' ? fields.code : 'InternalError';
  const queryCode = typeof fields.queryCode === 'string' ? fields.queryCode : code;
  const shape = isRecord(fields.shape) ? fields.shape : {};
  const status = typeof shape.status === 'number' ? shape.status : 400;
  const exception = GENERIC_SQS_CODES.has(code)
    ? 'AmazonSQSException'
    : code.endsWith('Exception')
      ? code
      : `${code}Exception`;
  return {
    error: `SQS.${exception}`,
    cause: `${message} (Service: AmazonSQS; Status Code: ${status}; Error Code: ${queryCode}; Request ID: ${randomUUID()}; Proxy: null)`,
  };
};

/** DynamoDB JSON (binary as base64, as the task's JSON carries it) -> the SDK's AttributeValue (bytes). */
const toAttributeValue = (value: unknown): unknown => {
  if (!isRecord(value)) return value;
  if (typeof value.B === 'string') return { B: Buffer.from(value.B, 'base64') };
  if (Array.isArray(value.BS)) return { BS: value.BS.map((b) => Buffer.from(String(b), 'base64')) };
  if (isRecord(value.M))
    return { M: Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, toAttributeValue(v)])) };
  if (Array.isArray(value.L)) return { L: value.L.map(toAttributeValue) };
  return value;
};

const toAttributeMap = (value: unknown): unknown =>
  isRecord(value)
    ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toAttributeValue(v)]))
    : value;

const ATTRIBUTE_MAPS = ['Key', 'Item', 'ExpressionAttributeValues'] as const;

/** The SDK's result as JSON: bytes in base64, the SDK's own `$metadata` left out. */
const toJson = (value: unknown): unknown => {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Set) return [...value].map(toJson);
  if (Array.isArray(value)) return value.map(toJson);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, v]) => key !== '$metadata' && v !== undefined)
      .map(([key, v]) => [key, toJson(v)]),
  );
};

/**
 * `arn:aws:states:::dynamodb:getItem|putItem|updateItem|deleteItem`: the Parameters are the API's request
 * in DynamoDB JSON, sent with the real SDK client; the result is the API's response.
 */
export const callDynamoDb = async (
  client: DynamoDBClient | undefined,
  action: DynamoDbTaskAction,
  input: unknown,
): Promise<JsonRecord> => {
  const resource = `arn:aws:states:::dynamodb:${action}`;
  const parameters: JsonRecord = { ...parametersOf(input, resource) };
  requiredString(parameters, 'TableName', resource);
  if (!client)
    throw new StatesRuntimeTaskError('No DynamoDB endpoint is connected to the local Step Functions');
  for (const key of ATTRIBUTE_MAPS) if (key in parameters) parameters[key] = toAttributeMap(parameters[key]);
  // The SDK's command inputs are the API's request shapes; the parameters are that request as JSON.
  const request = parameters as never;
  const response =
    action === 'getItem'
      ? await client.send(new GetItemCommand(request))
      : action === 'putItem'
        ? await client.send(new PutItemCommand(request))
        : action === 'updateItem'
          ? await client.send(new UpdateItemCommand(request))
          : await client.send(new DeleteItemCommand(request));
  return { ...(toJson(response) as JsonRecord), ...sdkMetadata('application/x-amz-json-1.0') };
};

// The DynamoDB errors of these four APIs that the AWS Java SDK models; others (ValidationException ...)
// reach Step Functions as `DynamoDB.AmazonDynamoDBException`.
const MODELLED_DYNAMODB_ERRORS: Readonly<Record<string, string>> = {
  ConditionalCheckFailedException: 'ConditionalCheckFailedException',
  ProvisionedThroughputExceededException: 'ProvisionedThroughputExceededException',
  ResourceNotFoundException: 'ResourceNotFoundException',
  ItemCollectionSizeLimitExceededException: 'ItemCollectionSizeLimitExceededException',
  TransactionConflictException: 'TransactionConflictException',
  RequestLimitExceeded: 'RequestLimitExceededException',
  InternalServerError: 'InternalServerErrorException',
};

export const dynamoDbFailure = (thrown: unknown): TaskFailure => {
  const fields = isRecord(thrown) ? thrown : {};
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  const name = thrown instanceof Error ? thrown.name : 'InternalServerError';
  const metadata = isRecord(fields.$metadata) ? fields.$metadata : {};
  const status = typeof metadata.httpStatusCode === 'number' ? metadata.httpStatusCode : 400;
  const requestId = typeof metadata.requestId === 'string' ? metadata.requestId : randomUUID();
  return {
    error: `DynamoDB.${MODELLED_DYNAMODB_ERRORS[name] ?? 'AmazonDynamoDBException'}`,
    cause: `${message} (Service: AmazonDynamoDBv2; Status Code: ${status}; Error Code: ${name}; Request ID: ${requestId}; Proxy: null)`,
  };
};
