import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { OrderView } from '@shop/contracts/order';
import { createDocumentClient } from '@shop/platform/dynamodb';
import { type CallPolicyOptions, createInternalFunctionClient } from '@shop/platform/invoke';
import type { NotificationsDeps } from './application/notifications.deps.ts';
import { DynamoDbSentEmailLog } from './infrastructure/dynamodb-sent-email.log.ts';
import { LambdaOrderReader } from './infrastructure/lambda-order.reader.ts';
import { SesEmailSender } from './infrastructure/ses-email.sender.ts';

/**
 * The order service's `orderView`: a slow order service fails the message (SQS redelivers it), so a
 * call keeps a short budget and a breaker counting calls spares it while it recovers.
 */
export const ORDER_CALL_POLICY: CallPolicyOptions = {
  maxAttempts: 3,
  marginMs: 3_000,
  breaker: { counts: 'call', after: 5 },
};

export interface NotificationsInfrastructureOptions {
  readonly tableName: string;
  readonly orderViewFunctionName: string;
  readonly emailFromAddress: string;
  /** The consumer's client, shared with its idempotency layer. */
  readonly dynamoDb: DynamoDBClient;
  /** Defaults to a client configured by the environment (region, `AWS_ENDPOINT_URL`). */
  readonly ses?: SESv2Client;
  /** Defaults to the `orderView` function through Lambda Invoke. */
  readonly orders?: NotificationsDeps['orders'];
}

/** The one place the notifications service chooses its adapters; handlers only call this. */
export const createNotificationsDeps = (options: NotificationsInfrastructureOptions): NotificationsDeps => ({
  orders:
    options.orders ??
    new LambdaOrderReader(
      createInternalFunctionClient({
        contract: OrderView,
        functionName: options.orderViewFunctionName,
        policy: ORDER_CALL_POLICY,
      }),
    ),
  emails: new SesEmailSender(options.ses ?? new SESv2Client({}), options.emailFromAddress),
  sent: new DynamoDbSentEmailLog(createDocumentClient(options.dynamoDb), options.tableName),
});
