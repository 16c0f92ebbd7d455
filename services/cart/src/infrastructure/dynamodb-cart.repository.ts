import { type AttributeValue, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AppliedPromotionTerms } from '@shop/contracts/promotions';
import { isLostRace } from '@shop/platform/dynamodb';
import { LOST_RACE, retryLostRaces } from '@shop/platform/races';
import { isExpired, type StoredCart, type StoredLine } from '../domain/cart.entity.ts';
import { CartConflictError, CartFullError, UnknownCartError } from '../domain/cart.errors.ts';
import type {
  CartRepository,
  CartWithSkus,
  MergeResult,
  SetLineOptions,
} from '../domain/cart.repository.port.ts';
import { type CartOwner, customerOwner, guestOwner } from '../domain/cart-owner.ts';
import type { SkuSnapshot } from '../domain/sku-snapshot.ts';
import { CART_SK, cartKey, SKU_SK, skuKey } from './cart-table.keys.ts';
import { snapshotOfReplicaItem, cartOf as toCart } from './stored-item.schemas.ts';

/** BatchGetItem takes at most 100 keys: the cart and 99 SKUs. */
const MAX_SKUS_WITH_CART = 99;
/** Reads of what DynamoDB left unprocessed (throttling) before giving up. */
const MAX_UNPROCESSED_ROUNDS = 5;

type RawItem = Record<string, unknown>;

const linesMap = (lines: readonly StoredLine[]) =>
  Object.fromEntries(lines.map((line) => [line.sku, { quantity: line.quantity, addedAt: line.addedAt }]));

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

const ownerIdOf = (owner: CartOwner): string => (owner.kind === 'customer' ? owner.customerId : owner.cartId);

