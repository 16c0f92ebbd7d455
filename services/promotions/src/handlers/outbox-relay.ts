import { createOutboxRelayHandler } from '@shop/platform/relay';

/** Relays `promotions.*` events from the table's stream to the subscribers' queues. */
export const handler = createOutboxRelayHandler();
