import {
  PAYMENT_DECLINED,
  PAYMENT_IN_PROGRESS,
  PAYMENT_INVALID_TRANSITION,
  PAYMENT_NOT_FOUND,
  PAYMENT_PROVIDER_UNAVAILABLE,
} from '@shop/contracts/payment';
import { TASK_INPUT_INVALID } from '@shop/contracts/saga';
import type { TestDynamoDb } from '@shop/local-cloud/testing';
import { captureOutput, metricValuesOf } from '@shop/platform/observability/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentDeps } from '../src/application/payment.deps.ts';
import { createPaymentTasks, type PaymentTasks } from '../src/application/payment.tasks.ts';
import type { Payment } from '../src/domain/payment.entity.ts';
import {
  type AuthorizationResult,
  type AuthorizeRequest,
  type PaymentProvider,
  ProviderUnavailableError,
} from '../src/domain/payment-provider.port.ts';
import {
  authorizeInput,
  depsFor,
  freshInstance,
  newOrderId,
  outboxEvents,
  startPaymentDb,
  tableDump,
} from './payment.fixtures.ts';

let db: TestDynamoDb;
let deps: PaymentDeps;
let tasks: PaymentTasks;

beforeAll(async () => {
  db = await startPaymentDb();
  deps = depsFor(db);
  tasks = createPaymentTasks(deps);
});
afterAll(() => db.stop());

const usd = (amount: number) => ({ amount, currency: 'USD' });

const stored = async (orderId: string): Promise<Payment> => {
  const payment = await deps.payments.findByOrderId(orderId);
  if (!payment) throw new Error(`no payment for ${orderId}`);
  return payment;
};

/** The error a task threw, to check its `name` (what Step Functions matches). */
const failure = async (promise: Promise<unknown>): Promise<Error> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected the task to fail');
};

/**
 * Counts the provider's authorizations, to prove a race charged once. `called` resolves when the first
 * authorization reaches the provider; with `hold`, it waits for `release()` before answering.
 */
const countingProvider = (inner: PaymentProvider, options: { hold?: boolean } = {}) => {
  const calls: AuthorizeRequest[] = [];
  const called = Promise.withResolvers<void>();
  const released = Promise.withResolvers<void>();
  if (!options.hold) released.resolve();
  const provider: PaymentProvider = {
    authorize: async (request): Promise<AuthorizationResult> => {
      calls.push(request);
      called.resolve();
      await released.promise;
      return inner.authorize(request);
    },
    capture: (request) => inner.capture(request),
    void: (request) => inner.void(request),
    refund: (request) => inner.refund(request),
  };
  return { provider, calls, called: called.promise, release: () => released.resolve() };
};

const authorizedOrder = async (overrides: Parameters<typeof authorizeInput>[1] = {}) => {
  const orderId = newOrderId();
  const result = await tasks.authorizePayment(authorizeInput(orderId, overrides));
  return { orderId, paymentId: result.paymentId };
};

const capturedOrder = async (amount = 2599) => {
  const order = await authorizedOrder({ amount: usd(amount) });
  await tasks.capturePayment({ orderId: order.orderId });
  return order;
};

/**
 * An authorization the provider has captured while the payment here stays AUTHORIZED: what a capture
 * leaves when its function dies after the provider's reply (the provider is called as CapturePayment
 * calls it, and nothing is recorded).
 */
const capturedAtProviderOnly = async (amount = 2599) => {
  const order = await authorizedOrder({ amount: usd(amount) });
  const authorized = await stored(order.orderId);
  await deps.provider.capture({
    idempotencyKey: `capture:${order.orderId}`,
    reference: authorized.providerReference ?? '',
    amount: authorized.amount,
  });
  expect((await stored(order.orderId)).status).toBe('AUTHORIZED');
  return order;
};