/** Carts in the service's table: one item per cart, its lines in a map keyed by SKU. */
export class DynamoDbCartRepository implements CartRepository {
  readonly #ddb: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(ddb: DynamoDBDocumentClient, tableName: string) {
    this.#ddb = ddb;
    this.#table = tableName;
  }

  async #raw(owner: CartOwner): Promise<RawItem | undefined> {
    const { Item } = await this.#ddb.send(
      new GetCommand({ TableName: this.#table, Key: cartKey(owner), ConsistentRead: true }),
    );
    return Item;
  }

  async find(owner: CartOwner, now: Date): Promise<StoredCart | undefined> {
    const raw = await this.#raw(owner);
    if (!raw) return undefined;
    const cart = toCart(raw);
    return isExpired(cart, now) ? undefined : cart;
  }

  async findWithSkus(owner: CartOwner, skus: readonly string[], now: Date): Promise<CartWithSkus> {
    const wanted = [...new Set(skus)];
    if (wanted.length > MAX_SKUS_WITH_CART) {
      throw new RangeError(`findWithSkus reads at most ${MAX_SKUS_WITH_CART} SKUs with the cart`);
    }
    let cart: StoredCart | undefined;
    const snapshots = new Map<string, SkuSnapshot>();
    for (const item of await this.#batchRaw([cartKey(owner), ...wanted.map(skuKey)])) {
      if (item.sk === CART_SK) cart = toCart(item);
      else if (item.sk === SKU_SK) {
        const snapshot = snapshotOfReplicaItem(item);
        snapshots.set(snapshot.sku, snapshot);
      }
    }
    return { cart: cart && !isExpired(cart, now) ? cart : undefined, skus: snapshots };
  }

  /** The items of these keys that exist, in one BatchGetItem (more only for what DynamoDB left unprocessed). */
  async #batchRaw(keys: readonly Record<string, unknown>[]): Promise<RawItem[]> {
    const items: RawItem[] = [];
    let pending = [...keys];
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_UNPROCESSED_ROUNDS) throw new Error('the cart read was throttled; retry');
      const { Responses, UnprocessedKeys } = await this.#ddb.send(
        new BatchGetCommand({
          // Consistent like `find`: a line written a moment ago must be seen by the next write.
          RequestItems: { [this.#table]: { Keys: pending, ConsistentRead: true } },
        }),
      );
      items.push(...(Responses?.[this.#table] ?? []));
      pending = UnprocessedKeys?.[this.#table]?.Keys ?? [];
    }
    return items;
  }

  async createGuest(cartId: string, expiresAt: Date, now: Date): Promise<StoredCart> {
    const owner = guestOwner(cartId);
    const item = {
      ...cartKey(owner),
      kind: 'cart',
      id: cartId,
      ownerKind: 'guest',
      ownerId: cartId,
      lines: {},
      version: 1,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      expiresAt: epochSeconds(expiresAt),
    };
    await this.#ddb.send(
      new PutCommand({ TableName: this.#table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return toCart(item);
  }

  /** Guest carts must exist and be unexpired for any write; customer carts just must exist. */
  #liveCondition(owner: CartOwner, now: Date) {
    return owner.kind === 'guest'
      ? { expression: 'attribute_exists(pk) AND expiresAt > :epoch', values: { ':epoch': epochSeconds(now) } }
      : { expression: 'attribute_exists(pk)', values: {} };
  }

  async setLine(owner: CartOwner, line: StoredLine, options: SetLineOptions): Promise<StoredCart> {
    if (options.cartExists === false && owner.kind === 'customer') {
      // The read found no cart: one Put creates it, where the Update below would fail first.
      const created = await this.#createCustomerCart(owner, line, options);
      if (created) return created;
      // Created concurrently: update that one.
    }
    const live = this.#liveCondition(owner, options.now);
    return retryLostRaces(
      async () => {
        try {
          // One round trip in the usual case: the cart exists and the line fits.
          const { Attributes } = await this.#ddb.send(
            new UpdateCommand({
              TableName: this.#table,
              Key: cartKey(owner),
              UpdateExpression: 'SET #lines.#sku = :line, updatedAt = :now ADD version :one',
              ConditionExpression: `${live.expression} AND attribute_exists(#lines) AND (size(#lines) < :max OR attribute_exists(#lines.#sku))`,
              ExpressionAttributeNames: { '#lines': 'lines', '#sku': line.sku },
              ExpressionAttributeValues: {
                ...live.values,
                ':line': { quantity: line.quantity, addedAt: line.addedAt },
                ':now': options.now.toISOString(),
                ':one': 1,
                ':max': options.maxLines,
              },
              ReturnValues: 'ALL_NEW',
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          );
          if (!Attributes) throw new Error('UpdateItem returned no attributes');
          return toCart(Attributes);
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
          const old: Record<string, AttributeValue> | undefined = error.Item;
          if (old === undefined) {
            if (owner.kind === 'guest') throw new UnknownCartError();
            const created = await this.#createCustomerCart(owner, line, options);
            if (created) return created;
            return LOST_RACE; // Created concurrently: update that one.
          }
          if (owner.kind === 'guest' && Number(old.expiresAt?.N ?? '0') <= epochSeconds(options.now)) {
            throw new UnknownCartError();
          }
          if (Object.keys(old.lines?.M ?? {}).length >= options.maxLines) {
            throw new CartFullError(options.maxLines);
          }
        }

        return LOST_RACE;
      },
      { onExhausted: () => new CartConflictError() },
    );
  }

  async #createCustomerCart(
    owner: CartOwner,
    line: StoredLine,
    options: SetLineOptions,
  ): Promise<StoredCart | undefined> {
    const item = {
      ...cartKey(owner),
      kind: 'cart',
      id: options.newCartId,
      ownerKind: owner.kind,
      ownerId: ownerIdOf(owner),
      lines: linesMap([line]),
      version: 1,
      createdAt: options.now.toISOString(),
      updatedAt: options.now.toISOString(),
    };
    try {
      await this.#ddb.send(
        new PutCommand({
          TableName: this.#table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return toCart(item);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async #updateLive(
    owner: CartOwner,
    now: Date,
    update: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> },
  ): Promise<StoredCart | undefined> {
    const live = this.#liveCondition(owner, now);
    try {
      const { Attributes } = await this.#ddb.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: cartKey(owner),
          UpdateExpression: `${update.expression} ADD version :one`,
          ConditionExpression: live.expression,
          ...(update.names ? { ExpressionAttributeNames: update.names } : {}),
          ExpressionAttributeValues: { ...live.values, ...update.values, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? toCart(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  removeLine(owner: CartOwner, sku: string, now: Date): Promise<StoredCart | undefined> {
    return this.#updateLive(owner, now, {
      expression: 'REMOVE #lines.#sku SET updatedAt = :now',
      names: { '#lines': 'lines', '#sku': sku },
      values: { ':now': now.toISOString() },
    });
  }

  setPromotion(
    owner: CartOwner,
    promotion: AppliedPromotionTerms | undefined,
    now: Date,
  ): Promise<StoredCart | undefined> {
    return this.#updateLive(
      owner,
      now,
      promotion
        ? {
            expression: 'SET #promotion = :promotion, updatedAt = :now',
            names: { '#promotion': 'promotion' },
            values: { ':promotion': promotion, ':now': now.toISOString() },
          }
        : {
            expression: 'REMOVE #promotion SET updatedAt = :now',
            names: { '#promotion': 'promotion' },
            values: { ':now': now.toISOString() },
          },
    );
  }

  clear(owner: CartOwner, now: Date): Promise<StoredCart | undefined> {
    return this.#updateLive(owner, now, {
      expression: 'SET #lines = :empty, updatedAt = :now',
      names: { '#lines': 'lines' },
      values: { ':empty': {}, ':now': now.toISOString() },
    });
  }

  async emptyForOrder(customerId: string, orderId: string, now: Date): Promise<boolean> {
    try {
      await this.#ddb.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: cartKey(customerOwner(customerId)),
          UpdateExpression:
            'SET #lines = :empty, updatedAt = :now, emptiedForOrder = :orderId REMOVE promotion ADD version :one',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(emptiedForOrder) OR emptiedForOrder <> :orderId)',
          ExpressionAttributeNames: { '#lines': 'lines' },
          ExpressionAttributeValues: {
            ':empty': {},
            ':now': now.toISOString(),
            ':orderId': orderId,
            ':one': 1,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async mergeGuest(
    customerId: string,
    guestCartId: string,
    merge: (target: readonly StoredLine[], guest: readonly StoredLine[]) => StoredLine[],
    options: SetLineOptions,
  ): Promise<MergeResult> {
    const customer = customerOwner(customerId);
    const guestKey = cartKey(guestOwner(guestCartId));
    return retryLostRaces(
      async () => {
        // Both carts in one BatchGetItem (a consistent read of each).
        const customerPk = cartKey(customer).pk;
        const both = await this.#batchRaw([cartKey(customer), guestKey]);
        const targetRaw = both.find((item) => item.pk === customerPk);
        const guestRaw = both.find((item) => item.pk === guestKey.pk);
        const target = targetRaw && toCart(targetRaw);
        const guest = guestRaw && toCart(guestRaw);
        if (!guest || isExpired(guest, options.now)) {
          // Read again: the two reads were not one snapshot, and a concurrent merge may have just
          // written the customer's cart after deleting this guest cart.
          const latest = await this.#raw(customer);
          return { merged: false, cart: latest && toCart(latest) };
        }

        const deleteGuest = {
          TableName: this.#table,
          Key: guestKey,
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': guest.version },
        };
        try {
          if (guest.lines.length === 0) {
            await this.#ddb.send(new DeleteCommand(deleteGuest));
            return { merged: true, cart: target };
          }
          const lines = merge(target?.lines ?? [], guest.lines);
          const now = options.now.toISOString();
          // Attributes the cart carries besides its lines (e.g. `emptiedForOrder`) are kept.
          const item = {
            ...targetRaw,
            ...cartKey(customer),
            kind: 'cart',
            id: target?.id ?? options.newCartId,
            ownerKind: 'customer',
            ownerId: customerId,
            lines: linesMap(lines),
            // The customer's own code wins; without one, the guest cart's comes along.
            ...(target?.promotion === undefined && guest.promotion ? { promotion: guest.promotion } : {}),
            version: (target?.version ?? 0) + 1,
            createdAt: target?.createdAt ?? now,
            updatedAt: now,
          };
          await this.#ddb.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: this.#table,
                    Item: item,
                    ...(target
                      ? {
                          ConditionExpression: 'version = :version',
                          ExpressionAttributeValues: { ':version': target.version },
                        }
                      : { ConditionExpression: 'attribute_not_exists(pk)' }),
                  },
                },
                { Delete: deleteGuest },
              ],
            }),
          );
          return { merged: true, cart: toCart(item) };
        } catch (error) {
          if (!isLostRace(error)) throw error;
        }

        return LOST_RACE;
      },
      { onExhausted: () => new CartConflictError() },
    );
  }
}
