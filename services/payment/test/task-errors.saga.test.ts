import { fileURLToPath } from 'node:url';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { PAYMENT_TASKS } from '@shop/contracts/payment';
import { functionArn, StepFunctionsEmulator, type TestDynamoDb } from '@shop/local-cloud/testing';
import {
  caughtBy,
  inProcessInvoker,
  isolateTaskState,
  sagaDefinitionWith,
} from '@shop/platform/task/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentDeps } from '../src/application/payment.deps.ts';
import { createPaymentTasks } from '../src/application/payment.tasks.ts';
import { authorizeInput, depsFor, newOrderId, startPaymentDb } from './payment.fixtures.ts';

const AUTHORIZE = 'payment-authorize-payment';
const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

let db: TestDynamoDb;
let deps: PaymentDeps;
let checkoutAsl: unknown;
/** What the next creation of a payment throws, once. */
let nextCreateFailure: Error | undefined;

beforeAll(async () => {
  db = await startPaymentDb();
  const real = depsFor(db);
  deps = {
    ...real,
    payments: {
      findByOrderId: (orderId) => real.payments.findByOrderId(orderId),
      findById: (paymentId) => real.payments.findById(paymentId),
      listByOrderId: (orderId, page) => real.payments.listByOrderId(orderId, page),
      update: (previous, next, events) => real.payments.update(previous, next, events),
      create: async (payment) => {
        const failure = nextCreateFailure;
        nextCreateFailure = undefined;
        if (failure) throw failure;
        return real.payments.create(payment);
      },
    },
  };
  // The saga that runs AuthorizePayment, as its owner defines it.
  checkoutAsl = await sagaDefinitionWith(REPO_ROOT, PAYMENT_TASKS.authorizePayment);
});
afterAll(async () => {
  await db.stop();
});

const authorizeInSaga = async (paymentMethod: string) => {
  const invoker = inProcessInvoker({ [AUTHORIZE]: createPaymentTasks(deps).authorizePayment });
  const emulator = new StepFunctionsEmulator({ invoker, waitTimeScale: 0.001 });
  try {
    const orderId = newOrderId();
    const input = authorizeInput(orderId, { paymentMethod });
    const machine = emulator.createStateMachine({
      name: `authorize-${orderId}`,
      definition: isolateTaskState(checkoutAsl, PAYMENT_TASKS.authorizePayment, functionArn(AUTHORIZE)),
    });
    const { executionArn } = emulator.startExecution({
      stateMachineArn: machine.stateMachineArn,
      // The saga's state at AuthorizePayment: the draft order and PriceOrder's totals.
      input: JSON.stringify({
        ...input,
        correlationId: 'shopper-request-9',
        pricing: { totals: { total: input.amount } },
      }),
    });
    const execution = await emulator.waitForExecution(executionArn, 20_000);
    return { execution, attempts: invoker.calls.length, payment: await deps.payments.findByOrderId(orderId) };
  } finally {
    await emulator.close();
  }
};

describe('payment task errors in the saga', () => {
  it('turns a DynamoDB throttle into TransientError, which the saga retries until the payment is authorized', async () => {
    nextCreateFailure = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    const { execution, attempts, payment } = await authorizeInSaga('pm_card_visa');
    expect(execution.status).toBe('SUCCEEDED');
    expect(attempts).toBe(2);
    expect(payment?.status).toBe('AUTHORIZED');
  });

  it('fails a decline as PaymentDeclined, which the saga catches and compensates without a retry', async () => {
    const { execution, attempts, payment } = await authorizeInSaga('pm_card_declined');
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe(caughtBy('ReleaseAfterDecline'));
    expect(attempts).toBe(1);
    expect(payment?.status).toBe('DECLINED');
  });
});