describe('payment task metrics and correlation', () => {
  it('counts the revenue of a capture once, in minor units, and puts the correlation id on payment.captured', async () => {
    const order = await authorizedOrder({ amount: usd(4919) });
    const first = await captureOutput(() =>
      tasks.capturePayment({ orderId: order.orderId, correlationId: 'dx-corr-0002' }),
    );
    expect(metricValuesOf(first.emf)).toEqual([
      expect.objectContaining({
        name: 'RevenueCaptured',
        unit: 'None',
        value: 4919,
        dimensions: expect.objectContaining({ currency: 'USD' }),
      }),
    ]);
    expect(first.emf[0]).toMatchObject({ correlationId: 'dx-corr-0002', orderId: order.orderId });
    expect(first.logs).toEqual([
      expect.objectContaining({
        message: 'task',
        task: 'CapturePayment',
        outcome: 'succeeded',
        correlationId: 'dx-corr-0002',
        orderId: order.orderId,
      }),
    ]);
    const repeated = await captureOutput(() =>
      tasks.capturePayment({ orderId: order.orderId, correlationId: 'dx-corr-0002' }),
    );
    expect(repeated.emf).toEqual([]);
    const captured = (await outboxEvents(db)).filter(
      (event) =>
        event.type === 'payment.captured' && (event.data as { orderId: string }).orderId === order.orderId,
    );
    expect(captured.map((event) => event.correlationId)).toEqual(['dx-corr-0002']);
  });

  it('counts a decline once and logs the task as failed with PaymentDeclined', async () => {
    const orderId = newOrderId();
    const { logs, emf } = await captureOutput(() =>
      failure(
        tasks.authorizePayment({
          ...authorizeInput(orderId, { paymentMethod: 'pm_card_declined' }),
          correlationId: 'c-9',
        }),
      ),
    );
    expect(metricValuesOf(emf).map((m) => [m.name, m.value])).toEqual([['PaymentsDeclined', 1]]);
    expect(logs.at(-1)).toMatchObject({
      message: 'task',
      task: 'AuthorizePayment',
      outcome: 'failed',
      errorName: 'PaymentDeclined',
      correlationId: 'c-9',
      orderId,
    });
    const again = await captureOutput(() =>
      failure(tasks.authorizePayment(authorizeInput(orderId, { paymentMethod: 'pm_card_declined' }))),
    );
    expect(again.emf).toEqual([]);
  });
});

