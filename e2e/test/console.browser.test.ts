import { existsSync } from 'node:fs';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS } from '@shop/local-cloud';
import { ShopClient } from '@shop/local-cloud/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ShopFixtures } from './support/shop-fixtures.ts';
import { type ShopStack, startShopStack } from './support/shop-stack.ts';

/** Debian's chromium, which `.ci/run` installs when missing (no browser is downloaded at install). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let shop: ShopStack;
let fx: ShopFixtures;
let browser: Browser;
let page: Page;
const browserErrors: string[] = [];
const externalRequests: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  shop = await startShopStack();
  fx = new ShopFixtures(new ShopClient(shop.gatewayUrl));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless=new',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  // The machine's network is cut off for the page: only the local shop answers.
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.protocol === 'data:') {
      await route.continue();
    } else {
      externalRequests.push(url.href);
      await route.abort('internetdisconnected');
    }
  });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error')
      browserErrors.push(`${message.text()} ${JSON.stringify(message.location())}`);
  });
  page.on('pageerror', (error) => browserErrors.push(String(error)));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await shop?.stop();
});

afterEach(() => {
  // No journey may leave an error in the browser's console, or reach outside the machine.
  expect(browserErrors).toEqual([]);
  expect(externalRequests).toEqual([]);
});

const openConsole = async (hash: string) => {
  await page.goto(`${shop.gatewayUrl}/console${hash}`);
  await page.waitForSelector('nav');
};

const placeOrder = async (paymentMethod: string) => {
  const { sku } = await fx.stockedSku(3);
  const buyer = await fx.shopper('console');
  await fx.putInCart(buyer, sku, 1);
  // A 503 (a dependency cold-starting) is retried with the same key, as the API invites.
  const { orderId } = await fx.checkoutRetrying(buyer, paymentMethod);
  // The first saga of a fresh stack cold-starts every task on the way.
  return { buyer, orderId, order: await fx.settledOrder(buyer, orderId, undefined, 60_000) };
};

const statusOfState = (name: string) => page.getAttribute(`[data-state="${name}"]`, 'data-status');

describe('the local console in a browser', () => {
  it('shows a new order in Orders without a reload, and its saga graph with every state it went through', async () => {
    await openConsole('#/orders');
    const paint = await page.evaluate(
      () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? performance.now(),
    );
    process.stderr.write(`console first contentful paint: ${Math.round(paint)} ms\n`);
    const { orderId, order } = await placeOrder('pm_card_visa');
    expect(order.status).toBe('CONFIRMED');
    // Live: the open page picks the order up by itself.
    await page.waitForSelector(`tr[data-order-id="${orderId}"] .status-confirmed`, { timeout: 15_000 });

    await page.click(`tr[data-order-id="${orderId}"] a`);
    await page.waitForSelector('[data-machine="order-checkout"][data-execution-status="SUCCEEDED"]', {
      timeout: 15_000,
    });
    for (const state of [
      'PlaceOrder',
      'ReserveStock',
      'PriceOrder',
      'AuthorizePayment',
      'ConfirmOrder',
      'CapturePayment',
      'CheckoutSucceeded',
    ]) {
      expect(await statusOfState(state), state).toBe('succeeded');
    }
    expect(await statusOfState('ReleaseAfterDecline')).toBe('not-run');
    // A state's input and output are one click away.
    await page.click('[data-state="ReserveStock"]');
    const details = await page.textContent('[data-testid="state-details"]');
    expect(details).toContain('Input');
    expect(details).toContain(orderId);
    expect(await page.textContent('[data-payment-status]')).toContain('CAPTURED');
  }, 120_000);

  it('draws the compensation path of a declined card', async () => {
    const { orderId, order } = await placeOrder('pm_card_declined');
    expect(order.status).toBe('REJECTED');
    await openConsole(`#/orders/${orderId}`);
    await page.waitForSelector('[data-machine="order-checkout"][data-execution-status="FAILED"]', {
      timeout: 15_000,
    });
    expect(await statusOfState('AuthorizePayment')).toBe('caught');
    expect(await statusOfState('ReleaseAfterDecline')).toBe('succeeded');
    expect(await statusOfState('RejectPaymentDeclined')).toBe('succeeded');
    expect(await statusOfState('OrderRejected')).toBe('failed');
    expect(await statusOfState('ConfirmOrder')).toBe('not-run');
    const catchEdge = await page.getAttribute('[data-edge="AuthorizePayment->ReleaseAfterDecline"]', 'class');
    expect(catchEdge).toContain('edge-catch');
    expect(catchEdge).toContain('taken');
  }, 120_000);

  it("draws the order's trace as a waterfall: the request, the saga's states, the caught decline", async () => {
    const { orderId } = await placeOrder('pm_card_declined');
    await openConsole(`#/orders/${orderId}`);
    const row = (kind: string, name: string) =>
      `[data-testid="trace"] [data-span-kind="${kind}"][data-span-name="${name}"]`;
    await page.waitForSelector(row('state', 'RejectPaymentDeclined'), { timeout: 15_000 });
    expect(await page.getAttribute(row('request', 'POST /checkout'), 'data-span-status')).toBe('ok');
    expect(await page.getAttribute(row('invocation', 'order-http'), 'data-span-status')).toBe('ok');
    expect(await page.getAttribute(row('state', 'ReserveStock'), 'data-span-status')).toBe('ok');
    // The declined card: AuthorizePayment's error is caught, and the compensation runs after it.
    expect(await page.getAttribute(row('state', 'AuthorizePayment'), 'data-span-status')).toBe('error');
    expect(await page.textContent(row('state', 'AuthorizePayment'))).toContain('caught');
    expect(await page.getAttribute(row('state', 'ReleaseAfterDecline'), 'data-span-status')).toBe('ok');
    expect(await page.$(row('state', 'ConfirmOrder'))).toBeNull();
    // AWS calls are one click away.
    expect(await page.$('[data-testid="trace"] [data-span-kind="api-call"]')).toBeNull();
    await page.check('[data-testid="trace"] input[type="checkbox"]');
    await page.waitForSelector(row('api-call', 'StepFunctions.StartExecution'));
  }, 120_000);

  it('shows a poison message in its dead-letter queue and moves it back with one click', async () => {
    const sqs = new SQSClient({
      endpoint: shop.stack.edgeUrl,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      const dlq = await sqs.send(new CreateQueueCommand({ QueueName: 'console-poison-dlq' }));
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
      );
      const source = await sqs.send(
        new CreateQueueCommand({
          QueueName: 'console-poison',
          Attributes: {
            VisibilityTimeout: '0',
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: 1 }),
          },
        }),
      );
      await sqs.send(new SendMessageCommand({ QueueUrl: source.QueueUrl, MessageBody: '{"poison":true}' }));
      // Received once and not deleted; the next receive moves it to the DLQ.
      await sqs.send(new ReceiveMessageCommand({ QueueUrl: source.QueueUrl }));
      await sqs.send(new ReceiveMessageCommand({ QueueUrl: source.QueueUrl }));

      await openConsole('#/queues');
      await page.waitForSelector('[data-dlq="console-poison-dlq"][data-dlq-depth="1"]', { timeout: 10_000 });
      await page.click('[data-dlq="console-poison-dlq"] button');
      await page.waitForSelector('[data-testid="peek"] summary');
      expect(await page.textContent('[data-testid="peek"]')).toContain('{"poison":true}');

      await page.click('[data-redrive="console-poison-dlq"]');
      await page.waitForSelector('[data-dlq="console-poison-dlq"][data-dlq-depth="0"]', { timeout: 10_000 });
      const moved = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: source.QueueUrl, WaitTimeSeconds: 2 }),
      );
      expect(moved.Messages?.map((message) => message.Body)).toEqual(['{"poison":true}']);
    } finally {
      sqs.destroy();
    }
  }, 60_000);

  it('adds a fault, shows how often it struck, and clears it', async () => {
    await openConsole('#/faults');
    await page.selectOption('select', 'function-error');
    await page.fill('input[name="target"]', 'catalog-lookup-skus');
    await page.fill('input[name="detail"]', 'TransientError');
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-testid="faults"] tr[data-fault]');
    expect(shop.stack.faults.list()).toMatchObject([
      { kind: 'function-error', function: 'catalog-lookup-skus', errorType: 'TransientError' },
    ]);
    await page.click('[data-testid="faults"] tr[data-fault] button');
    await page.waitForSelector('text=No faults');
    expect(shop.stack.faults.list()).toEqual([]);
  }, 60_000);

  it('lists functions with their figures, tables with their items, and tails the log of one order', async () => {
    const { orderId } = await placeOrder('pm_card_visa');
    await openConsole('#/functions');
    await page.waitForSelector('tr[data-function="order-confirm-order"]');
    const invocations = await page.textContent('tr[data-function="order-confirm-order"] td:nth-child(2)');
    expect(Number(invocations)).toBeGreaterThan(0);
    // The CPU time of its invocations as the Lambda host measured it on the environment's thread.
    const cpu = await page.textContent('tr[data-function="order-confirm-order"] td[data-figure="cpu-p50"]');
    expect(cpu).toMatch(/^\d+\.\d ms$/);
    expect(Number.parseFloat(cpu ?? '')).toBeGreaterThan(0);
    // The metrics the functions printed as EMF, beside them (the table is there even when none printed any).
    await page.waitForSelector('[data-testid="metrics"]');

    await openConsole('#/tables');
    await page.waitForSelector('tr[data-table="shop-order"]');
    await page.click('tr[data-table="shop-order"] a');
    await page.waitForSelector('[data-testid="table-items"] pre');

    await openConsole('#/logs');
    await page.fill('input[placeholder="order id"]', orderId);
    await page.press('input[placeholder="order id"]', 'Enter');
    // The lines tailed before the filter applied go once it has: wait for the filtered tail. What
    // is still shown without the order's id is the failure's message (the page polls every second,
    // slower on a busy machine).
    await expect
      .poll(
        async () => {
          const shown = await page.$$eval('[data-testid="log"] .log-line', (nodes) =>
            nodes.map((n) => n.textContent ?? ''),
          );
          return shown.length === 0
            ? ['(no line shown yet)']
            : shown.filter((line) => !line.includes(orderId));
        },
        { timeout: 30_000, interval: 200 },
      )
      .toEqual([]);
    const lines = await page.$$eval('[data-testid="log"] .log-line', (nodes) =>
      nodes.map((n) => n.textContent ?? ''),
    );
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.includes(orderId))).toBe(true);
  }, 120_000);

  it('lists the emails the local SES sent in Mailbox and opens one with its text and HTML bodies', async () => {
    const { sku } = await fx.stockedSku(2);
    const buyer = await fx.shopperWithEmail('console-mail');
    await fx.putInCart(buyer, sku, 1);
    const { orderId } = await fx.checkoutRetrying(buyer, 'pm_card_visa');
    await fx.settledOrder(buyer, orderId, undefined, 60_000);
    await openConsole('#/mailbox');
    await page.fill('.filters input', buyer.email);
    await page.press('.filters input', 'Enter');
    const row = `[data-testid="mailbox"] tr:has-text("${orderId}")`;
    await page.waitForSelector(row, { timeout: 30_000 });
    await page.click(`${row} a`);
    await page.waitForSelector('[data-testid="mail"] iframe.mail-html');
    const mail = await page.textContent('[data-testid="mail"]');
    expect(mail).toContain(`Your Shop order ${orderId} is confirmed`);
    expect(mail).toContain(`to ${buyer.email}`);
    const html = await page.frameLocator('[data-testid="mail"] iframe').locator('body').textContent();
    expect(html).toContain(`Order ${orderId}`);
  }, 120_000);

  it('renders the API reference with every operation, with the network cut off', async () => {
    const document = (await (await fetch(`${shop.gatewayUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.values(document.paths).reduce(
      (sum, methods) => sum + Object.keys(methods).length,
      0,
    );
    await page.goto(`${shop.gatewayUrl}/docs`);
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    await expect.poll(() => page.locator('.opblock').count(), { timeout: 20_000 }).toBe(operations);
    expect(operations).toBeGreaterThan(15);
  }, 60_000);
});
