import { createOutboxRelayHandler } from '@shop/platform/messaging';

export const handler = createOutboxRelayHandler();
