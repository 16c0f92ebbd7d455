import {
  PROMOTION_TASK_ERRORS,
  PROMOTION_TASKS,
  RedeemPromotionInput,
  type RedeemPromotionOutput,
  ReleasePromotionInput,
  type ReleasePromotionOutput,
} from '@shop/contracts/promotions';
import { defineSagaTask, type SagaTask, type TaskErrorNames } from '@shop/platform/task';
import { PromotionExhaustedError, PromotionUnavailableError } from '../domain/promotions.errors.ts';
import type { PromotionsDeps } from './promotions.deps.ts';
import { redeemPromotion, releasePromotion } from './redemption.use-cases.ts';

/** The two refusals the checkout saga catches; anything else (a lost race included) is retried. */
const PROMOTION_TASK_ERROR_NAMES: TaskErrorNames = [
  [PromotionExhaustedError, PROMOTION_TASK_ERRORS.exhausted],
  [PromotionUnavailableError, PROMOTION_TASK_ERRORS.unavailable],
];

/** The promotions service's saga tasks, each idempotent by order id. */
export const createPromotionTasks = (
  deps: PromotionsDeps,
): {
  redeemPromotion: SagaTask<RedeemPromotionOutput>;
  releasePromotion: SagaTask<ReleasePromotionOutput>;
} => ({
  redeemPromotion: defineSagaTask({
    name: PROMOTION_TASKS.redeemPromotion,
    input: RedeemPromotionInput,
    errors: PROMOTION_TASK_ERROR_NAMES,
    run: (input) => redeemPromotion(deps, input),
  }),
  releasePromotion: defineSagaTask({
    name: PROMOTION_TASKS.releasePromotion,
    input: ReleasePromotionInput,
    errors: PROMOTION_TASK_ERROR_NAMES,
    run: ({ orderId }) => releasePromotion(deps, orderId),
  }),
});
