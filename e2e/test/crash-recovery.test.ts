import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { LOCAL_CREDENTIALS } from '@shop/local-cloud';
import { ShopClient } from '@shop/local-cloud/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ShopFixtures, type Shopper } from './support/shop-fixtures.ts';
import { type AcceptedOrder, ShopInvariants } from './support/shop-invariants.ts';
import {
  crash,
  reapDynamoDbLocal,
  type ShopProcess,
  startShopProcess,
  stopShopProcess,
} from './support/shop-process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'shop-crash-'));
const lostDataDir = mkdtempSync(join(tmpdir(), 'shop-lost-sagas-'));
const running: ShopProcess[] = [];
const BUYERS = 12;
const STOCK = 20;
/** The blueprint's recovery budget: every accepted order settles within 3 minutes of the restart. */
const RECOVERY_BUDGET_MS = 180_000;

afterAll(async () => {
  for (const shop of running) await stopShopProcess(shop);
  for (const dir of [dataDir, lostDataDir]) {
    await reapDynamoDbLocal(dir);
    rmSync(dir, { recursive: true, force: true });
  }
});

const start = async (
  ports?: { port: number; edgePort: number },
  options: { dataDir?: string; env?: Record<string, string> } = {},
) => {
  const shop = await startShopProcess({
    args: ['--persist'],
    env: { SHOP_DATA_DIR: options.dataDir ?? dataDir, ...options.env },
    ...(ports ?? {}),
  });
  running.push(shop);
  return shop;
};

const addFault = async (shop: ShopProcess, fault: Record<string, unknown>) => {
  const response = await fetch(`${shop.edgeUrl}/_local/faults`, {
    method: 'POST',
    body: JSON.stringify(fault),
  });
  expect(response.status).toBe(201);
};

const clearFaults = async (shop: ShopProcess) => {
  const response = await fetch(`${shop.edgeUrl}/_local/faults`, { method: 'DELETE' });
  expect(response.ok).toBe(true);
};

/**
 * `count` buyers each check out one unit of `sku`, with captures slowed down so that their sagas are
 * still running 1.5 s after every checkout was accepted (when the caller crashes the shop).
 */
const checkoutsInFlight = async (
  shop: ShopProcess,
  fx: ShopFixtures,
  sku: string,
  count: number,
  name: string,
): Promise<AcceptedOrder[]> => {
  const buyers: Shopper[] = await Promise.all(Array.from({ length: count }, () => fx.shopper(name)));
  for (const buyer of buyers) await fx.putInCart(buyer, sku, 1);
  await addFault(shop, { kind: 'function-latency', function: 'payment-capture-payment', latencyMs: 4000 });
  const placed = await Promise.all(buyers.map((buyer) => fx.checkoutRetrying(buyer, 'pm_card_visa', 60_000)));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return placed.map(({ orderId }, i) => ({ orderId, shopper: buyers[i] as Shopper }));
};

describe('a crash in the middle of checkouts', () => {
  it('settles every accepted order after a restart: nothing lost, doubled, stuck or oversold', async () => {
    const first = await start();
    const fx = new ShopFixtures(new ShopClient(first.apiUrl));
    const { sku } = await fx.stockedSku(STOCK);
    // Slow the end of the saga and the consumers down, so the crash finds sagas and events in flight.
    await addFault(first, { kind: 'function-latency', function: 'catalog-commit-stock', latencyMs: 4000 });
    const accepted = await checkoutsInFlight(first, fx, sku, BUYERS, 'crash');
    const beforeCrash = await Promise.all(accepted.map(({ shopper, orderId }) => fx.order(shopper, orderId)));
    const unsettled = beforeCrash.filter((order) => order.status === 'PENDING').length;

    await crash(first);
    running.splice(running.indexOf(first), 1);
    // The watchdog stops the crashed runner's DynamoDB Local; its data folder must be free again.
    expect(await reapDynamoDbLocal(dataDir)).toEqual([]);

    const restartedAt = Date.now();
    const second = await start({ port: first.port, edgePort: first.edgePort });
    const again = new ShopFixtures(new ShopClient(second.apiUrl));
    const settled = await Promise.all(
      accepted.map(({ shopper, orderId }) =>
        again.settledOrder(shopper, orderId, undefined, RECOVERY_BUDGET_MS),
      ),
    );
    const recoveredInMs = Date.now() - restartedAt;
    process.stderr.write(
      `crash recovery: ${BUYERS} accepted, ${unsettled} unsettled at the crash, all final ${recoveredInMs} ms after the restart (${settled.map((o) => o.status).join(', ')})\n`,
    );
    expect(unsettled).toBeGreaterThan(0);
    expect(settled.every((order) => order.status === 'CONFIRMED')).toBe(true);

    const invariants = new ShopInvariants(again, { edgeUrl: second.edgeUrl, catalogTable: 'shop-catalog' });
    try {
      const report = await invariants.settle(accepted, [{ sku, initialOnHand: STOCK }], 60_000);
      expect(report.violations).toEqual([]);
    } finally {
      invariants.close();
    }
  }, 420_000);
});

