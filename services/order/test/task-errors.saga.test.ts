import { readFileSync } from 'node:fs';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { functionArn, StepFunctionsEmulator, type TestDynamoDb } from '@shop/local-cloud/testing';
import { caughtBy, inProcessInvoker, isolateTaskState } from '@shop/platform/task/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderDeps } from '../src/application/order.deps.ts';
import { createOrderTasks } from '../src/application/order.tasks.ts';
import { InvalidOrderTransitionError } from '../src/domain/order.errors.ts';
import { cartLine, depsFor, sagaInput, startOrderDb } from './order.fixtures.ts';
import { CHECKOUT_ASL } from './saga.harness.ts';

const CONFIRM = 'order-confirm-order';

let db: TestDynamoDb;
let deps: OrderDeps;
/** What the next write of a confirmation throws, once. */
let nextConfirmFailure: Error | undefined;

beforeAll(async () => {
  db = await startOrderDb();
  const real = depsFor(db);
  deps = {
    ...real,
    orders: {
      get: (orderId) => real.orders.get(orderId),
      create: (order) => real.orders.create(order),
      applyPricing: (orderId, pricing) => real.orders.applyPricing(orderId, pricing),
      changeStatus: async (orderId, change, events) => {
        const failure = change.to === 'CONFIRMED' ? nextConfirmFailure : undefined;
        nextConfirmFailure = undefined;
        if (failure) throw failure;
        return real.orders.changeStatus(orderId, change, events);
      },
      listByCustomer: (customerId, page) => real.orders.listByCustomer(customerId, page),
      listByStatus: (status, page) => real.orders.listByStatus(status, page),
      listPlacedBefore: (status, before, limit) => real.orders.listPlacedBefore(status, before, limit),
      getMany: (orderIds) => real.orders.getMany(orderIds),
      update: (previous, next, events) => real.orders.update(previous, next, events),
    },
  };
});
afterAll(async () => {
  await db.stop();
});

/** `ConfirmOrder` as the checkout saga runs it (its Retry and Catch), for a freshly placed order. */
const confirmInSaga = async () => {
  const tasks = createOrderTasks(deps);
  const input = sagaInput({}, [cartLine('SKU-TASK', 1, 1000)]);
  await tasks.placeOrder(input);
  const invoker = inProcessInvoker({ [CONFIRM]: tasks.confirmOrder });
  const emulator = new StepFunctionsEmulator({ invoker, waitTimeScale: 0.001 });
  try {
    const asl: unknown = JSON.parse(readFileSync(CHECKOUT_ASL, 'utf8'));
    const machine = emulator.createStateMachine({
      name: `confirm-${input.orderId}`,
      definition: isolateTaskState(asl, 'ConfirmOrder', functionArn(CONFIRM)),
    });
    const { executionArn } = emulator.startExecution({
      stateMachineArn: machine.stateMachineArn,
      input: JSON.stringify({ ...input, pricing: { orderId: input.orderId, totals: input.totals } }),
    });
    const execution = await emulator.waitForExecution(executionArn, 20_000);
    return { execution, attempts: invoker.calls.length, order: await deps.orders.get(input.orderId) };
  } finally {
    await emulator.close();
  }
};

describe('order task errors in the saga', () => {
  it('turns a DynamoDB throttle into TransientError, which the saga retries until the order is confirmed', async () => {
    nextConfirmFailure = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    const { execution, attempts, order } = await confirmInSaga();
    expect(execution.status).toBe('SUCCEEDED');
    expect(attempts).toBe(2);
    expect(order?.status).toBe('CONFIRMED');
  });

  it('fails a domain error under its own name, which the saga catches and compensates without a retry', async () => {
    nextConfirmFailure = new InvalidOrderTransitionError('confirm', 'REJECTED');
    const { execution, attempts, order } = await confirmInSaga();
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe(caughtBy('VoidAfterError'));
    expect(attempts).toBe(1);
    expect(order?.status).toBe('PENDING');
  });
});
