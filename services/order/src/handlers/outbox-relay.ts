import { createOutboxRelayHandler } from '@shop/platform/messaging';

/** Relays `order.*` events from the table's stream to the subscribers' queues. */
export const handler = createOutboxRelayHandler();
