import {
  CATALOG_TASK_ERRORS,
  CATALOG_TASKS,
  ReleaseStockInput,
  type ReleaseStockOutput,
  ReserveStockInput,
  type ReserveStockOutput,
  RestockOrderInput,
  type RestockOrderOutput,
} from '@shop/contracts/catalog';
import { defineSagaTask, type SagaTask, type TaskErrorNames } from '@shop/platform/task';
import { OutOfStockError } from '../domain/stock.errors.ts';
import { releaseStock, reserveStock, restockOrder, type StockDeps } from './stock-reservation.use-cases.ts';

/** `OutOfStock` is the catalog's one domain failure of a saga; anything else is retried. */
const STOCK_TASK_ERROR_NAMES: TaskErrorNames = [[OutOfStockError, CATALOG_TASK_ERRORS.outOfStock]];

/** The `ReserveStock` task: the state machine's JSON in, the contract's JSON out. */
export const createReserveStockTask = (deps: StockDeps): SagaTask<ReserveStockOutput> =>
  defineSagaTask({
    name: CATALOG_TASKS.reserveStock,
    input: ReserveStockInput,
    errors: STOCK_TASK_ERROR_NAMES,
    run: (input) => reserveStock(deps, input),
  });

/** The `ReleaseStock` task: releases a held reservation, restocks a committed sale. */
export const createReleaseStockTask = (deps: StockDeps): SagaTask<ReleaseStockOutput> =>
  defineSagaTask({
    name: CATALOG_TASKS.releaseStock,
    input: ReleaseStockInput,
    errors: STOCK_TASK_ERROR_NAMES,
    run: ({ orderId }) => releaseStock(deps, orderId),
  });

/** The `RestockOrder` task of the cancel saga. */
export const createRestockOrderTask = (deps: StockDeps): SagaTask<RestockOrderOutput> =>
  defineSagaTask({
    name: CATALOG_TASKS.restockOrder,
    input: RestockOrderInput,
    errors: STOCK_TASK_ERROR_NAMES,
    run: ({ orderId }) => restockOrder(deps, orderId),
  });
