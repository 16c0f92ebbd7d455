import type { ApiResponse } from '@shop/local-cloud/testing';
import { stateMachineNameOf } from '@shop/platform/service';
import type { TappedCall } from './aws-call.tap.ts';
import type { BenchContext } from './bench.context.ts';
import type { BenchStack, InvocationRecord } from './bench.stack.ts';
import { sleep, stringField } from './bench.util.ts';
import { checkoutUnavailable } from './checkout.bench.ts';
import { DYNAMODB_MINIMUMS } from './dynamodb-minimums.ts';
import { fixed, type ResultRow, type SectionResult } from './report.ts';
import { checkout, fillCart, prepareStock } from './shopper.journey.ts';

const DYNAMODB_TARGET = 'DynamoDB_20120810.';
const SIMULATED_PROVIDER = 'SIMPROVIDER';

/** What one checkout consumed, counted on the stack: the input of the cost model. */
export interface CountedCheckout {
  readonly orderId: string;
  readonly calls: readonly TappedCall[];
  readonly invocations: readonly InvocationRecord[];
  readonly workflowStatus: string;
  readonly stateTransitions: number;
  readonly workflowDurationMs: number;
}

interface Window {
  readonly calls: readonly TappedCall[];
  readonly invocations: readonly InvocationRecord[];
}

const isDynamoDb = (call: TappedCall) => call.target.startsWith(DYNAMODB_TARGET);
const operationOf = (call: TappedCall) => call.target.slice(DYNAMODB_TARGET.length);

