import { SqsApiError } from './sqs.errors.ts';

/** What a receipt handle names: one receive of one message in one queue. */
export interface ReceiptHandleParts {
  readonly queueArn: string;
  readonly messageId: string;
  /** Drawn each time the message enters a queue, so handles from before a DLQ move or a redrive stop working. */
  readonly enqueueNonce: string;
  /** Which receive of the message issued the handle: 1 for the first. */
  readonly receive: number;
}

export const encodeReceiptHandle = (parts: ReceiptHandleParts): string =>
  Buffer.from(
    JSON.stringify([parts.queueArn, parts.messageId, parts.enqueueNonce, parts.receive]),
    'utf8',
  ).toString('base64');

export const decodeReceiptHandle = (handle: string): ReceiptHandleParts | undefined => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(handle, 'base64').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 4) return undefined;
    const [queueArn, messageId, enqueueNonce, receive] = parsed as unknown[];
    if (typeof queueArn !== 'string' || typeof messageId !== 'string' || typeof enqueueNonce !== 'string')
      return undefined;
    if (typeof receive !== 'number' || !Number.isInteger(receive) || receive < 1) return undefined;
    return { queueArn, messageId, enqueueNonce, receive };
  } catch {
    return undefined;
  }
};

export const invalidReceiptHandle = (handle: string): SqsApiError =>
  new SqsApiError(
    'ReceiptHandleIsInvalid',
    `The input receipt handle "${handle}" is not a valid receipt handle.`,
  );