describe('AuthorizePayment', () => {
  it('authorizes the amount the order asks for and stores the payment', async () => {
    const orderId = newOrderId();
    const result = await tasks.authorizePayment(authorizeInput(orderId));
    expect(result).toEqual({ orderId, paymentId: expect.any(String), status: 'AUTHORIZED' });
    const payment = await stored(orderId);
    expect(payment).toMatchObject({
      id: result.paymentId,
      customerId: 'alice',
      amount: usd(2599),
      capturedAmount: usd(0),
      status: 'AUTHORIZED',
      paymentMethod: 'pm_card_visa',
      providerReference: expect.stringMatching(/^ch_sim_/),
    });
    expect(payment.history.map((entry) => entry.status)).toEqual(['PENDING', 'AUTHORIZED']);
  });

  it('returns the first result when repeated, without a second charge', async () => {
    const { provider, calls } = countingProvider(deps.provider);
    const counted = createPaymentTasks({ ...deps, provider });
    const orderId = newOrderId();
    const first = await counted.authorizePayment(authorizeInput(orderId));
    const again = await counted.authorizePayment(authorizeInput(orderId));
    expect(again).toEqual(first);
    expect(calls).toHaveLength(1);
    expect((await stored(orderId)).version).toBe(2);
  });

  it.each([
    ['pm_card_declined', 'card_declined'],
    ['pm_card_insufficient_funds', 'insufficient_funds'],
  ])('raises PaymentDeclined for %s and records a DECLINED payment', async (paymentMethod, code) => {
    const orderId = newOrderId();
    const error = await failure(tasks.authorizePayment(authorizeInput(orderId, { paymentMethod })));
    expect(error.name).toBe(PAYMENT_DECLINED);
    expect(error.message).toContain(code);
    const payment = await stored(orderId);
    expect(payment).toMatchObject({ status: 'DECLINED', declineCode: code });
    expect(payment.history.at(-1)?.reason).toContain(code);
    const repeated = await failure(tasks.authorizePayment(authorizeInput(orderId, { paymentMethod })));
    expect(repeated.name).toBe(PAYMENT_DECLINED);
  });

  it('charges once when two authorizations of one order race', async () => {
    const { provider, calls, called, release } = countingProvider(deps.provider, { hold: true });
    const orderId = newOrderId();
    const racers = [1, 2].map(() =>
      createPaymentTasks({ ...deps, provider, waitForWinner: { attempts: 50, intervalMs: 20 } }),
    );
    const results = Promise.all(racers.map((racer) => racer.authorizePayment(authorizeInput(orderId))));
    // One racer reached the provider and holds it; the other finds the payment in flight, whenever it looks.
    await called;
    release();
    const [a, b] = await results;
    expect(a).toEqual(b);
    expect(a?.status).toBe('AUTHORIZED');
    expect(calls).toHaveLength(1);
  });

  it('raises the retryable PaymentInProgress when the authorization in flight takes too long', async () => {
    const slow = countingProvider(deps.provider, { hold: true });
    const orderId = newOrderId();
    const winner = createPaymentTasks({ ...deps, provider: slow.provider }).authorizePayment(
      authorizeInput(orderId),
    );
    // The winner holds the lease and waits at the provider until the impatient call has given up.
    await slow.called;
    const impatient = createPaymentTasks({ ...deps, waitForWinner: { attempts: 2, intervalMs: 10 } });
    const error = await failure(impatient.authorizePayment(authorizeInput(orderId)));
    expect(error.name).toBe(PAYMENT_IN_PROGRESS);
    slow.release();
    expect((await winner).status).toBe('AUTHORIZED');
    expect((await impatient.authorizePayment(authorizeInput(orderId))).status).toBe('AUTHORIZED');
  });

  it('takes over an authorization whose invocation died, without charging twice', async () => {
    const orderId = newOrderId();
    const crashing: PaymentProvider = {
      ...deps.provider,
      authorize: async (request) => {
        await deps.provider.authorize(request); // the provider charged, then the invocation "died"
        throw new Error('Lambda timed out');
      },
    };
    await expect(
      createPaymentTasks({ ...deps, provider: crashing, leaseMs: 50 }).authorizePayment(
        authorizeInput(orderId),
      ),
    ).rejects.toThrow('Lambda timed out');
    const pending = await stored(orderId);
    expect(pending.status).toBe('PENDING');
    // The retry runs after the dead invocation's lease has expired.
    const later = () => new Date(pending.leaseUntil + 1);
    const { provider, calls } = countingProvider(deps.provider);
    const result = await createPaymentTasks({ ...deps, provider, clock: later }).authorizePayment(
      authorizeInput(orderId),
    );
    expect(result.status).toBe('AUTHORIZED');
    expect(calls).toHaveLength(1);
    // Same idempotency key as the dead invocation: the provider replayed its charge instead of making a new one.
    const refs = (await tableDump(db)).match(new RegExp(`REQUEST#authorize:${orderId}`, 'g'));
    expect(refs).toHaveLength(1);
  });

  it('fails twice transiently for pm_card_flaky, then approves, across fresh task instances', async () => {
    const orderId = newOrderId();
    const input = authorizeInput(orderId, { paymentMethod: 'pm_card_flaky' });
    const names: string[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const instance = freshInstance(db);
      try {
        const result = await createPaymentTasks(instance.deps).authorizePayment(input);
        names.push(result.status);
      } catch (error) {
        names.push(error instanceof Error ? error.name : String(error));
      } finally {
        instance.close();
      }
    }
    expect(names).toEqual([PAYMENT_PROVIDER_UNAVAILABLE, PAYMENT_PROVIDER_UNAVAILABLE, 'AUTHORIZED']);
    const payment = await stored(orderId);
    expect(payment.status).toBe('AUTHORIZED');
    expect(payment.history.map((entry) => entry.status)).toEqual(['PENDING', 'AUTHORIZED']);
  });

  it('refuses a card number as a decline, and writes it nowhere', async () => {
    const orderId = newOrderId();
    for (const paymentMethod of ['4242 4242 4242 4242', 'pm_4242424242424242', '4000-0566-5566-5556']) {
      const error = await failure(tasks.authorizePayment(authorizeInput(orderId, { paymentMethod })));
      expect(error.name).toBe(PAYMENT_DECLINED);
      expect(error.message).toMatch(/tokenize/);
      expect(error.message).not.toMatch(/4242|5556/);
    }
    expect(await deps.payments.findByOrderId(orderId)).toBeUndefined();
    expect(await tableDump(db)).not.toMatch(/4242 ?4242|4242424242424242|5566/);
  });

  it('refuses an input that breaks the contract, or contradicts the first call', async () => {
    const missing = await failure(tasks.authorizePayment({ orderId: newOrderId() }));
    expect(missing.name).toBe(TASK_INPUT_INVALID);
    const { orderId } = await authorizedOrder();
    const different = await failure(tasks.authorizePayment(authorizeInput(orderId, { amount: usd(1) })));
    expect(different.name).toBe(TASK_INPUT_INVALID);
    expect(different.message).toContain('amount');
  });
});

