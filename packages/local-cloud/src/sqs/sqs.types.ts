/** A message attribute as SQS models it (`BinaryValue` as bytes; the JSON protocol carries it in base64). */
export interface MessageAttributeValue {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: Uint8Array;
  readonly StringListValues?: readonly string[];
  readonly BinaryListValues?: readonly Uint8Array[];
}

export type MessageAttributes = Readonly<Record<string, MessageAttributeValue>>;

export interface SendMessageInput {
  readonly MessageBody: string;
  readonly DelaySeconds?: number;
  readonly MessageAttributes?: MessageAttributes;
  /** Only `AWSTraceHeader` (DataType `String`) is accepted, as in AWS. */
  readonly MessageSystemAttributes?: MessageAttributes;
  readonly MessageGroupId?: string;
  readonly MessageDeduplicationId?: string;
  /** Who sent it (AWS reports the caller's IAM id); defaults to the account id. */
  readonly SenderId?: string;
}

export interface SendMessageResult {
  readonly MessageId: string;
  readonly MD5OfMessageBody: string;
  readonly MD5OfMessageAttributes?: string;
  readonly MD5OfMessageSystemAttributes?: string;
  readonly SequenceNumber?: string;
}

export interface ReceiveMessageInput {
  /** 1 to 10; default 1. */
  readonly MaxNumberOfMessages?: number;
  /** Seconds (0 to 43,200); defaults to the queue's `VisibilityTimeout`. */
  readonly VisibilityTimeout?: number;
  /** Seconds (0 to 20); defaults to the queue's `ReceiveMessageWaitTimeSeconds`. */
  readonly WaitTimeSeconds?: number;
  /** System attributes to return (`All` or names such as `ApproximateReceiveCount`). */
  readonly MessageSystemAttributeNames?: readonly string[];
  /** Message attributes to return: `All`, `.*`, `prefix.*` or exact names. */
  readonly MessageAttributeNames?: readonly string[];
}

export interface ReceivedMessage {
  readonly MessageId: string;
  readonly ReceiptHandle: string;
  readonly Body: string;
  readonly MD5OfBody: string;
  readonly MD5OfMessageAttributes?: string;
  readonly Attributes?: Readonly<Record<string, string>>;
  readonly MessageAttributes?: MessageAttributes;
}

export interface BatchResultError {
  readonly Id: string;
  readonly SenderFault: boolean;
  readonly Code: string;
  readonly Message: string;
}

export interface BatchResult<T> {
  readonly Successful: T[];
  readonly Failed: BatchResultError[];
}

export interface SendMessageBatchEntry extends SendMessageInput {
  readonly Id: string;
}

export interface MessageMoveTask {
  readonly TaskHandle: string;
  readonly Status: 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';
  readonly SourceArn: string;
  readonly DestinationArn?: string;
  readonly MaxNumberOfMessagesPerSecond?: number;
  readonly ApproximateNumberOfMessagesMoved: number;
  readonly ApproximateNumberOfMessagesToMove: number;
  readonly StartedTimestamp: number;
}

/** A message as a local peek shows it: what ReceiveMessage would return, without receiving it. */
export interface PeekedMessage {
  readonly MessageId: string;
  readonly Body: string;
  readonly MD5OfBody: string;
  readonly MessageAttributes?: MessageAttributes;
  /** The system attributes ReceiveMessage returns with `All` (ApproximateReceiveCount as it stands). */
  readonly Attributes: Readonly<Record<string, string>>;
  readonly State: 'VISIBLE' | 'IN_FLIGHT' | 'DELAYED';
  /** Epoch ms when an in-flight or delayed message becomes visible. */
  readonly VisibleAt?: number;
}
