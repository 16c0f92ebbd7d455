import { AuthEnv, lazyEnv, PlatformEnv, parseEnv } from '@shop/platform/env';
import * as z from 'zod';

/** What the saga tasks and the consumer need (no AUTH_*). */
export const TaskEnv = PlatformEnv.extend({ TABLE_NAME: z.string().min(1) });
export type TaskEnv = z.infer<typeof TaskEnv>;

// Names the platform derives from the definition (`stateMachineArnVariable('checkout')`,
// `invokedFunctionVariable('cart.checkoutView')`); spelled out to keep the wiring module out of the
// bundle, and checked against it by service.test.ts.
export const CHECKOUT_ARN = 'CHECKOUT_STATE_MACHINE_ARN';
export const CANCEL_ARN = 'CANCEL_STATE_MACHINE_ARN';
export const CART_FUNCTION = 'CART_CHECKOUT_VIEW_FUNCTION_NAME';
export const SETTLE_ARN = 'SETTLE_STATE_MACHINE_ARN';

/** Seconds an order may stay PENDING (or CANCELLING) before the reconciler looks at it. */
export const DEFAULT_RECONCILE_AFTER_SECONDS = 120;

export const HttpEnv = TaskEnv.extend(AuthEnv.shape).extend({
  CHECKOUT_STATE_MACHINE_ARN: z.string().min(1),
  CANCEL_STATE_MACHINE_ARN: z.string().min(1),
  CART_CHECKOUT_VIEW_FUNCTION_NAME: z.string().min(1),
});

export interface HttpConfig extends TaskEnv, AuthEnv {
  readonly checkoutStateMachineArn: string;
  readonly cancelStateMachineArn: string;
  readonly cartCheckoutViewFunctionName: string;
}

/** What the reconciler needs: the three sagas it supervises, and when an order counts as stale. */
export const ReconcileEnv = TaskEnv.extend({
  CHECKOUT_STATE_MACHINE_ARN: z.string().min(1),
  CANCEL_STATE_MACHINE_ARN: z.string().min(1),
  SETTLE_STATE_MACHINE_ARN: z.string().min(1),
  RECONCILE_AFTER_SECONDS: z.coerce.number().int().min(0).default(DEFAULT_RECONCILE_AFTER_SECONDS),
});
export type ReconcileEnv = z.infer<typeof ReconcileEnv>;

/** What the reconciler needs, parsed once. */
export const reconcileEnv = lazyEnv(ReconcileEnv);

let http: HttpConfig | undefined;

/** What the saga tasks need, parsed once. */
export const taskEnv = lazyEnv(TaskEnv);

/** What the HTTP function needs, parsed once. */
export const httpEnv = (): HttpConfig => {
  if (!http) {
    const env = parseEnv(HttpEnv);
    http = {
      ...env,
      checkoutStateMachineArn: env.CHECKOUT_STATE_MACHINE_ARN,
      cancelStateMachineArn: env.CANCEL_STATE_MACHINE_ARN,
      cartCheckoutViewFunctionName: env.CART_CHECKOUT_VIEW_FUNCTION_NAME,
    };
  }
  return http;
};
