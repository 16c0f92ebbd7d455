import { fileURLToPath } from 'node:url';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { PROMOTION_TASKS } from '@shop/contracts/promotions';
import { functionArn, StepFunctionsEmulator, type TestDynamoDb } from '@shop/local-cloud/testing';
import {
  caughtBy,
  inProcessInvoker,
  isolateTaskState,
  sagaDefinitionWith,
} from '@shop/platform/task/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromotionsDeps } from '../src/application/promotions.deps.ts';
import { createPromotionTasks } from '../src/application/promotions.tasks.ts';
import { createPromotion } from '../src/application/promotions.use-cases.ts';
import { lines, promotionRequest, startPromotionsDb } from './promotions.fixture.ts';

const REDEEM = 'promotions-redeem-promotion';
const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

let db: TestDynamoDb;
let deps: PromotionsDeps;
let checkoutAsl: unknown;
/** What the next read of a promotion throws, once. */
let nextGetFailure: Error | undefined;

beforeAll(async () => {
  ({ db, deps } = await startPromotionsDb());
  checkoutAsl = await sagaDefinitionWith(REPO_ROOT, PROMOTION_TASKS.redeemPromotion);
});
afterAll(() => db.stop());

const flakyDeps = (): PromotionsDeps => ({
  ...deps,
  promotions: {
    get: (code) => {
      const failure = nextGetFailure;
      nextGetFailure = undefined;
      return failure ? Promise.reject(failure) : deps.promotions.get(code);
    },
    create: (promotion) => deps.promotions.create(promotion),
    update: (previous, next) => deps.promotions.update(previous, next),
    list: (page) => deps.promotions.list(page),
    customerRedemptions: (code, customerId) => deps.promotions.customerRedemptions(code, customerId),
  },
});

const redeemInSaga = async (code: string, orderId: string) => {
  const invoker = inProcessInvoker({ [REDEEM]: createPromotionTasks(flakyDeps()).redeemPromotion });
  const emulator = new StepFunctionsEmulator({ invoker, waitTimeScale: 0.001 });
  try {
    const machine = emulator.createStateMachine({
      name: `redeem-${orderId}`,
      definition: isolateTaskState(checkoutAsl, PROMOTION_TASKS.redeemPromotion, functionArn(REDEEM)),
    });
    const { executionArn } = emulator.startExecution({
      stateMachineArn: machine.stateMachineArn,
      // The saga's state at RedeemPromotion: the order, its code and the reserved lines.
      input: JSON.stringify({
        orderId,
        correlationId: `test-${orderId}`,
        customerId: 'alice',
        promotionCode: code,
        reservation: { lines: lines(4000) },
      }),
    });
    const execution = await emulator.waitForExecution(executionArn, 20_000);
    return { execution, attempts: invoker.calls.length };
  } finally {
    await emulator.close();
  }
};

describe('promotion task errors in the saga', () => {
  it('turns a DynamoDB throttle into TransientError, which the saga retries until the code is redeemed', async () => {
    const promotion = await createPromotion(deps, promotionRequest({ maxRedemptions: 1 }));
    nextGetFailure = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    const { execution, attempts } = await redeemInSaga(promotion.code, `o-${promotion.code}-1`);
    expect(execution.status).toBe('SUCCEEDED');
    expect(attempts).toBe(2);
  });

  it('fails a used-up code as PromotionExhausted, which the saga catches and compensates without a retry', async () => {
    const promotion = await createPromotion(deps, promotionRequest({ maxRedemptions: 1 }));
    expect((await redeemInSaga(promotion.code, `o-${promotion.code}-1`)).execution.status).toBe('SUCCEEDED');
    const { execution, attempts } = await redeemInSaga(promotion.code, `o-${promotion.code}-2`);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe(caughtBy('ReleaseAfterPromotionExhausted'));
    expect(attempts).toBe(1);
  });

  it('fails an unknown code as PromotionUnavailable, caught on its own path', async () => {
    const { execution } = await redeemInSaga('NO-SUCH-CODE', 'o-unknown-code');
    expect(execution.error).toBe(caughtBy('ReleaseAfterPromotionUnavailable'));
  });
});
