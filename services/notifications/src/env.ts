import { lazyEnv, PlatformEnv } from '@shop/platform/env';
import * as z from 'zod';

// Names the platform derives from the definition (`invokedFunctionVariable('order.orderView')`,
// `EMAIL_FROM_ADDRESS_VARIABLE`); spelled out to keep the wiring module out of the bundle, and
// checked against it by service.test.ts.
export const ORDER_VIEW_FUNCTION_VARIABLE = 'ORDER_ORDER_VIEW_FUNCTION_NAME';
export const EMAIL_FROM_VARIABLE = 'EMAIL_FROM_ADDRESS';

const ConsumerEnv = PlatformEnv.extend({
  TABLE_NAME: z.string().min(1),
  [ORDER_VIEW_FUNCTION_VARIABLE]: z.string().min(1),
  [EMAIL_FROM_VARIABLE]: z.string().min(3),
});

export type ConsumerEnv = z.infer<typeof ConsumerEnv>;

/** What the order-events consumer reads, parsed once. */
export const consumerEnv = lazyEnv(ConsumerEnv);
