import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
const running: ShopProcess[] = [];
const BUYERS = 12;
const STOCK = 20;
/** The blueprint's recovery budget: every accepted order settles within 3 minutes of the restart. */
const RECOVERY_BUDGET_MS = 180_000;

afterAll(async () => {
  for (const shop of running) await stopShopProcess(shop);
  await reapDynamoDbLocal(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
});

const start = async (ports?: { port: number; edgePort: number }) => {
  const shop = await startShopProcess({
    args: ['--persist'],
    env: { SHOP_DATA_DIR: dataDir },
    ...(ports ?? {}),
  });
  running.push(shop);
  return shop;
};

describe('a crash in the middle of checkouts', () => {
  it('settles every accepted order after a restart: nothing lost, doubled, stuck or oversold', async () => {
    const first = await start();
    const fx = new ShopFixtures(new ShopClient(first.apiUrl));
    const { sku } = await fx.stockedSku(STOCK);
    const buyers: Shopper[] = await Promise.all(Array.from({ length: BUYERS }, () => fx.shopper('crash')));
    for (const buyer of buyers) await fx.putInCart(buyer, sku, 1);

    // Slow the end of the saga and the consumers down, so the crash finds sagas and events in flight.
    const slow = async (fn: string, latencyMs: number) => {
      const response = await fetch(`${first.edgeUrl}/_local/faults`, {
        method: 'POST',
        body: JSON.stringify({ kind: 'function-latency', function: fn, latencyMs }),
      });
      expect(response.status).toBe(201);
    };
    await slow('payment-capture-payment', 4000);
    await slow('catalog-commit-stock', 4000);

    const placed = await Promise.all(
      buyers.map((buyer) => fx.checkoutRetrying(buyer, 'pm_card_visa', 60_000)),
    );
    const accepted: AcceptedOrder[] = placed.map(({ orderId }, i) => ({
      orderId,
      shopper: buyers[i] as Shopper,
    }));
    await new Promise((resolve) => setTimeout(resolve, 1500));
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
