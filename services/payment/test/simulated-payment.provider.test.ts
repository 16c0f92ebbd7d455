import type { TestDynamoDb } from '@shop/local-cloud/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderRejectedError, ProviderUnavailableError } from '../src/domain/payment-provider.port.ts';
import {
  FLAKY_FAILURES,
  SimulatedPaymentProvider,
} from '../src/infrastructure/simulated-payment.provider.ts';
import { startPaymentDb, tableOf } from './payment.fixtures.ts';

let db: TestDynamoDb;
let provider: SimulatedPaymentProvider;
const usd = (amount: number) => ({ amount, currency: 'USD' });
const key = (name: string) => `${name}:${crypto.randomUUID()}`;

beforeAll(async () => {
  db = await startPaymentDb();
  provider = new SimulatedPaymentProvider({ documentClient: db.documentClient, tableName: tableOf(db) });
});
afterAll(() => db.stop());

const authorized = async (amount = 1000) => {
  const result = await provider.authorize({
    idempotencyKey: key('authorize'),
    amount: usd(amount),
    paymentMethod: 'pm_card_visa',
    orderId: 'o',
  });
  if (!result.approved) throw new Error('expected an approval');
  return result.reference;
};

describe('simulated payment provider', () => {
  it('approves pm_card_visa with a charge reference', async () => {
    expect(await authorized()).toMatch(/^ch_sim_[0-9a-f]{32}$/);
  });

  it.each([
    ['pm_card_declined', 'card_declined'],
    ['pm_card_insufficient_funds', 'insufficient_funds'],
    ['pm_card_unknown', 'payment_method_unknown'],
  ])('declines %s with %s and a reason', async (paymentMethod, declineCode) => {
    const result = await provider.authorize({
      idempotencyKey: key('a'),
      amount: usd(1),
      paymentMethod,
      orderId: 'o',
    });
    expect(result).toMatchObject({ approved: false, declineCode });
    expect(result.approved ? '' : result.reason).not.toBe('');
  });

  it('replays the outcome of a repeated idempotency key', async () => {
    const request = {
      idempotencyKey: key('a'),
      amount: usd(500),
      paymentMethod: 'pm_card_visa',
      orderId: 'o',
    };
    const [first, second] = await Promise.all([provider.authorize(request), provider.authorize(request)]);
    expect(second).toEqual(first);
    expect(await provider.authorize(request)).toEqual(first);
  });

  it('refuses an idempotency key reused for a different request', async () => {
    const request = {
      idempotencyKey: key('a'),
      amount: usd(500),
      paymentMethod: 'pm_card_visa',
      orderId: 'o',
    };
    await provider.authorize(request);
    await expect(provider.authorize({ ...request, amount: usd(501) })).rejects.toMatchObject({
      code: 'idempotency_key_in_use',
    });
  });

  it(`fails pm_card_flaky ${FLAKY_FAILURES} times per idempotency key, then approves`, async () => {
    const request = {
      idempotencyKey: key('a'),
      amount: usd(1),
      paymentMethod: 'pm_card_flaky',
      orderId: 'o',
    };
    await expect(provider.authorize(request)).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(provider.authorize(request)).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(await provider.authorize(request)).toMatchObject({ approved: true });
    const other = { ...request, idempotencyKey: key('a') };
    await expect(provider.authorize(other)).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('captures an authorization once, and refuses to void it afterwards', async () => {
    const reference = await authorized();
    const capture = { idempotencyKey: key('capture'), reference, amount: usd(1000) };
    const receipt = await provider.capture(capture);
    expect(receipt.reference).toMatch(/^cap_sim_/);
    expect(await provider.capture(capture)).toEqual(receipt);
    await expect(provider.capture({ ...capture, idempotencyKey: key('capture') })).rejects.toMatchObject({
      code: 'charge_captured',
    });
    await expect(provider.void({ idempotencyKey: key('void'), reference })).rejects.toBeInstanceOf(
      ProviderRejectedError,
    );
  });

  it('refuses to capture more than authorized, or a voided charge', async () => {
    const reference = await authorized(1000);
    await expect(
      provider.capture({ idempotencyKey: key('capture'), reference, amount: usd(1001) }),
    ).rejects.toMatchObject({ code: 'amount_too_large' });
    await provider.void({ idempotencyKey: key('void'), reference });
    await expect(
      provider.capture({ idempotencyKey: key('capture'), reference, amount: usd(1000) }),
    ).rejects.toMatchObject({ code: 'charge_voided' });
  });

  it('never refunds more than was captured, even when refunds race', async () => {
    const reference = await authorized(1000);
    await provider.capture({ idempotencyKey: key('capture'), reference, amount: usd(1000) });
    const results = await Promise.allSettled(
      [600, 600, 600].map((amount) =>
        provider.refund({ idempotencyKey: key('refund'), reference, amount: usd(amount) }),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    await provider.refund({ idempotencyKey: key('refund'), reference, amount: usd(400) });
    await expect(
      provider.refund({ idempotencyKey: key('refund'), reference, amount: usd(1) }),
    ).rejects.toMatchObject({
      code: 'amount_too_large',
    });
  });

  it('refuses to refund an uncaptured charge or an unknown one', async () => {
    const reference = await authorized();
    await expect(
      provider.refund({ idempotencyKey: key('r'), reference, amount: usd(1) }),
    ).rejects.toMatchObject({
      code: 'charge_not_captured',
    });
    await expect(
      provider.refund({ idempotencyKey: key('r'), reference: 'ch_sim_missing', amount: usd(1) }),
    ).rejects.toMatchObject({ code: 'resource_missing' });
  });
});