describe('CapturePayment', () => {
  it('captures the authorized amount and publishes payment.captured once', async () => {
    const { orderId, paymentId } = await authorizedOrder();
    expect(await tasks.capturePayment({ orderId })).toEqual({ orderId, paymentId, status: 'CAPTURED' });
    expect(await tasks.capturePayment({ orderId })).toEqual({ orderId, paymentId, status: 'CAPTURED' });
    const payment = await stored(orderId);
    expect(payment).toMatchObject({ status: 'CAPTURED', capturedAmount: usd(2599) });
    const events = await outboxEvents(db, orderId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'payment.captured',
      source: 'payment',
      correlationId: orderId,
      data: { orderId, paymentId, amount: usd(2599) },
    });
  });

  it('captures once when captures race', async () => {
    const { orderId } = await authorizedOrder();
    const results = await Promise.all([1, 2, 3].map(() => tasks.capturePayment({ orderId })));
    expect(results.map((result) => result.status)).toEqual(['CAPTURED', 'CAPTURED', 'CAPTURED']);
    expect(await outboxEvents(db, orderId)).toHaveLength(1);
    expect((await stored(orderId)).history.filter((entry) => entry.status === 'CAPTURED')).toHaveLength(1);
  });

  it('refuses to capture after a void or a decline, and an order without payment', async () => {
    const { orderId } = await authorizedOrder();
    await tasks.voidPayment({ orderId });
    expect((await failure(tasks.capturePayment({ orderId }))).name).toBe(PAYMENT_INVALID_TRANSITION);
    const declined = newOrderId();
    await failure(tasks.authorizePayment(authorizeInput(declined, { paymentMethod: 'pm_card_declined' })));
    expect((await failure(tasks.capturePayment({ orderId: declined }))).name).toBe(
      PAYMENT_INVALID_TRANSITION,
    );
    expect((await failure(tasks.capturePayment({ orderId: newOrderId() }))).name).toBe(PAYMENT_NOT_FOUND);
  });

  it('raises PaymentProviderUnavailable when the provider fails, and captures on retry', async () => {
    const { orderId } = await authorizedOrder();
    const down = createPaymentTasks({
      ...deps,
      provider: { ...deps.provider, capture: () => Promise.reject(new ProviderUnavailableError('down')) },
    });
    expect((await failure(down.capturePayment({ orderId }))).name).toBe(PAYMENT_PROVIDER_UNAVAILABLE);
    expect((await stored(orderId)).status).toBe('AUTHORIZED');
    expect((await tasks.capturePayment({ orderId })).status).toBe('CAPTURED');
  });
});

describe('VoidPayment', () => {
  it('is a no-op when the order has no payment', async () => {
    const orderId = newOrderId();
    expect(await tasks.voidPayment({ orderId })).toEqual({ orderId });
  });

  it('voids an authorization, idempotently', async () => {
    const { orderId, paymentId } = await authorizedOrder();
    expect(await tasks.voidPayment({ orderId })).toEqual({ orderId, paymentId, status: 'VOIDED' });
    expect(await tasks.voidPayment({ orderId })).toEqual({ orderId, paymentId, status: 'VOIDED' });
    const payment = await stored(orderId);
    expect(payment.history.map((entry) => entry.status)).toEqual(['PENDING', 'AUTHORIZED', 'VOIDED']);
  });

  it('leaves a declined payment as it is', async () => {
    const orderId = newOrderId();
    await failure(tasks.authorizePayment(authorizeInput(orderId, { paymentMethod: 'pm_card_declined' })));
    expect((await tasks.voidPayment({ orderId })).status).toBe('DECLINED');
  });

  it('refuses to void a captured payment', async () => {
    const { orderId } = await capturedOrder();
    expect((await failure(tasks.voidPayment({ orderId }))).name).toBe(PAYMENT_INVALID_TRANSITION);
    expect((await stored(orderId)).status).toBe('CAPTURED');
  });

  it('records a capture whose answer was lost when the provider refuses the void, then refuses it', async () => {
    const { orderId, paymentId } = await capturedAtProviderOnly();
    for (const _ of [1, 2]) {
      expect((await failure(tasks.voidPayment({ orderId }))).name).toBe(PAYMENT_INVALID_TRANSITION);
    }
    const payment = await stored(orderId);
    expect(payment).toMatchObject({ status: 'CAPTURED', capturedAmount: usd(2599) });
    expect(payment.history.map((entry) => entry.status)).toEqual(['PENDING', 'AUTHORIZED', 'CAPTURED']);
    expect((await outboxEvents(db, orderId)).map((event) => [event.type, event.data])).toEqual([
      ['payment.captured', { orderId, paymentId, amount: usd(2599) }],
    ]);
    // The capture task that comes late finds it done.
    expect(await tasks.capturePayment({ orderId })).toEqual({ orderId, paymentId, status: 'CAPTURED' });
    expect(await outboxEvents(db, orderId)).toHaveLength(1);
  });
});

