import { fileURLToPath } from 'node:url';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { CATALOG_TASKS } from '@shop/contracts/catalog';
import { functionArn, StepFunctionsEmulator } from '@shop/local-cloud/testing';
import {
  caughtBy,
  inProcessInvoker,
  isolateTaskState,
  sagaDefinitionWith,
} from '@shop/platform/task/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setOnHand } from '../src/application/inventory.use-cases.ts';
import { createProduct } from '../src/application/product.use-cases.ts';
import { createReserveStockTask } from '../src/application/stock.tasks.ts';
import type { StockDeps } from '../src/application/stock-reservation.use-cases.ts';
import { type CatalogTestDb, productInput, startCatalogDb, uniqueSku } from './catalog-test.fixture.ts';

const RESERVE = 'catalog-reserve-stock';
const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

let t: CatalogTestDb;
let checkoutAsl: unknown;
/** What the next read of a reservation throws, once. */
let nextLoadFailure: Error | undefined;

beforeAll(async () => {
  t = await startCatalogDb();
  checkoutAsl = await sagaDefinitionWith(REPO_ROOT, CATALOG_TASKS.reserveStock);
});
afterAll(() => t.db.stop());

const reservations: StockDeps['reservations'] = new Proxy({} as StockDeps['reservations'], {
  get: (_target, property: keyof StockDeps['reservations']) => {
    if (property === 'load') {
      return (...args: Parameters<StockDeps['reservations']['load']>) => {
        const failure = nextLoadFailure;
        nextLoadFailure = undefined;
        if (failure) return Promise.reject(failure);
        return t.deps.reservations.load(...args);
      };
    }
    const real = t.deps.reservations[property];
    return typeof real === 'function' ? real.bind(t.deps.reservations) : real;
  },
});

const reserveInSaga = async (quantity: number) => {
  const sku = uniqueSku('SAGA');
  await createProduct(t.deps, productInput({ name: 'Saga' }, [sku]), { correlationId: 'test' });
  await setOnHand(t.deps, sku, 2);
  const invoker = inProcessInvoker({ [RESERVE]: createReserveStockTask({ reservations }) });
  const emulator = new StepFunctionsEmulator({ invoker, waitTimeScale: 0.001 });
  try {
    const orderId = `o-saga-${sku}`;
    const machine = emulator.createStateMachine({
      name: `reserve-${sku}`,
      definition: isolateTaskState(checkoutAsl, CATALOG_TASKS.reserveStock, functionArn(RESERVE)),
    });
    const { executionArn } = emulator.startExecution({
      stateMachineArn: machine.stateMachineArn,
      // The saga's state at ReserveStock: the draft order with its stock lines.
      input: JSON.stringify({ orderId, correlationId: 'shopper-request-9', stockLines: [{ sku, quantity }] }),
    });
    const execution = await emulator.waitForExecution(executionArn, 20_000);
    return { execution, attempts: invoker.calls.length };
  } finally {
    await emulator.close();
  }
};

describe('catalog task errors in the saga', () => {
  it('turns a DynamoDB throttle into TransientError, which the saga retries until the stock is reserved', async () => {
    nextLoadFailure = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    const { execution, attempts } = await reserveInSaga(1);
    expect(execution.status).toBe('SUCCEEDED');
    expect(attempts).toBe(2);
  });

  it('fails a shortage as OutOfStock, which the saga catches and compensates without a retry', async () => {
    const { execution, attempts } = await reserveInSaga(5);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe(caughtBy('RejectOutOfStock'));
    expect(attempts).toBe(1);
  });
});
