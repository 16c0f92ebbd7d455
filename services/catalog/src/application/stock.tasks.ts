import {
  CATALOG_TASKS,
  ReleaseStockInput,
  type ReleaseStockOutput,
  ReserveStockInput,
  type ReserveStockOutput,
  RestockOrderInput,
  type RestockOrderOutput,
} from '@shop/contracts/catalog';
import type { z } from 'zod';
import { releaseStock, reserveStock, restockOrder, type StockDeps } from './stock-reservation.use-cases.ts';

/** A saga input that does not match its contract: a bug in the state machine, not worth a retry. */
export class InvalidTaskInputError extends Error {
  constructor(task: string, detail: string) {
    super(`${task}: invalid input: ${detail}`);
    this.name = 'InvalidTaskInput';
  }
}

const parse = <T>(task: string, schema: z.ZodType<T>, input: unknown): T => {
  const result = schema.safeParse(input);
  if (!result.success) throw new InvalidTaskInputError(task, result.error.message);
  return result.data;
};

/** The `ReserveStock` task: the state machine's JSON in, the contract's JSON out. */
export const createReserveStockTask =
  (deps: StockDeps) =>
  async (input: unknown): Promise<ReserveStockOutput> =>
    reserveStock(deps, parse(CATALOG_TASKS.reserveStock, ReserveStockInput, input));

/** The `ReleaseStock` task: releases a held reservation, restocks a committed sale. */
export const createReleaseStockTask =
  (deps: StockDeps) =>
  async (input: unknown): Promise<ReleaseStockOutput> =>
    releaseStock(deps, parse(CATALOG_TASKS.releaseStock, ReleaseStockInput, input).orderId);

/** The `RestockOrder` task of the cancel saga. */
export const createRestockOrderTask =
  (deps: StockDeps) =>
  async (input: unknown): Promise<RestockOrderOutput> =>
    restockOrder(deps, parse(CATALOG_TASKS.restockOrder, RestockOrderInput, input).orderId);
