/** The fewest DynamoDB calls an operation needs with this shop's table design, and why. */
export interface MinimumCalls {
  readonly calls: number;
  readonly reason: string;
  /**
   * Why the operation makes more calls than `calls`, and what the extra ones buy: an operation above
   * its minimum with this set is reported as explained rather than flagged OVER.
   */
  readonly explained?: string;
}

/**
 * Expected minimum DynamoDB round trips per operation, keyed `<function> <METHOD> <path>` for HTTP
 * routes and `<function>` for saga tasks, consumers (per event) and relays. The reasons follow the
 * single-table layouts of the services (products, SKUs and reservations in separate partitions;
 * writes that publish an event share one transaction with their outbox item).
 */
export const DYNAMODB_MINIMUMS: Readonly<Record<string, MinimumCalls>> = {
  'catalog-http GET /products': {
    calls: 2,
    reason: 'Query the active-products index, BatchGetItem the stock of the page’s SKUs',
  },
  'catalog-http GET /products/{productId}': {
    calls: 2,
    reason: 'GetItem the product, BatchGetItem the stock of its SKUs',
  },
  'catalog-http GET /categories': { calls: 1, reason: 'Query the CATEGORIES partition' },
  'catalog-http GET /inventory/{sku}': { calls: 1, reason: 'GetItem the SKU' },
  'catalog-http PUT /inventory/{sku}': { calls: 1, reason: 'one UpdateItem returning ALL_NEW' },
  'catalog-http POST /products': {
    calls: 1,
    reason: 'one TransactWriteItems: product, SKUs (attribute_not_exists), category, outbox event',
  },
  'catalog-http PATCH /products/{productId}': {
    calls: 2,
    reason: 'GetItem the product, one transaction with the outbox event',
    explained:
      'the answer shows each variant’s stock, which lives on the SKU items (where reservations decrement it); the SKUs are known only once the product is read, and a transaction returns no items, so one BatchGetItem(SKU) follows the write',
  },
  'catalog-http DELETE /products/{productId}': {
    calls: 2,
    reason: 'GetItem the product, one transaction with the outbox event',
  },
  'catalog-reserve-stock': {
    calls: 2,
    reason:
      'BatchGetItem the SKUs (prices), one TransactWriteItems: conditional decrements and the reservation',
  },
  'catalog-release-stock': {
    calls: 2,
    reason: 'GetItem the reservation, one transaction giving the stock back',
  },
  'catalog-restock-order': {
    calls: 2,
    reason: 'GetItem the reservation, one transaction giving the stock back',
  },
  'catalog-commit-stock': {
    calls: 2,
    reason: 'GetItem the reservation, one transaction committing it with the dedupe marker',
  },
  'catalog-lookup-skus': { calls: 1, reason: 'one BatchGetItem of the SKUs' },
  'catalog-outbox-relay': { calls: 0, reason: 'reads the stream, sends to SQS' },
  'cart-http POST /carts': { calls: 1, reason: 'PutItem the cart' },
  'cart-http GET /cart': {
    calls: 1,
    reason: 'GetItem (or Query) the cart partition',
    explained:
      'the lines keep SKU and quantity only; price, name and whether it still sells come from the cart’s replica of the catalog (one item per SKU, one BatchGetItem). Copying them into the lines would make every product change rewrite every cart holding the SKU (an unbounded fan-out per change) and show a stale price in between; one read per view keeps a product change at one write',
  },
  'cart-http PUT /cart/items/{sku}': {
    calls: 2,
    reason: 'read the cart, write the line (the SKU check is a Lambda call to the catalog)',
  },
  'cart-http DELETE /cart/items/{sku}': { calls: 1, reason: 'one conditional UpdateItem or DeleteItem' },
  'cart-http POST /cart/merge': {
    calls: 2,
    reason: 'BatchGetItem both carts, one transaction writing the merge',
    explained:
      'the merged cart is answered priced: one BatchGetItem(SKU) of the replica, as for GET /cart (the SKUs are known only once both carts are read)',
  },
  'cart-http DELETE /cart': { calls: 1, reason: 'one DeleteItem (or UpdateItem)' },
  'cart-checkout-view': {
    calls: 1,
    reason: 'read the cart; its lines carry their prices',
    explained:
      'the lines carry SKU and quantity only (see GET /cart): checkout prices them from the replica, one BatchGetItem(SKU), so the order starts at the current price and with unsellable SKUs left out (PriceOrder then reprices at the catalog’s reserved prices)',
  },
  'cart-order-confirmed': {
    calls: 1,
    reason: 'one conditional UpdateItem: empty the cart unless it was emptied for this order',
  },
  'cart-product-changed': {
    calls: 2,
    reason: 'find the carts holding the SKUs, one transaction updating them with the dedupe marker',
  },
  'order-http POST /checkout': {
    calls: 1,
    reason:
      'one conditional TransactWriteItems: the order and its idempotency key (the cart comes by Lambda)',
    explained:
      'Powertools idempotency writes its record twice (PutItem IN_PROGRESS before the handler, UpdateItem COMPLETED with the response after): that is what detects a concurrent duplicate while the first is still running (409, not a second saga), replays the stored 202 for 24 h and expires a crashed request’s record with the invocation. The GetItem(ORDER) before the saga starts guards a key whose record has expired: the order (not the saga name, which Step Functions frees 90 days after the execution closes) tells a replay from a reused key, so no second saga runs over an existing order. The PutItem(ORDER) after the start keeps “never an order without a saga”',
  },
  'order-http GET /orders/{orderId}': {
    calls: 1,
    reason: 'Query the order partition (order, lines, history)',
  },
  'order-http GET /orders': { calls: 1, reason: 'Query the customer index' },
  'order-http POST /orders/{orderId}/cancel': {
    calls: 2,
    reason: 'GetItem the order, one conditional update',
  },
  'order-http GET /admin/orders': { calls: 1, reason: 'Query the status index' },
  'order-place-order': {
    calls: 1,
    reason: 'one conditional PutItem (a no-op when the HTTP function wrote the order)',
  },
  'order-price-order': { calls: 1, reason: 'one conditional UpdateItem with the prices' },
  'order-confirm-order': { calls: 1, reason: 'one transaction: status conditional on PENDING, outbox event' },
  'order-reject-order': { calls: 1, reason: 'one transaction: status, outbox event' },
  'order-cancel-order': { calls: 1, reason: 'one transaction: status, outbox event' },
  'order-abort-cancellation': { calls: 1, reason: 'one conditional UpdateItem' },
  'order-payment-refunded': { calls: 2, reason: 'GetItem the order, one transaction with the dedupe marker' },
  'order-outbox-relay': { calls: 0, reason: 'reads the stream, sends to SQS' },
  'notifications-order-events': {
    calls: 2,
    reason:
      'GetItem the sent-email log entry of the event, PutItem it once the email is sent (the order comes by Lambda)',
    explained:
      'Powertools idempotency adds its record (PutItem IN_PROGRESS, UpdateItem COMPLETED): SES has no idempotency key, so the IN_PROGRESS record is what keeps two concurrent deliveries of one event from both finding no log entry and sending the email twice; the log entry alone covers only deliveries after it is written',
  },
  'order-order-view': { calls: 1, reason: 'GetItem the order' },
  'payment-http GET /payments': { calls: 1, reason: 'Query the order index' },
  'payment-http POST /payments/{paymentId}/refund': {
    calls: 2,
    reason: 'GetItem the payment, one transaction: refund, payment, outbox event',
  },
  'payment-authorize-payment': {
    calls: 1,
    reason: 'one conditional PutItem keyed by the order',
    explained:
      'the PENDING payment is put (conditionally, handing a repetition the payment already there) before the card network is called, and the outcome written after: that write-ahead lease is what lets a concurrent duplicate wait instead of calling the network, lets VoidPayment after a crash or timeout know an authorization may exist (it waits rather than voiding nothing), and lets a retry take over a crashed call’s lease. Writing the outcome alone would leave a charge without a record',
  },
  'payment-capture-payment': {
    calls: 2,
    reason: 'GetItem the payment, one transaction with the outbox event',
  },
  'payment-void-payment': { calls: 2, reason: 'GetItem the payment, one conditional update' },
  'payment-refund-payment': {
    calls: 2,
    reason: 'GetItem the payment, one transaction with the outbox event',
  },
  'payment-outbox-relay': { calls: 0, reason: 'reads the stream, sends to SQS' },
};
