export { md5OfMessageAttributes } from './sqs.checksums.ts';
export { createSqsEdgeHandler } from './sqs.edge.ts';
export { SqsEngine, type SqsEngineOptions } from './sqs.engine.ts';
export { SQS_ERRORS, SqsApiError, type SqsErrorCode } from './sqs.errors.ts';
export { SqsDataDirInUseError } from './sqs.journal.ts';
export type {
  BatchResult,
  BatchResultError,
  MessageAttributes,
  MessageAttributeValue,
  MessageMoveTask,
  PeekedMessage,
  ReceivedMessage,
  ReceiveMessageInput,
  SendMessageBatchEntry,
  SendMessageInput,
  SendMessageResult,
} from './sqs.types.ts';
export {
  failedMessageIds,
  type SqsEvent,
  type SqsEventRecord,
  type SqsEventRecordMessageAttribute,
  type SqsEventSource,
  SqsEventSourceConfigError,
  type SqsEventSourceOptions,
  startSqsEventSource,
  toSqsEventRecord,
} from './sqs-event-source.poller.ts';
export { createLocalSqsEdgeHandler, LOCAL_SQS_PATH, localQueueMessagesPath } from './sqs-local.edge.ts';
export { MAX_MESSAGE_BYTES, type RedrivePolicy } from './sqs-queue.attributes.ts';
