import { createOutboxRelayHandler } from '@shop/platform/relay';

export const handler = createOutboxRelayHandler();
