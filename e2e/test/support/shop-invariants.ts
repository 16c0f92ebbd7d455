import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Order, OrderStatus } from '@shop/contracts/order';
import type { Payment } from '@shop/contracts/payment';
import { LOCAL_CREDENTIALS, type LocalStack } from '@shop/local-cloud';
import type { ShopFixtures, Shopper } from './shop-fixtures.ts';

/** An order the run got a 202 for, and whose customer it is. */
export interface AcceptedOrder {
  readonly orderId: string;
  readonly shopper: Shopper;
}

/** A SKU the run owns, and the stock an admin set on it before any order. */
export interface TrackedSku {
  readonly sku: string;
  readonly initialOnHand: number;
}

export interface InvariantReport {
  /** One line per invariant checked, with what it covered. */
  readonly checked: readonly string[];
  readonly violations: readonly string[];
  readonly orders: readonly Order[];
}

const FINAL: readonly OrderStatus[] = ['CONFIRMED', 'REJECTED', 'CANCELLED'];

interface SkuItem {
  readonly sku: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
}

interface ReservationItem {
  readonly orderId: string;
  readonly status: 'RESERVED' | 'RELEASED' | 'COMMITTED' | 'RESTOCKED';
  readonly lines: readonly { readonly sku: string; readonly quantity: number }[];
}

const sumBy = <T>(items: readonly T[], value: (item: T) => number): number =>
  items.reduce((sum, item) => sum + value(item), 0);

/**
 * The invariants every failure journey must leave intact, checked from the outside: through the
 * public API (orders, payments), the catalog's table (stock and reservations, which the API does not
 * show) and the Step Functions API (executions). Written once, shared by every chaos journey:
 *
 * - nothing lost: every accepted order exists, and each customer has exactly the orders accepted;
 * - nothing stuck: every order is final (CONFIRMED, REJECTED, CANCELLED) and no saga still runs;
 * - nothing charged twice: at most one payment per order; a captured payment belongs to a CONFIRMED
 *   order, for its total; a CONFIRMED order's payment is captured; a refund only for a CANCELLED one;
 * - stock adds up: `onHand = available + reserved`, none negative; `reserved` is the sum of the open
 *   (RESERVED) reservations; `onHand` is what was set minus what COMMITTED reservations sold;
 * - reservations follow orders: CONFIRMED -> COMMITTED, REJECTED -> none or RELEASED,
 *   CANCELLED -> RESTOCKED or RELEASED;
 * - compensation is visible: a REJECTED order that held stock shows a Release state in its saga history
 *   (the settle saga's, when the reconciler settled an abandoned checkout).
 */
export class ShopInvariants {
  readonly #fx: ShopFixtures;
  readonly #ddb: DynamoDBDocumentClient;
  readonly #sfn: SFNClient;
  readonly #catalogTable: string;

  /** Reads the shop through its public API (`fx`) and its AWS edge (`edgeUrl`). */
  constructor(fx: ShopFixtures, shop: { readonly edgeUrl: string; readonly catalogTable: string }) {
    this.#fx = fx;
    const config = { endpoint: shop.edgeUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS };
    this.#ddb = DynamoDBDocumentClient.from(new DynamoDBClient(config));
    this.#sfn = new SFNClient(config);
    this.#catalogTable = shop.catalogTable;
  }

  /** For a stack started in this process. */
  static of(fx: ShopFixtures, stack: LocalStack): ShopInvariants {
    const catalog = stack.tables.find((table) => table.service === 'catalog');
    if (!catalog) throw new Error('the stack has no catalog table');
    return new ShopInvariants(fx, { edgeUrl: stack.edgeUrl, catalogTable: catalog.tableName });
  }

  close(): void {
    this.#ddb.destroy();
    this.#sfn.destroy();
  }