/** The reconciler looks at orders older than 5 s, every 2 s: the drill runs in seconds, not minutes. */
const FAST_RECONCILER = { RECONCILE_AFTER_SECONDS: '5', SHOP_LOCAL_SCHEDULE_SECONDS: '2' };

describe('sagas lost or stopped', () => {
  it('restarts checkouts whose saga state was lost, settles one whose saga was stopped, and cancels one whose capture and every void failed', async () => {
    const first = await start(undefined, { dataDir: lostDataDir, env: FAST_RECONCILER });
    const fx = new ShopFixtures(new ShopClient(first.apiUrl));
    const { sku } = await fx.stockedSku(STOCK);
    const accepted = await checkoutsInFlight(first, fx, sku, 8, 'lost');
    await crash(first);
    running.splice(running.indexOf(first), 1);
    expect(await reapDynamoDbLocal(lostDataDir)).toEqual([]);
    // What a bug, a bad deploy or an operator's delete does in AWS: the orders stay, their executions do not.
    rmSync(join(lostDataDir, 'stepfunctions'), { recursive: true, force: true });

    const restartedAt = Date.now();
    const second = await start(
      { port: first.port, edgePort: first.edgePort },
      { dataDir: lostDataDir, env: FAST_RECONCILER },
    );
    const again = new ShopFixtures(new ShopClient(second.apiUrl));
    const settled = await Promise.all(
      accepted.map(({ shopper, orderId }) =>
        again.settledOrder(shopper, orderId, undefined, RECOVERY_BUDGET_MS),
      ),
    );
    process.stderr.write(
      `lost sagas: ${accepted.length} accepted, all final ${Date.now() - restartedAt} ms after the restart (${settled.map((o) => o.status).join(', ')})\n`,
    );
    expect(settled.every((order) => order.status === 'CONFIRMED')).toBe(true);
    expect(second.output()).toMatch(/order reconciled/);

    // An operator stops a checkout whose payment is slow to authorize: the reconciler settles it.
    await addFault(second, {
      kind: 'function-latency',
      function: 'payment-authorize-payment',
      latencyMs: 3000,
    });
    const late = await again.shopper('stopped');
    await again.putInCart(late, sku, 2);
    const { orderId } = await again.checkoutRetrying(late, 'pm_card_visa', 60_000);
    const sfn = new SFNClient({
      endpoint: second.edgeUrl,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      const executionArn = `arn:aws:states:us-east-1:000000000000:execution:order-checkout:${orderId}`;
      await expect
        .poll(async () => (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status, {
          timeout: 20_000,
        })
        .toBe('RUNNING');
      await sfn.send(new StopExecutionCommand({ executionArn, cause: 'stopped by an operator' }));
      const rejected = await again.settledOrder(late, orderId, 'REJECTED', 60_000);
      expect(rejected.statusReason).toBe('CHECKOUT_ABANDONED');

      // The capture fails for good after the order was confirmed, and every void of the compensation
      // fails too: the checkout execution fails over a CONFIRMED order. Once the provider is back, the
      // reconciler redrives it from the void, and the order ends CANCELLED with nothing charged.
      await clearFaults(second);
      await addFault(second, {
        kind: 'function-error',
        function: 'payment-capture-payment',
        errorType: 'CaptureRejected',
      });
      await addFault(second, {
        kind: 'function-error',
        function: 'payment-void-payment',
        errorType: 'TransientError',
      });
      const unlucky = await again.shopper('capture-fails');
      await again.putInCart(unlucky, sku, 1);
      const placed = await again.checkoutRetrying(unlucky, 'pm_card_visa', 60_000);
      const checkoutArn = `arn:aws:states:us-east-1:000000000000:execution:order-checkout:${placed.orderId}`;
      await expect
        .poll(
          async () => (await sfn.send(new DescribeExecutionCommand({ executionArn: checkoutArn }))).status,
          {
            timeout: 60_000,
            interval: 250,
          },
        )
        .toBe('FAILED');
      expect((await again.order(unlucky, placed.orderId)).status).toBe('CONFIRMED');
      expect((await again.payments(unlucky, placed.orderId)).map((p) => p.status)).toEqual(['AUTHORIZED']);
      await clearFaults(second);
      const cancelled = await again.settledOrder(unlucky, placed.orderId, 'CANCELLED', 60_000);
      expect(cancelled.statusReason).toBe('PAYMENT_FAILED');
      await again.paymentOnceItIs(unlucky, placed.orderId, 'VOIDED', 30_000);
      expect(second.output()).toMatch(new RegExp(`order reconciled.*${placed.orderId}`));
      accepted.push({ orderId: placed.orderId, shopper: unlucky });
    } finally {
      sfn.destroy();
    }

    const invariants = new ShopInvariants(again, { edgeUrl: second.edgeUrl, catalogTable: 'shop-catalog' });
    try {
      const report = await invariants.settle(
        [...accepted, { orderId, shopper: late }],
        [{ sku, initialOnHand: STOCK }],
        60_000,
      );
      expect(report.violations).toEqual([]);
    } finally {
      invariants.close();
    }
  }, 420_000);
});
