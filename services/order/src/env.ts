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
