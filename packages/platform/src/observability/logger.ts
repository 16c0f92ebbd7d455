import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';

export const serviceName = (): string =>
  process.env.SERVICE_NAME ??
  process.env.POWERTOOLS_SERVICE_NAME ??
  process.env.AWS_LAMBDA_FUNCTION_NAME ??
  'shop';

/**
 * One Powertools logger per function (module scope, created on first use): JSON lines with the
 * service, the Lambda context and the correlation id of the current request or message.
 */
let sharedLogger: Logger | undefined;
export const getLogger = (): Logger => {
  sharedLogger ??= new Logger({
    serviceName: serviceName(),
    logLevel: (process.env.LOG_LEVEL ?? 'INFO') as LogLevel,
  });
  return sharedLogger;
};

export const CORRELATION_HEADER = 'x-correlation-id';

/** The log key of the shopper request's correlation id (shared with the local runtime's log views). */
export const CORRELATION_ID_KEY = 'correlationId';
/** The log key of the order a line is about: its own key, never folded into the correlation id. */
export const ORDER_ID_KEY = 'orderId';

/** The order a payload is about: its `orderId` member (saga inputs, `order.*` and `payment.*` event data). */
export const orderIdOf = (value: unknown): string | undefined => {
  const orderId =
    typeof value === 'object' && value !== null ? (value as { orderId?: unknown }).orderId : undefined;
  return typeof orderId === 'string' ? orderId : undefined;
};
