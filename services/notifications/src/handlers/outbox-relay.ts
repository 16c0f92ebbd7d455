import { createOutboxRelayHandler } from '@shop/platform/relay';

/** Relays `notifications.*` events from the table's stream to the subscribers' queues. */
export const handler = createOutboxRelayHandler();