/** `GetItem(PRODUCT) 1, BatchGetItem(SKU) 1`: operations with the key prefixes they touched. */
export const breakdown = (calls: readonly TappedCall[]): string => {
  const counts = new Map<string, number>();
  for (const call of calls) {
    const prefixes = call.keyPrefixes?.length ? `(${call.keyPrefixes.join('+')})` : '';
    const label = `${operationOf(call)}${prefixes}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([op, n]) => `${op} ${n}`).join(', ') || 'none';
};

const unitsOf = (calls: readonly TappedCall[]) => {
  const known = calls.filter((c) => c.readUnits !== undefined || c.writeUnits !== undefined);
  return {
    known: known.length === calls.length,
    read: known.reduce((t, c) => t + (c.readUnits ?? 0), 0),
    write: known.reduce((t, c) => t + (c.writeUnits ?? 0), 0),
  };
};

/**
 * Section 3: every public operation and saga task run once on the stack, each function's AWS calls
 * attributed to it by the tap, next to the minimum the operation needs.
 */
export const runDynamoDbSection = async (
  ctx: BenchContext,
  bench: BenchStack,
): Promise<{ result: SectionResult; checkout?: CountedCheckout }> => {
  const tap = await bench.installTap();
  const { client } = bench;
  const rows: ResultRow[] = [];
  const findings: string[] = [];
  const seen = new Set<string>();

  const windowed = async <T>(run: () => Promise<T>, settle: boolean): Promise<{ value: T } & Window> => {
    const callMark = tap.calls.length;
    const invocationMark = bench.invocations.length;
    const value = await run();
    if (settle) await bench.settle(300);
    return {
      value,
      calls: tap.calls.slice(callMark).filter(isDynamoDb),
      invocations: bench.invocations.slice(invocationMark),
    };
  };

  const addRow = (key: string, label: string, allCalls: readonly TappedCall[], note: string, per = 1) => {
    seen.add(key);
    // The simulated card network keeps its state in the payment table; in production it is the PSP's
    // HTTP API, so its calls are shown but not held against the operation's minimum.
    const simulated = allCalls.filter(
      (c) => c.keyPrefixes?.length && c.keyPrefixes.every((p) => p === SIMULATED_PROVIDER),
    );
    const calls = allCalls.filter((c) => !simulated.includes(c));
    if (simulated.length > 0)
      note = `${note}; + ${simulated.length / per} simulated-provider call(s) not counted`;
    const minimum = DYNAMODB_MINIMUMS[key];
    const count = calls.length / per;
    const scans = calls.filter((c) => operationOf(c) === 'Scan').length;
    const units = unitsOf(calls);
    const above = minimum !== undefined && count > minimum.calls;
    const explained = above ? minimum.explained : undefined;
    const over = (above && explained === undefined) || scans > 0;
    rows.push({
      section: '3',
      figure: `DynamoDB calls ${label}`,
      median: fixed(count, Number.isInteger(count) ? 0 : 1),
      spread: breakdown(calls),
      budget: minimum ? `min ${minimum.calls}${explained ? ', explained' : ''}` : 'no minimum set',
      verdict: minimum ? (over ? 'OVER' : 'ok') : '',
      notes: [
        note,
        units.known && calls.length > 0
          ? `${fixed(units.read / per, 1)} RRU, ${fixed(units.write / per, 1)} WRU`
          : '',
        minimum?.reason ?? '',
        explained ? `explained: ${explained}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    });
    if (scans > 0) findings.push(`${label} issues ${scans} Scan(s): no Scan may run on a request path.`);
    if (above) {
      const excess = `${label}: ${fixed(count, 1)} DynamoDB calls (${breakdown(calls)}) where ${minimum.calls} would do (${minimum.reason})`;
      findings.push(explained ? `${excess}; explained: ${explained}` : `${excess}.`);
    }
  };

  /** One HTTP operation; its own function's calls make the row, other functions' calls go in the notes. */
  const http = async (
    functionName: string,
    method: string,
    route: string,
    label: string,
    run: () => Promise<ApiResponse>,
    settle = false,
  ) => {
    const { value: response, calls, invocations } = await windowed(run, settle);
    const own = calls.filter((c) => c.caller === functionName);
    const others = new Map<string, number>();
    for (const call of calls.filter((c) => c.caller !== functionName)) {
      others.set(call.caller, (others.get(call.caller) ?? 0) + 1);
    }
    const synchronous = invocations.filter((i) => i.functionName !== functionName && i.records === 0);
    const notes = [
      `HTTP ${response.status}`,
      ...[...others].map(([caller, n]) =>
        synchronous.some((i) => i.functionName === caller) ? `+ ${caller} ${n}` : `(async ${caller} ${n})`,
      ),
    ].join(', ');
    addRow(`${functionName} ${method} ${route}`, `${method} ${label} (${functionName})`, own, notes);
    return response;
  };

  const has = (service: string) => ctx.services.some((s) => s.name === service);
  const run = Date.now().toString(36);
  ctx.progress('dynamodb: counting the calls of each operation');
  const { productId, sku, admin } = await prepareStock(client);
  // First requests after the functions were re-pointed at the tap start new environments; warm them.
  await client.request('GET', `/products/${productId}`);
  const customer = await client.tokenFor(`bench-counter-${run}`);

  if (has('catalog')) {
    const fn = 'catalog-http';
    await http(fn, 'GET', '/products', '/products', () => client.request('GET', '/products?limit=10'));
    await http(fn, 'GET', '/products', '/products?category=', () =>
      client.request('GET', '/products?category=apparel&limit=10'),
    );
    await http(fn, 'GET', '/products/{productId}', '/products/{productId}', () =>
      client.request('GET', `/products/${productId}`),
    );
    await http(fn, 'GET', '/categories', '/categories', () => client.request('GET', '/categories'));
    await http(fn, 'GET', '/inventory/{sku}', '/inventory/{sku}', () =>
      client.request('GET', `/inventory/${sku}`),
    );
    await http(
      fn,
      'PUT',
      '/inventory/{sku}',
      '/inventory/{sku}',
      () => client.request('PUT', `/inventory/${sku}`, { token: admin, json: { onHand: 1_000_000 } }),
      true,
    );
    const created = await http(
      fn,
      'POST',
      '/products',
      '/products',
      () =>
        client.request('POST', '/products', {
          token: admin,
          json: {
            name: `Bench product ${run}`,
            description: 'Created by npm run bench.',
            category: 'bench',
            variants: [
              {
                sku: `BENCH-${run}`.toUpperCase(),
                name: 'One',
                attributes: {},
                price: { amount: 1000, currency: 'USD' },
              },
            ],
          },
        }),
      true,
    );
    const newId = stringField(created.body, 'id') ?? 'missing';
    await http(
      fn,
      'PATCH',
      '/products/{productId}',
      '/products/{productId}',
      () =>
        client.request('PATCH', `/products/${newId}`, {
          token: admin,
          json: { name: `Bench product ${run} renamed` },
        }),
      true,
    );
    await http(
      fn,
      'DELETE',
      '/products/{productId}',
      '/products/{productId}',
      () => client.request('DELETE', `/products/${newId}`, { token: admin }),
      true,
    );
  }

  if (has('cart')) {
    const fn = 'cart-http';
    const guest = await http(fn, 'POST', '/carts', '/carts', () => client.request('POST', '/carts'));
    const cartToken = stringField(guest.body, 'cartToken') ?? 'missing';
    const asGuest = { headers: { 'x-cart-token': cartToken } };
    await http(fn, 'PUT', '/cart/items/{sku}', '/cart/items/{sku} as a guest', () =>
      client.request('PUT', `/cart/items/${sku}`, { ...asGuest, json: { quantity: 1 } }),
    );
    await http(fn, 'GET', '/cart', '/cart as a guest', () => client.request('GET', '/cart', asGuest));
    await http(fn, 'PUT', '/cart/items/{sku}', '/cart/items/{sku}', () =>
      client.request('PUT', `/cart/items/${sku}`, { token: customer, json: { quantity: 2 } }),
    );
    await http(fn, 'GET', '/cart', '/cart', () => client.request('GET', '/cart', { token: customer }));
    await http(fn, 'DELETE', '/cart/items/{sku}', '/cart/items/{sku}', () =>
      client.request('DELETE', `/cart/items/${sku}`, { token: customer }),
    );
    await http(fn, 'POST', '/cart/merge', '/cart/merge', () =>
      client.request('POST', '/cart/merge', { token: customer, json: { cartToken } }),
    );
    await http(
      fn,
      'DELETE',
      '/cart',
      '/cart',
      () => client.request('DELETE', '/cart', { token: customer }),
      true,
    );
  }

  let counted: CountedCheckout | undefined;
  const unavailable = checkoutUnavailable(ctx);
  if (unavailable) {
    findings.push(`Saga tasks not counted: ${unavailable}.`);
  } else {
    await fillCart(client, customer, sku);
    await bench.settle(300);
    let orderId = '';
    const order = ctx.services.find((s) => s.name === 'order');
    const machine = stateMachineNameOf({ name: order?.name ?? 'order' }, 'checkout');
    const sfn = bench.stack.stepFunctions;
    // Followed through the saga itself rather than by polling, so the window holds one order's work only.
    const window = await windowed(async () => {
      orderId = await checkout(client, customer, `bench-count-${run}`);
      const executionArn = sfn.executionArn(machine, orderId);
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await sfn.waitForExecution(executionArn);
        } catch (error) {
          if (attempt >= 20) throw error;
          await sleep(25);
        }
      }
    }, true);
    const execution = window.value;
    const history = sfn.getExecutionHistory({ executionArn: execution.executionArn, maxResults: 1000 });
    counted = {
      orderId,
      calls: window.calls,
      invocations: window.invocations,
      stateTransitions: history.events.filter((e) => e.type.endsWith('StateEntered')).length,
      workflowDurationMs: (execution.stopDate ?? execution.startDate) - execution.startDate,
      workflowStatus: execution.status,
    };
    addRow(
      'order-http POST /checkout',
      'POST /checkout (order-http)',
      window.calls.filter((c) => c.caller === 'order-http'),
      `saga ${execution.status}, ${counted.stateTransitions} states entered`,
    );
    const byFunction = new Map<string, InvocationRecord[]>();
    for (const invocation of window.invocations) {
      if (invocation.functionName === 'order-http') continue;
      byFunction.set(invocation.functionName, [
        ...(byFunction.get(invocation.functionName) ?? []),
        invocation,
      ]);
    }
    for (const [name, invocations] of byFunction) {
      const events = invocations.reduce((t, i) => t + i.records, 0);
      const isBatch = events > 0;
      const per = isBatch && !name.endsWith('outbox-relay') ? events : invocations.length;
      addRow(
        name,
        `${name}${isBatch ? ' per event' : ' per invocation'}`,
        window.calls.filter((c) => c.caller === name),
        `${invocations.length} invocation(s)${isBatch ? `, ${events} record(s)` : ''} in one checkout`,
        per,
      );
    }
    await http('order-http', 'GET', '/orders/{orderId}', '/orders/{orderId}', () =>
      client.request('GET', `/orders/${orderId}`, { token: customer }),
    );
    await http('order-http', 'GET', '/orders', '/orders', () =>
      client.request('GET', '/orders', { token: customer }),
    );
    await http('order-http', 'GET', '/admin/orders', '/admin/orders', () =>
      client.request('GET', '/admin/orders?status=CONFIRMED', { token: admin }),
    );
    const payments = await http('payment-http', 'GET', '/payments', '/payments?orderId=', () =>
      client.request('GET', `/payments?orderId=${orderId}`, { token: customer }),
    );
    const paymentId =
      stringField((payments.body as { items?: unknown[] } | undefined)?.items?.[0], 'id') ?? 'missing';
    await http(
      'payment-http',
      'POST',
      '/payments/{paymentId}/refund',
      '/payments/{paymentId}/refund',
      () =>
        client.request('POST', `/payments/${paymentId}/refund`, {
          token: admin,
          json: { amount: { amount: 1, currency: 'USD' }, reason: 'bench partial refund' },
        }),
      true,
    );
    await http(
      'order-http',
      'POST',
      '/orders/{orderId}/cancel',
      '/orders/{orderId}/cancel',
      () => client.request('POST', `/orders/${orderId}/cancel`, { token: customer }),
      true,
    );
  }

  const unmeasured = Object.keys(DYNAMODB_MINIMUMS).filter((key) => !seen.has(key));
  const explanation = [
    `**3. DynamoDB round trips.** After the other stack sections, every function is re-registered with its own \`AWS_ENDPOINT_URL\` pointing at a counting proxy (\`aws-call.tap.ts\`) in front of the edge, so each call that goes over the wire is attributed to the function that made it, by \`X-Amz-Target\`; nothing in the functions changes. Each public operation runs once against the seeded stack (one after another; the functions they invoke synchronously are listed as \`+ function n\`, asynchronous consumers as \`(async …)\`). One checkout is then followed to the end of its saga and until every consumer is idle, and each saga task, consumer and relay it triggered gets a row (per invocation, or per event for queue consumers). The minimum per operation, with its reason, is the table \`DYNAMODB_MINIMUMS\` in \`dynamodb-minimums.ts\`; an operation above it, or any Scan, is flagged, unless the table says why the extra calls are worth making (\`explained\`: the row then reads \`min n, explained\` and its reason is in the notes and the findings). The simulated card network keeps its state in the payment table (key prefix \`SIMPROVIDER\`); those calls stand for the payment provider's HTTP API and are listed in the notes, not counted against the minimum. Request units are DynamoDB Local's own \`ConsumedCapacity\` (the proxy asks for it on every call).`,
    unmeasured.length > 0 ? `\nNot exercised in this run: ${unmeasured.join(', ')}.` : '',
  ].join('\n');
  return { result: { rows, findings, explanation }, ...(counted ? { checkout: counted } : {}) };
};
