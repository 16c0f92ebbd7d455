import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { CheckoutSagaInput } from '@shop/contracts/order';
import {
  createStepFunctionsEdgeHandler,
  type StartedServer,
  startEdge,
  TEST_CREDENTIALS,
  TEST_REGION,
  type TestDynamoDb,
} from '@shop/local-cloud/testing';
import { flushMetrics } from '@shop/platform/observability';
import { captureOutput, metricValuesOf } from '@shop/platform/observability/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderTasks } from '../src/application/order.tasks.ts';
import { type ReconcileDeps, reconcileOrders } from '../src/application/reconcile-orders.use-case.ts';
import { confirm, type Order, placeOrder, requestCancellation } from '../src/domain/order.entity.ts';
import {
  cancelExecutionName,
  executionArnOf,
  SfnSagaStarter,
  settleExecutionName,
} from '../src/infrastructure/sfn-saga.starter.ts';
import { cartLine, depsFor, sagaInput, startOrderDb } from './order.fixtures.ts';
import { SagaWorld, startSagas } from './saga.harness.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-06-01T12:00:00.000Z');

let db: TestDynamoDb;
let world: SagaWorld;
let sagas: Awaited<ReturnType<typeof startSagas>>;
let edge: StartedServer;
let sfn: SFNClient;
let deps: ReconcileDeps;

beforeAll(async () => {
  db = await startOrderDb();
  const orderDeps = depsFor(db);
  world = new SagaWorld(createOrderTasks(orderDeps));
  sagas = await startSagas(world);
  // The reconciler talks to Step Functions with the real SDK client, through the edge.
  edge = await startEdge([createStepFunctionsEdgeHandler(sagas.emulator)]);
  sfn = new SFNClient({ endpoint: edge.url, region: TEST_REGION, credentials: TEST_CREDENTIALS });
  deps = {
    ...orderDeps,
    sagas: new SfnSagaStarter({
      client: sfn,
      checkoutStateMachineArn: sagas.checkoutArn,
      cancelStateMachineArn: sagas.cancelArn,
      settleStateMachineArn: sagas.settleArn,
    }),
    reconcileAfterSeconds: 120,
  };
});
afterAll(async () => {
  sfn?.destroy();
  await edge?.close();
  await sagas?.emulator.close();
  await db?.stop();
});

/**
 * Each test places its orders an hour further back and reconciles ten minutes after them, so that a
 * run sees the test's own orders and none of the others' (the reconciler lists by placement time).
 */
let slot = 0;
const nextSlot = () => {
  slot += 1;
  const placedAt = new Date(T0 - slot * HOUR);
  return { placedAt, reconcileAt: new Date(placedAt.getTime() + 10 * 60_000) };
};

const stocked = (available = 10) => {
  const sku = `SKU-${crypto.randomUUID().slice(0, 8)}`;
  world.stock.set(sku, { available, price: 1000 });
  return sku;
};

/** An order the HTTP function wrote whose checkout execution is gone (the machine running it died). */
const strandedOrder = async (placedAt: Date, sku = stocked()) => {
  const input = sagaInput({ placedAt: placedAt.toISOString() }, [cartLine(sku, 2, 1000)]);
  await deps.orders.create(placeOrder(input));
  return { input, sku };
};

const executionOf = (stateMachineArn: string, name: string) =>
  sagas.emulator.waitForExecution(executionArnOf(stateMachineArn, name), 20_000);

const orderOf = async (orderId: string): Promise<Order> => {
  const order = await deps.orders.get(orderId);
  if (!order) throw new Error(`order ${orderId} is gone`);
  return order;
};

/** Holds every `AuthorizePayment` until released (a saga in flight). */
const holdAuthorizations = () => {
  const original = world.tasks.AuthorizePayment;
  if (!original) throw new Error('no AuthorizePayment task');
  const gate = Promise.withResolvers<void>();
  const reached = Promise.withResolvers<void>();
  world.tasks.AuthorizePayment = async (payload) => {
    reached.resolve();
    await gate.promise;
    return original(payload);
  };
  return {
    reached: reached.promise,
    release: () => {
      world.tasks.AuthorizePayment = original;
      gate.resolve();
    },
  };
};

