/**
 * The errors SQS returns, as its AWS JSON protocol spells them: the `__type` of the body and the
 * `x-amzn-query-error` code the SDK (query-compatible mode) maps back to its typed exceptions.
 */
interface ErrorShape {
  readonly type: string;
  readonly queryCode: string;
  readonly status: number;
  readonly fault: 'Sender' | 'Receiver';
}

const sqs = (name: string, queryCode = name, status = 400): ErrorShape => ({
  type: `com.amazonaws.sqs#${name}`,
  queryCode,
  status,
  fault: 'Sender',
});

// Generic errors are not modelled by SQS; AWS reports them from its service framework.
const coral = (exception: string, queryCode: string, status = 400): ErrorShape => ({
  type: `com.amazon.coral.service#${exception}`,
  queryCode,
  status,
  fault: 'Sender',
});

export const SQS_ERRORS = {
  QueueDoesNotExist: sqs('QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'),
  QueueNameExists: sqs('QueueNameExists', 'QueueAlreadyExists'),
  InvalidAttributeName: sqs('InvalidAttributeName'),
  InvalidAttributeValue: sqs('InvalidAttributeValue'),
  InvalidMessageContents: sqs('InvalidMessageContents'),
  ReceiptHandleIsInvalid: sqs('ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid', 404),
  MessageNotInflight: sqs('MessageNotInflight', 'AWS.SimpleQueueService.MessageNotInflight'),
  EmptyBatchRequest: sqs('EmptyBatchRequest', 'AWS.SimpleQueueService.EmptyBatchRequest'),
  TooManyEntriesInBatchRequest: sqs(
    'TooManyEntriesInBatchRequest',
    'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
  ),
  BatchEntryIdsNotDistinct: sqs(
    'BatchEntryIdsNotDistinct',
    'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
  ),
  BatchRequestTooLong: sqs('BatchRequestTooLong', 'AWS.SimpleQueueService.BatchRequestTooLong'),
  InvalidBatchEntryId: sqs('InvalidBatchEntryId', 'AWS.SimpleQueueService.InvalidBatchEntryId'),
  PurgeQueueInProgress: sqs('PurgeQueueInProgress', 'AWS.SimpleQueueService.PurgeQueueInProgress', 403),
  ResourceNotFoundException: sqs('ResourceNotFoundException', 'ResourceNotFoundException', 404),
  UnsupportedOperation: sqs('UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation'),
  InvalidAddress: sqs('InvalidAddress'),
  OverLimit: sqs('OverLimit', 'OverLimit', 403),
  InvalidParameterValue: coral('InvalidParameterValueException', 'InvalidParameterValue'),
  // AWS names the shape MissingRequiredParameterException and the query code MissingParameter.
  MissingParameter: coral('MissingRequiredParameterException', 'MissingParameter'),
  UnknownOperation: coral('UnknownOperationException', 'UnknownOperationException'),
  SerializationException: coral('SerializationException', 'SerializationException'),
} as const satisfies Record<string, ErrorShape>;

export type SqsErrorCode = keyof typeof SQS_ERRORS;

/** An SQS API error; the edge turns it into AWS's JSON error response, batch APIs into a `Failed` entry. */
export class SqsApiError extends Error {
  readonly code: SqsErrorCode;

  constructor(code: SqsErrorCode, message: string) {
    super(message);
    this.name = 'SqsApiError';
    this.code = code;
  }

  get shape(): ErrorShape {
    return SQS_ERRORS[this.code];
  }

  /** The code AWS puts in a batch result's `Failed[].Code`. */
  get queryCode(): string {
    return SQS_ERRORS[this.code].queryCode;
  }

  get senderFault(): boolean {
    return SQS_ERRORS[this.code].fault === 'Sender';
  }
}

export const queueDoesNotExist = (): SqsApiError =>
  new SqsApiError('QueueDoesNotExist', 'The specified queue does not exist.');

export const invalidParameter = (name: string, value: unknown, reason: string): SqsApiError =>
  new SqsApiError(
    'InvalidParameterValue',
    `Value ${typeof value === 'string' ? value : JSON.stringify(value)} for parameter ${name} is invalid. Reason: ${reason}`,
  );

export const missingParameter = (name: string): SqsApiError =>
  new SqsApiError('MissingParameter', `The request must contain the parameter ${name}.`);
