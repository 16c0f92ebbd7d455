import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { EventEnvelope } from '@shop/contracts';
import { createCursorCodec } from '@shop/platform/cursor';
import {
  CONDITION_FAILED,
  cancellationCodesOf,
  putVersioned,
  TRANSACTION_CONFLICT,
} from '@shop/platform/dynamodb';
import { outboxPut } from '@shop/platform/outbox';
import * as z from 'zod';
import type { Promotion, Redemption } from '../domain/promotion.entity.ts';
import type {
  PromotionPageRequest,
  PromotionPageResult,
  PromotionRepository,
  RedeemResult,
  RedemptionRepository,
} from '../domain/promotions.repository.port.ts';
import {
  ALL_PROMOTIONS,
  customerUsageKey,
  promotionItemOf,
  promotionKey,
  redemptionItemOf,
  redemptionKey,
} from './promotions-table.keys.ts';
import { promotionOf, redemptionOf, usageOf } from './stored-item.schemas.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const cursors = createCursorCodec({
  service: 'PROMOTION',
  key: z.strictObject({
    pk: z.string().max(64).startsWith('PROMOTION#'),
    sk: z.literal('PROMOTION'),
    gsi1pk: z.literal(ALL_PROMOTIONS.partition),
    gsi1sk: z.string().max(64),
  }),
});

/** Promotions, customers' counts and redemptions in the service's single table. */
export class DynamoDbPromotionsRepository implements PromotionRepository, RedemptionRepository {
  readonly #ddb: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(ddb: DynamoDBDocumentClient, tableName: string) {
    this.#ddb = ddb;
    this.#table = tableName;
  }

  async get(code: string): Promise<Promotion | undefined> {
    const { Item } = await this.#ddb.send(
      new GetCommand({ TableName: this.#table, Key: promotionKey(code), ConsistentRead: true }),
    );
    return Item ? promotionOf(Item) : undefined;
  }

  create(promotion: Promotion): Promise<boolean> {
    return putVersioned(this.#ddb, { tableName: this.#table, item: promotionItemOf(promotion) });
  }

  update(previous: Promotion, next: Promotion): Promise<boolean> {
    // Redemptions bump `version` too, so a change decided on a stale count loses and is decided again.
    return putVersioned(this.#ddb, {
      tableName: this.#table,
      item: promotionItemOf(next),
      expectedVersion: previous.version,
    });
  }

  async list(page: PromotionPageRequest): Promise<PromotionPageResult> {
    const startKey = page.cursor ? cursors.decode(page.cursor, ALL_PROMOTIONS.partition) : undefined;
    const { Items, LastEvaluatedKey } = await this.#ddb.send(
      new QueryCommand({
        TableName: this.#table,
        IndexName: ALL_PROMOTIONS.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': ALL_PROMOTIONS.pk },
        ExpressionAttributeValues: { ':pk': ALL_PROMOTIONS.partition },
        Limit: page.limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    return {
      items: (Items ?? []).map(promotionOf),
      ...(LastEvaluatedKey ? { nextCursor: cursors.encode(ALL_PROMOTIONS.partition, LastEvaluatedKey) } : {}),
    };
  }

  async customerRedemptions(code: string, customerId: string): Promise<number> {
    const { Item } = await this.#ddb.send(
      new GetCommand({
        TableName: this.#table,
        Key: customerUsageKey(code, customerId),
        ConsistentRead: true,
      }),
    );
    return Item ? usageOf(Item) : 0;
  }

  async getRedemption(orderId: string): Promise<Redemption | undefined> {
    const { Item } = await this.#ddb.send(
      new GetCommand({ TableName: this.#table, Key: redemptionKey(orderId), ConsistentRead: true }),
    );
    return Item ? redemptionOf(Item) : undefined;
  }

  async redeem(
    promotion: Promotion,
    redemption: Redemption,
    events: readonly EventEnvelope[],
  ): Promise<RedeemResult> {
    const now = redemption.redeemedAt;
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.#table,
          Key: promotionKey(promotion.code),
          UpdateExpression:
            'SET redemptions = redemptions + :one, #version = #version + :one, updatedAt = :now',
          // The limit and the validity are checked by the write itself: concurrent checkouts cannot
          // together redeem more than maxRedemptions, whatever they read before.
          ConditionExpression:
            'active = :true AND startsAt <= :now AND (attribute_not_exists(endsAt) OR endsAt > :now) AND (attribute_not_exists(maxRedemptions) OR redemptions < maxRedemptions)',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':one': 1, ':true': true, ':now': now },
        },
      },
      {
        Update: {
          TableName: this.#table,
          Key: customerUsageKey(promotion.code, redemption.customerId),
          UpdateExpression: 'SET redemptions = if_not_exists(redemptions, :zero) + :one, kind = :kind',
          ...(promotion.maxPerCustomer === undefined
            ? {}
            : { ConditionExpression: 'attribute_not_exists(redemptions) OR redemptions < :max' }),
          ExpressionAttributeValues: {
            ':zero': 0,
            ':one': 1,
            ':kind': 'customer-usage',
            ...(promotion.maxPerCustomer === undefined ? {} : { ':max': promotion.maxPerCustomer }),
          },
        },
      },
      {
        Put: {
          TableName: this.#table,
          Item: redemptionItemOf(redemption),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...events.map((event) => outboxPut(this.#table, event, { partitionHint: promotion.code })),
    ];
    try {
      await this.#ddb.send(new TransactWriteCommand({ TransactItems: items }));
      return 'redeemed';
    } catch (error) {
      const codes = cancellationCodesOf(error);
      if (!codes) throw error;
      if (codes[2] === CONDITION_FAILED) return 'exists';
      if (codes[0] === CONDITION_FAILED) return 'refused-by-promotion';
      if (codes[1] === CONDITION_FAILED) return 'refused-by-customer';
      if (codes.includes(TRANSACTION_CONFLICT)) return 'conflict';
      throw error;
    }
  }

  async release(
    redemption: Redemption,
    now: Date,
    events: readonly EventEnvelope[],
  ): Promise<boolean | 'conflict'> {
    const at = now.toISOString();
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.#table,
          Key: redemptionKey(redemption.orderId),
          UpdateExpression: 'SET #status = :released, releasedAt = :now',
          ConditionExpression: '#status = :redeemed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':released': 'RELEASED', ':redeemed': 'REDEEMED', ':now': at },
        },
      },
      {
        Update: {
          TableName: this.#table,
          Key: promotionKey(redemption.code),
          UpdateExpression:
            'SET redemptions = redemptions - :one, #version = #version + :one, updatedAt = :now',
          ConditionExpression: 'redemptions >= :one',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':one': 1, ':now': at },
        },
      },
      {
        Update: {
          TableName: this.#table,
          Key: customerUsageKey(redemption.code, redemption.customerId),
          UpdateExpression: 'SET redemptions = redemptions - :one',
          ConditionExpression: 'redemptions >= :one',
          ExpressionAttributeValues: { ':one': 1 },
        },
      },
      ...events.map((event) => outboxPut(this.#table, event, { partitionHint: redemption.code })),
    ];
    try {
      await this.#ddb.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      const codes = cancellationCodesOf(error);
      if (!codes) throw error;
      if (codes[0] === CONDITION_FAILED) return false;
      if (codes.includes(TRANSACTION_CONFLICT)) return 'conflict';
      throw error;
    }
  }
}