describe('RefundPayment', () => {
  it('refunds a capture whose answer was lost, which the void it tries first finds at the provider', async () => {
    const { orderId, paymentId } = await capturedAtProviderOnly(5000);
    const expected = { orderId, paymentId, status: 'REFUNDED', refundedAmount: usd(5000) };
    expect(await tasks.refundPayment({ orderId, reason: 'customer cancelled' })).toEqual(expected);
    expect(await tasks.refundPayment({ orderId, reason: 'customer cancelled' })).toEqual(expected);
    expect((await outboxEvents(db, orderId)).map((event) => event.type).sort()).toEqual([
      'payment.captured',
      'payment.refunded',
    ]);
  });

  it('refunds everything captured, publishes payment.refunded, and does it once when repeated', async () => {
    const { orderId, paymentId } = await capturedOrder(5000);
    const input = { orderId, reason: 'customer cancelled' };
    const expected = { orderId, paymentId, status: 'REFUNDED', refundedAmount: usd(5000) };
    expect(await tasks.refundPayment(input)).toEqual(expected);
    expect(await tasks.refundPayment(input)).toEqual(expected);
    const refunds = (await outboxEvents(db, orderId)).filter((event) => event.type === 'payment.refunded');
    expect(refunds).toHaveLength(1);
    expect(refunds[0]?.data).toMatchObject({
      orderId,
      paymentId,
      amount: usd(5000),
      refundedAmount: usd(5000),
      fullyRefunded: true,
      reason: 'customer cancelled',
    });
  });

  it('refunds part of a payment, which stays CAPTURED', async () => {
    const { orderId } = await capturedOrder(5000);
    const result = await tasks.refundPayment({ orderId, amount: usd(1200) });
    expect(result).toMatchObject({ status: 'CAPTURED', refundedAmount: usd(1200) });
  });

  it('refuses a refund beyond the captured amount', async () => {
    const { orderId } = await capturedOrder(5000);
    const error = await failure(tasks.refundPayment({ orderId, amount: usd(5001) }));
    expect(error.name).toBe(PAYMENT_INVALID_TRANSITION);
    expect((await stored(orderId)).refundedAmount).toEqual(usd(0));
  });

  it('voids instead when the payment was never captured, and refuses one that was declined', async () => {
    const { orderId } = await authorizedOrder();
    expect(await tasks.refundPayment({ orderId })).toMatchObject({
      status: 'VOIDED',
      refundedAmount: usd(0),
    });
    const declined = newOrderId();
    await failure(tasks.authorizePayment(authorizeInput(declined, { paymentMethod: 'pm_card_declined' })));
    expect((await failure(tasks.refundPayment({ orderId: declined }))).name).toBe(PAYMENT_INVALID_TRANSITION);
    expect((await failure(tasks.refundPayment({ orderId: newOrderId() }))).name).toBe(PAYMENT_NOT_FOUND);
  });

  it('refuses a partial refund before capture', async () => {
    const { orderId } = await authorizedOrder();
    expect((await failure(tasks.refundPayment({ orderId, amount: usd(100) }))).name).toBe(
      PAYMENT_INVALID_TRANSITION,
    );
  });
});
