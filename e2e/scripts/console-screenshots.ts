#!/usr/bin/env node
// Regenerates the screenshots of docs/console.md: starts the shop as `npm start` does (on free
// ports), places a few orders through the public API, breaks one thing on purpose, and photographs
// each page of the console in Debian's Chromium.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FaultSpec } from '@shop/local-cloud';
import { ShopClient } from '@shop/local-cloud/testing';
import { chromium } from 'playwright-core';
import { ShopFixtures } from '../test/support/shop-fixtures.ts';
import { REPO_ROOT, startShopStack } from '../test/support/shop-stack.ts';

const OUT = join(REPO_ROOT, 'docs', 'console');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const shop = await startShopStack();
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    '--no-sandbox',
    '--headless=new',
    '--disable-gpu',
    '--disable-background-networking',
    '--no-first-run',
  ],
});
try {
  const fx = new ShopFixtures(new ShopClient(shop.gatewayUrl));
  const { sku } = await fx.stockedSku(20);
  const placed: Record<string, string> = {};
  for (const method of ['pm_card_visa', 'pm_card_declined', 'pm_card_flaky']) {
    const buyer = await fx.shopperWithEmail('screenshot');
    await fx.putInCart(buyer, sku, 1);
    const { orderId } = await fx.checkoutRetrying(buyer, method);
    // Polled here rather than with the fixtures' `settledOrder`, whose vitest poll needs a test runner.
    for (let i = 0; i < 600 && (await fx.order(buyer, orderId)).status === 'PENDING'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    placed[method] = orderId;
  }
  shop.stack.faults.add(
    FaultSpec.parse({
      kind: 'function-error',
      function: 'payment-capture-payment',
      errorType: 'TransientError',
      rate: 0.2,
    }),
  );

  await mkdir(OUT, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const shoot = async (name: string, hash: string, selector: string) => {
    await page.goto(`${shop.gatewayUrl}/console${hash}`);
    await page.waitForSelector(selector, { timeout: 20_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
    process.stdout.write(`docs/console/${name}.png\n`);
  };
  await shoot('orders', '#/orders', '[data-testid="orders"] tr[data-order-id]');
  // The order pages once their traces are whole: the cart's consumer has run, the compensation ended.
  await shoot(
    'order-confirmed',
    `#/orders/${placed.pm_card_visa}`,
    '[data-execution-status="SUCCEEDED"] ~ [data-testid="trace"] [data-span-name="cart-order-confirmed"]',
  );
  await shoot(
    'order-declined',
    `#/orders/${placed.pm_card_declined}`,
    '[data-execution-status="FAILED"] ~ [data-testid="trace"] [data-span-name="RejectPaymentDeclined"]',
  );
  await shoot('queues', '#/queues', '[data-testid="queues"]');
  await shoot('functions', '#/functions', '[data-testid="functions"]');
  await shoot('tables', '#/tables', '[data-testid="tables"]');
  await shoot('faults', '#/faults', '[data-testid="faults"]');
  await shoot('mailbox', '#/mailbox', '[data-testid="mailbox"] tr[data-message-id]');
  await shoot('logs', '#/logs', '[data-testid="log"] .log-line');
} finally {
  await browser.close();
  await shop.stop();
}