  /**
   * Checks every invariant, polling until they hold (events are asynchronous: a commit follows its
   * confirmation) or `timeoutMs` passes; the last report is returned either way.
   */
  async settle(
    accepted: readonly AcceptedOrder[],
    skus: readonly TrackedSku[],
    timeoutMs = 60_000,
  ): Promise<InvariantReport> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const report = await this.check(accepted, skus);
      if (report.violations.length === 0 || Date.now() > deadline) return report;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async check(accepted: readonly AcceptedOrder[], skus: readonly TrackedSku[]): Promise<InvariantReport> {
    const violations: string[] = [];
    const checked: string[] = [];
    const orders = await Promise.all(
      accepted.map(({ shopper, orderId }) => this.#fx.order(shopper, orderId)),
    );
    const payments = await Promise.all(
      accepted.map(({ shopper, orderId }) => this.#fx.payments(shopper, orderId)),
    );

    // Nothing lost, nothing doubled.
    const byShopper = new Map<string, { shopper: Shopper; accepted: Set<string> }>();
    for (const { shopper, orderId } of accepted) {
      const entry = byShopper.get(shopper.sub) ?? { shopper, accepted: new Set<string>() };
      entry.accepted.add(orderId);
      byShopper.set(shopper.sub, entry);
    }
    for (const { shopper, accepted: ids } of byShopper.values()) {
      const listed = await this.#fx.ordersOf(shopper);
      const extra = listed.filter((id) => !ids.has(id));
      const missing = [...ids].filter((id) => !listed.includes(id));
      if (extra.length > 0)
        violations.push(`${shopper.sub} has orders nobody got a 202 for: ${extra.join(', ')}`);
      if (missing.length > 0) violations.push(`${shopper.sub} lost accepted orders: ${missing.join(', ')}`);
    }
    checked.push(
      `nothing lost or doubled: ${accepted.length} accepted orders of ${byShopper.size} customers`,
    );

    // Nothing stuck.
    for (const order of orders) {
      if (!FINAL.includes(order.status)) violations.push(`order ${order.id} is stuck in ${order.status}`);
    }
    const running = await this.#runningExecutions(orders.map((order) => order.id));
    for (const name of running) violations.push(`a saga of order ${name} is still RUNNING`);
    checked.push(`nothing stuck: ${orders.length} orders final, no saga running`);

    // Nothing charged twice.
    orders.forEach((order, i) => {
      const own = payments[i] ?? [];
      if (own.length > 1) violations.push(`order ${order.id} has ${own.length} payments`);
      for (const payment of own) this.#checkPayment(order, payment, violations);
      if (order.status === 'CONFIRMED' && !own.some((p) => p.status === 'CAPTURED')) {
        violations.push(
          `order ${order.id} is CONFIRMED but its payment is ${own.map((p) => p.status).join(',') || 'missing'}`,
        );
      }
    });
    checked.push(`nothing charged twice: ${sumBy(payments, (p) => p.length)} payments`);

    // Stock adds up; reservations follow their orders.
    const reservations = await this.#reservations(orders.map((order) => order.id));
    const stock = await this.#skuItems(skus.map((s) => s.sku));
    for (const { sku, initialOnHand } of skus) {
      const item = stock.get(sku);
      if (!item) {
        violations.push(`SKU ${sku} is gone`);
        continue;
      }
      const quantityOf = (status: ReservationItem['status']) =>
        sumBy(
          [...reservations.values()].filter((r) => r.status === status),
          (r) =>
            sumBy(
              r.lines.filter((line) => line.sku === sku),
              (line) => line.quantity,
            ),
        );
      if (item.onHand !== item.available + item.reserved) {
        violations.push(
          `${sku}: onHand ${item.onHand} != available ${item.available} + reserved ${item.reserved}`,
        );
      }
      if (item.onHand < 0 || item.available < 0 || item.reserved < 0)
        violations.push(`${sku} went negative: ${JSON.stringify(item)}`);
      const open = quantityOf('RESERVED');
      if (item.reserved !== open)
        violations.push(`${sku}: reserved ${item.reserved}, open reservations hold ${open}`);
      const sold = quantityOf('COMMITTED');
      if (item.onHand !== initialOnHand - sold) {
        violations.push(`${sku}: onHand ${item.onHand}, expected ${initialOnHand} set - ${sold} sold`);
      }
    }
    checked.push(`stock adds up on ${skus.length} SKUs over ${reservations.size} reservations`);

    for (const order of orders) {
      const reservation = reservations.get(order.id);
      const status = reservation?.status;
      const ok =
        order.status === 'CONFIRMED'
          ? status === 'COMMITTED'
          : order.status === 'REJECTED'
            ? status === undefined || status === 'RELEASED'
            : order.status === 'CANCELLED'
              ? status === 'RESTOCKED' || status === 'RELEASED'
              : true;
      if (!ok)
        violations.push(`order ${order.id} is ${order.status} but its reservation is ${status ?? 'absent'}`);
    }
    checked.push('reservations follow their orders');

    // Compensation is visible in the saga history.
    let compensated = 0;
    for (const order of orders) {
      if (order.status !== 'REJECTED' || reservations.get(order.id) === undefined) continue;
      // An abandoned checkout is compensated by the reconciler's settle saga instead.
      const states =
        order.statusReason === 'CHECKOUT_ABANDONED'
          ? await this.#enteredStates('order-settle', `${order.id}-settle`)
          : await this.#enteredStates('order-checkout', order.id);
      if (!states.some((state) => state.startsWith('Release'))) {
        violations.push(
          `order ${order.id} was REJECTED holding stock, but its saga shows no Release state (${states.join(' > ')})`,
        );
      }
      compensated += 1;
    }
    checked.push(`compensation visible in ${compensated} rejected sagas`);

    return { checked, violations, orders };
  }

  #checkPayment(order: Order, payment: Payment, violations: string[]): void {
    const total = order.totals.total.amount;
    if (payment.status === 'CAPTURED') {
      if (order.status !== 'CONFIRMED')
        violations.push(`order ${order.id} is ${order.status} with a CAPTURED payment`);
      if (payment.capturedAmount.amount !== total) {
        violations.push(`order ${order.id} total ${total}, captured ${payment.capturedAmount.amount}`);
      }
    }
    if (payment.capturedAmount.amount > total)
      violations.push(`order ${order.id} over-captured: ${payment.capturedAmount.amount} > ${total}`);
    if (payment.refundedAmount.amount > payment.capturedAmount.amount) {
      violations.push(
        `order ${order.id} refunded ${payment.refundedAmount.amount} of ${payment.capturedAmount.amount} captured`,
      );
    }
    if (payment.status === 'REFUNDED' && order.status !== 'CANCELLED') {
      violations.push(`order ${order.id} is ${order.status} with a REFUNDED payment`);
    }
  }

  async #skuItems(skus: readonly string[]): Promise<Map<string, SkuItem>> {
    const found = new Map<string, SkuItem>();
    for (let i = 0; i < skus.length; i += 100) {
      const keys = skus.slice(i, i + 100).map((sku) => ({ pk: `SKU#${sku}`, sk: 'SKU' }));
      const { Responses } = await this.#ddb.send(
        new BatchGetCommand({ RequestItems: { [this.#catalogTable]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of Responses?.[this.#catalogTable] ?? []) found.set(String(item.sku), item as SkuItem);
    }
    return found;
  }

  async #reservations(orderIds: readonly string[]): Promise<Map<string, ReservationItem>> {
    const found = new Map<string, ReservationItem>();
    for (let i = 0; i < orderIds.length; i += 100) {
      const keys = orderIds.slice(i, i + 100).map((id) => ({ pk: `RESERVATION#${id}`, sk: 'RESERVATION' }));
      const { Responses } = await this.#ddb.send(
        new BatchGetCommand({ RequestItems: { [this.#catalogTable]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of Responses?.[this.#catalogTable] ?? [])
        found.set(String(item.orderId), item as ReservationItem);
    }
    return found;
  }

  async #machineArns(): Promise<Map<string, string>> {
    const { stateMachines = [] } = await this.#sfn.send(new ListStateMachinesCommand({}));
    return new Map(stateMachines.map((m) => [m.name ?? '', m.stateMachineArn ?? '']));
  }

  /** Executions of these orders (named by order id) that have not ended. */
  async #runningExecutions(orderIds: readonly string[]): Promise<string[]> {
    const machines = await this.#machineArns();
    const running: string[] = [];
    for (const machineArn of machines.values()) {
      for (const orderId of orderIds) {
        const executionArn = `${machineArn.replace(':stateMachine:', ':execution:')}:${orderId}`;
        const status = await this.#sfn
          .send(new DescribeExecutionCommand({ executionArn }))
          .then((d) => d.status)
          .catch(() => undefined);
        if (status === 'RUNNING') running.push(orderId);
      }
    }
    return running;
  }

  /** Names of the states an execution entered, in order. */
  async #enteredStates(machineName: string, executionName: string): Promise<string[]> {
    const machineArn = (await this.#machineArns()).get(machineName);
    if (!machineArn) return [];
    const executionArn = `${machineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#sfn.send(
        new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }),
      );
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events.flatMap((event) =>
      event.stateEnteredEventDetails?.name ? [event.stateEnteredEventDetails.name] : [],
    );
  }
}