describe('reconcileOrders (the real sagas on the local Step Functions engine, through the SDK)', () => {
  it('starts a lost checkout execution from the stored order, which then settles it once', async () => {
    const { placedAt, reconcileAt } = nextSlot();
    const { input } = await strandedOrder(placedAt);

    const summary = await reconcileOrders(deps, {
      scheduledAt: reconcileAt,
      correlationId: 'reconcile-run-1',
    });
    expect(summary).toMatchObject({ examined: 1, restarted: 1, failed: 0 });
    const placed = world.calls.find((c) => c.task === 'PlaceOrder' && c.payload.orderId === input.orderId);
    expect(placed?.payload.correlationId).toBe('reconcile-run-1');
    const execution = await executionOf(sagas.checkoutArn, input.orderId);
    expect(execution.status).toBe('SUCCEEDED');
    expect((await orderOf(input.orderId)).status).toBe('CONFIRMED');
    expect(world.payments.get(input.orderId)?.status).toBe('CAPTURED');
    expect(
      world.calls.filter((c) => c.task === 'CapturePayment' && c.payload.orderId === input.orderId),
    ).toHaveLength(1);

    // The next run finds nothing to do.
    expect(await reconcileOrders(deps, { scheduledAt: reconcileAt })).toMatchObject({ examined: 0 });
  });

  it('leaves an order alone while it is young or its saga runs, and settles it when the saga is stopped', async () => {
    const { placedAt, reconcileAt } = nextSlot();
    const sku = stocked(10);
    const input = sagaInput({ placedAt: placedAt.toISOString() }, [cartLine(sku, 2, 1000)]);
    const held = holdAuthorizations();
    await deps.sagas.startCheckout(input);
    await held.reached;

    // Younger than the threshold: not even looked at.
    expect(await reconcileOrders(deps, { scheduledAt: new Date(placedAt.getTime() + 60_000) })).toMatchObject(
      { examined: 0 },
    );
    // Old enough, but its execution is RUNNING.
    expect(await reconcileOrders(deps, { scheduledAt: reconcileAt })).toMatchObject({
      examined: 1,
      running: 1,
    });
    expect(world.stock.get(sku)?.available).toBe(8);

    // An operator (or a deploy) stops the execution after the authorization went through.
    await sfn.send(
      new StopExecutionCommand({
        executionArn: executionArnOf(sagas.checkoutArn, input.orderId),
        cause: 'test',
      }),
    );
    held.release();
    await expect.poll(() => world.payments.get(input.orderId)?.status).toBe('AUTHORIZED');
    expect((await orderOf(input.orderId)).status).toBe('PENDING');

    expect(await reconcileOrders(deps, { scheduledAt: reconcileAt })).toMatchObject({
      examined: 1,
      settling: 1,
    });
    const settle = await executionOf(sagas.settleArn, settleExecutionName(input.orderId));
    expect(settle.status).toBe('SUCCEEDED');
    const order = await orderOf(input.orderId);
    expect(order.status).toBe('REJECTED');
    expect(order.statusReason).toBe('CHECKOUT_ABANDONED');
    expect(order.statusHistory.at(-1)?.detail).toMatch(/checkout saga ended ABORTED/);
    expect(world.payments.get(input.orderId)?.status).toBe('VOIDED');
    expect(world.reservations.get(input.orderId)?.state).toBe('released');
    expect(world.stock.get(sku)?.available).toBe(10);

    expect(await reconcileOrders(deps, { scheduledAt: reconcileAt })).toMatchObject({ examined: 0 });
  });

  it('redrives a settle saga whose compensation failed, until the order is rejected', async () => {
    const { placedAt, reconcileAt } = nextSlot();
    const sku = stocked(10);
    const input = sagaInput({ placedAt: placedAt.toISOString() }, [cartLine(sku, 1, 1000)]);
    // The payment provider breaks mid-checkout, and voiding keeps failing: the checkout ends in CompensationFailed.
    world.failures.set('AuthorizePayment', { name: 'PaymentInvalidTransition', remaining: 1 });
    world.failures.set('VoidPayment', { name: 'PaymentProviderUnavailable', remaining: 1_000 });
    await deps.sagas.startCheckout(input);
    expect((await executionOf(sagas.checkoutArn, input.orderId)).status).toBe('FAILED');
    expect((await orderOf(input.orderId)).status).toBe('PENDING');

    expect(await reconcileOrders(deps, { scheduledAt: reconcileAt })).toMatchObject({ settling: 1 });
    expect((await executionOf(sagas.settleArn, settleExecutionName(input.orderId))).status).toBe('FAILED');
    expect((await orderOf(input.orderId)).status).toBe('PENDING');

    // The provider is back: the next run redrives the settle saga from its failed state.
    world.failures.delete('VoidPayment');
    expect(await reconcileOrders(deps, { scheduledAt: reconcileAt })).toMatchObject({ redriven: 1 });
    await expect
      .poll(async () => (await orderOf(input.orderId)).status, { timeout: 10_000 })
      .toBe('REJECTED');
    expect((await orderOf(input.orderId)).statusReason).toBe('CHECKOUT_ABANDONED');
    expect(world.reservations.get(input.orderId)?.state).toBe('released');
    expect(world.stock.get(sku)?.available).toBe(10);
  });

  it('starts a lost cancel execution for an order left CANCELLING', async () => {
    const { placedAt, reconcileAt } = nextSlot();
    const input = sagaInput({ placedAt: placedAt.toISOString() }, [cartLine(stocked(), 1, 1000)]);
    const confirmed = confirm(placeOrder(input), placedAt);
    if (!confirmed.changed) throw new Error('expected a confirmation');
    const cancelling = requestCancellation(
      confirmed.order,
      'CANCELLED_BY_ADMIN',
      new Date(placedAt.getTime() + 1000),
    );
    await deps.orders.create(cancelling);
    world.payments.set(input.orderId, { amount: input.totals.total, status: 'CAPTURED' });

    expect(await reconcileOrders(deps, { scheduledAt: reconcileAt })).toMatchObject({
      examined: 1,
      restarted: 1,
    });
    const execution = await executionOf(sagas.cancelArn, cancelExecutionName(input.orderId, 1));
    expect(execution.status).toBe('SUCCEEDED');
    const order = await orderOf(input.orderId);
    expect(order.status).toBe('CANCELLED');
    expect(order.statusReason).toBe('CANCELLED_BY_ADMIN');
    expect(world.payments.get(input.orderId)?.status).toBe('REFUNDED');
  });

  it('redrives a checkout that ran out of retries after confirming the order, until the order is cancelled', async () => {
    const { reconcileAt } = nextSlot();
    const sku = stocked(10);
    const input = sagaInput({}, [cartLine(sku, 2, 1000)]);
    // The capture fails for good, and so does every void of the compensation (each attempt timing out
    // on a machine too busy to run it in time): the execution fails over a CONFIRMED order.
    world.captureFails.add(input.orderId);
    world.failures.set('VoidPayment', { name: 'Sandbox.Timedout', remaining: 1_000 });
    await deps.sagas.startCheckout(input);
    const failed = await executionOf(sagas.checkoutArn, input.orderId);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe('Sandbox.Timedout');
    expect((await orderOf(input.orderId)).status).toBe('CONFIRMED');
    expect(world.payments.get(input.orderId)?.status).toBe('AUTHORIZED');

    // Stopped longer ago than the lookback: not looked at.
    const muchLater = new Date(Date.now() + 2 * HOUR);
    expect(await reconcileOrders(deps, { scheduledAt: muchLater })).toMatchObject({ examined: 0 });

    const { result: firstRun, emf } = await captureOutput(async () => {
      const summary = await reconcileOrders(deps, { scheduledAt: reconcileAt });
      flushMetrics(); // as the scheduled function does after each run
      return summary;
    });
    expect(firstRun).toMatchObject({ examined: 1, redriven: 1 });
    expect(metricValuesOf(emf).filter((metric) => metric.name === 'OrdersReconciled')).toEqual([
      expect.objectContaining({ value: 1, dimensions: expect.objectContaining({ action: 'redriven' }) }),
    ]);
    await expect.poll(() => deps.sagas.statusOf(input.orderId, { saga: 'checkout' })).toBe('FAILED');
    expect((await orderOf(input.orderId)).status).toBe('CONFIRMED');

    // One of the timed-out voids went through after all; the next run redrives again.
    const payment = world.payments.get(input.orderId);
    if (payment) payment.status = 'VOIDED';
    world.failures.delete('VoidPayment');
    expect(await reconcileOrders(deps, { scheduledAt: reconcileAt })).toMatchObject({ redriven: 1 });
    await expect
      .poll(async () => (await orderOf(input.orderId)).status, { timeout: 10_000 })
      .toBe('CANCELLED');
    const order = await orderOf(input.orderId);
    expect(order.statusReason).toBe('PAYMENT_FAILED');
    expect(world.payments.get(input.orderId)?.status).toBe('VOIDED');
    expect(world.reservations.get(input.orderId)?.state).toBe('released');
    expect(world.stock.get(sku)?.available).toBe(10);
    // The cancelled order's checkout is unsuccessful too (OrderCancelled), but nothing is left to do.
    expect(await reconcileOrders(deps, { scheduledAt: reconcileAt })).toMatchObject({ examined: 0 });
    world.captureFails.delete(input.orderId);
  });

  it('completes a checkout whose capture went through unseen: the order stays CONFIRMED and paid', async () => {
    const { reconcileAt } = nextSlot();
    const sku = stocked(10);
    const input = sagaInput({}, [cartLine(sku, 1, 1000)]);
    world.failures.set('CapturePayment', { name: 'Sandbox.Timedout', remaining: 1_000 });
    world.failures.set('VoidPayment', { name: 'Sandbox.Timedout', remaining: 1_000 });
    await deps.sagas.startCheckout(input);
    expect((await executionOf(sagas.checkoutArn, input.orderId)).status).toBe('FAILED');
    // Every capture answer was lost, but one capture was made.
    const payment = world.payments.get(input.orderId);
    if (payment) payment.status = 'CAPTURED';
    world.failures.delete('CapturePayment');
    world.failures.delete('VoidPayment');

    expect(await reconcileOrders(deps, { scheduledAt: reconcileAt })).toMatchObject({ redriven: 1 });
    await expect
      .poll(() => deps.sagas.statusOf(input.orderId, { saga: 'checkout' }), { timeout: 10_000 })
      .toBe('SUCCEEDED');
    expect((await orderOf(input.orderId)).status).toBe('CONFIRMED');
    expect(world.payments.get(input.orderId)?.status).toBe('CAPTURED');
    expect(world.reservations.get(input.orderId)?.state).toBe('reserved');
    expect(world.stock.get(sku)?.available).toBe(9);
    expect(await reconcileOrders(deps, { scheduledAt: reconcileAt })).toMatchObject({ examined: 0 });
  });

  /** A checkout whose capture and every void fail: its execution ends FAILED over a CONFIRMED order. */
  const withFailedCheckout = async (run: (input: CheckoutSagaInput) => Promise<void>) => {
    const input = sagaInput({}, [cartLine(stocked(10), 1, 1000)]);
    world.captureFails.add(input.orderId);
    world.failures.set('VoidPayment', { name: 'Sandbox.Timedout', remaining: 1_000 });
    try {
      await deps.sagas.startCheckout(input);
      expect((await executionOf(sagas.checkoutArn, input.orderId)).status).toBe('FAILED');
      await run(input);
    } finally {
      world.captureFails.delete(input.orderId);
      world.failures.delete('VoidPayment');
    }
  };

  /** The saga starter as it is, with some of its methods replaced. */
  const sagasLike = (overrides: Partial<ReconcileDeps['sagas']>): ReconcileDeps['sagas'] => {
    const real = deps.sagas;
    return {
      startCheckout: (i) => real.startCheckout(i),
      startCancel: (i, attempt) => real.startCancel(i, attempt),
      startSettle: (i) => real.startSettle(i),
      statusOf: (orderId, execution) => real.statusOf(orderId, execution),
      redrive: (orderId, execution) => real.redrive(orderId, execution),
      listUnsuccessfulCheckouts: (window) => real.listUnsuccessfulCheckouts(window),
      ...overrides,
    };
  };

  it('leaves a CONFIRMED order to an operator once its checkout has been failing past the redrive window', async () => {
    await withFailedCheckout(async (input) => {
      // The same execution as Step Functions lists it, but started 80 minutes ago.
      const aged = sagasLike({
        listUnsuccessfulCheckouts: async (window) =>
          (await deps.sagas.listUnsuccessfulCheckouts(window)).map((checkout) => ({
            ...checkout,
            startedAt: new Date(checkout.startedAt.getTime() - 80 * 60_000),
          })),
      });
      const { result, logs } = await captureOutput(() =>
        reconcileOrders({ ...deps, sagas: aged }, { scheduledAt: new Date() }),
      );
      expect(result).toMatchObject({ 'needs-operator': 1, redriven: 0 });
      expect(logs).toContainEqual(
        expect.objectContaining({ level: 'ERROR', orderId: input.orderId, saga: 'checkout' }),
      );
      expect(await deps.sagas.statusOf(input.orderId, { saga: 'checkout' })).toBe('FAILED');
      expect((await orderOf(input.orderId)).status).toBe('CONFIRMED');
    });
  });

  it('flags a CONFIRMED order whose checkout Step Functions refuses to redrive, after one redrive and one status read', async () => {
    await withFailedCheckout(async (input) => {
      const calls: string[] = [];
      // Step Functions refuses this execution's redrive (its history is too long, say).
      const refusing = sagasLike({
        statusOf: (orderId, execution) => {
          calls.push(`statusOf ${orderId}`);
          return deps.sagas.statusOf(orderId, execution);
        },
        redrive: async (orderId) => {
          calls.push(`redrive ${orderId}`);
          return false;
        },
      });
      // The order repository as it is, its reads written down.
      const orders = new Proxy(deps.orders, {
        get: (target, key) => {
          const method = Reflect.get(target, key);
          if (typeof method !== 'function') return method;
          return (...args: unknown[]) => {
            if (key === 'get') calls.push(`get ${args[0]}`);
            if (key === 'getMany') calls.push(`getMany ${(args[0] as string[]).length}`);
            return method.apply(target, args);
          };
        },
      });
      const { result, logs } = await captureOutput(() =>
        reconcileOrders({ ...deps, orders, sagas: refusing }, { scheduledAt: new Date() }),
      );
      // Every listed order (the earlier tests' failed checkouts too) goes to an operator.
      expect(result).toMatchObject({ 'needs-operator': result.examined, redriven: 0 });
      expect(logs).toContainEqual(
        expect.objectContaining({ level: 'ERROR', orderId: input.orderId, saga: 'checkout' }),
      );
      // The listed orders are read in one batch, and the refused redrive is not asked for again.
      const ofThisOrder = calls.filter((call) => !call.startsWith('getMany') && call.endsWith(input.orderId));
      expect(ofThisOrder).toEqual([`redrive ${input.orderId}`, `statusOf ${input.orderId}`]);
      expect(calls.filter((call) => call.startsWith('get'))).toEqual([
        expect.stringMatching(/^getMany \d+$/),
      ]);
      expect((await orderOf(input.orderId)).status).toBe('CONFIRMED');
    });
  });

  it('two runs at once start one execution per order and charge once', async () => {
    const { placedAt, reconcileAt } = nextSlot();
    const stranded = await Promise.all([
      strandedOrder(placedAt),
      strandedOrder(placedAt),
      strandedOrder(placedAt),
    ]);

    const [a, b] = await Promise.all([
      reconcileOrders(deps, { scheduledAt: reconcileAt }),
      reconcileOrders(deps, { scheduledAt: reconcileAt }),
    ]);
    expect((a.restarted ?? 0) + (b.restarted ?? 0)).toBeGreaterThanOrEqual(3);
    for (const { input } of stranded) {
      expect((await executionOf(sagas.checkoutArn, input.orderId)).status).toBe('SUCCEEDED');
      expect((await orderOf(input.orderId)).status).toBe('CONFIRMED');
      const runs = (task: string) =>
        world.calls.filter((c) => c.task === task && c.payload.orderId === input.orderId).length;
      expect(runs('PlaceOrder')).toBe(1);
      expect(runs('CapturePayment')).toBe(1);
    }
  });
});
