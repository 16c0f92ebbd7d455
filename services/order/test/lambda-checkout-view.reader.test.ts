import { LambdaClient } from '@aws-sdk/client-lambda';
import { CheckoutView, type CheckoutViewOutput } from '@shop/contracts/cart';
import { startEdge } from '@shop/local-cloud';
import {
  createLambdaApi,
  functionArn,
  type InvokeResult,
  type LambdaHost,
  TEST_CREDENTIALS,
  TEST_REGION,
} from '@shop/local-cloud/testing';
import { runInInvocation } from '@shop/platform/invocation';
import { type CallPolicyOptions, createInternalFunctionClient } from '@shop/platform/invoke';
import { getLogger } from '@shop/platform/observability';
import { captureOutput } from '@shop/platform/observability/testing';
import { defineInvokedFunction } from '@shop/platform/task';
import { TaskCancelledError } from 'cockatiel';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CART_CALL_POLICY, createCheckoutViewReader } from '../src/composition-root.ts';
import { CartUnavailableError } from '../src/domain/order.errors.ts';
import { LambdaCheckoutViewReader } from '../src/infrastructure/lambda-checkout-view.reader.ts';

const FUNCTION = 'cart-checkout-view';

type Behaviour = (payload: unknown) => Promise<InvokeResult>;

/** The cart's checkoutView function as the Lambda API serves it: whatever the test says it does. */
let behaviour: Behaviour;
let invocations = 0;

const view = (customerId: string): CheckoutViewOutput => ({
  cartId: 'cart-1',
  customerId,
  items: [
    {
      sku: 'SKU-1',
      productId: 'p-1',
      name: 'Tee',
      quantity: 2,
      unitPrice: { amount: 1500, currency: 'USD' },
    },
  ],
  subtotal: { amount: 3000, currency: 'USD' },
});

/** Just enough of the local Lambda host for its Invoke API: one function, run by `behaviour`. */
const host: LambdaHost = {
  region: TEST_REGION,
  accountId: '000000000000',
  register: () => undefined,
  functions: () => [],
  killEnvironments: async () => 0,
  close: async () => undefined,
  get: (nameOrArn) =>
    nameOrArn.endsWith(FUNCTION)
      ? {
          spec: {
            name: FUNCTION,
            entry: '',
            handler: 'handler',
            memoryMb: 128,
            timeoutSeconds: 3,
            environment: {},
          },
          bundlePath: '',
          arn: functionArn(FUNCTION),
          handler: 'index.handler',
          registeredAt: new Date(),
          environments: 1,
          busyEnvironments: 0,
          queued: 0,
          concurrencyLimit: 1,
          invocations,
          coldStarts: 0,
          errors: 0,
          throttles: 0,
          durationP50Ms: undefined,
          durationP95Ms: undefined,
        }
      : undefined,
  invoke: async (_name, payload) => {
    invocations++;
    return behaviour(payload);
  },
};

let edge: Awaited<ReturnType<typeof startEdge>>;
let client: LambdaClient;

beforeAll(async () => {
  edge = await startEdge([createLambdaApi(host)]);
  client = new LambdaClient({
    endpoint: edge.url,
    region: TEST_REGION,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await edge.close();
});
beforeEach(() => {
  invocations = 0;
});

/** The service's own policy, with short timeouts and backoff for the test. */
const reader = (
  options: { breakAfter?: number; halfOpenAfterMs?: number } = {},
  functionName = FUNCTION,
  policy: CallPolicyOptions = {
    ...CART_CALL_POLICY,
    attemptTimeoutMs: 200,
    initialDelayMs: 5,
    maxDelayMs: 20,
    breaker: {
      ...CART_CALL_POLICY.breaker,
      ...(options.breakAfter ? { after: options.breakAfter } : {}),
      ...(options.halfOpenAfterMs ? { halfOpenAfterMs: options.halfOpenAfterMs } : {}),
    },
  },
) =>
  new LambdaCheckoutViewReader(
    createInternalFunctionClient({ contract: CheckoutView, functionName, lambda: client, policy }),
  );

describe('LambdaCheckoutViewReader (the real Lambda client against the local Invoke API)', () => {
  it("reads the customer's cart through the cart's function", async () => {
    behaviour = async (payload) => ({
      ok: true,
      payload: view((payload as { customerId: string }).customerId),
    });
    expect(await reader().read('alice')).toEqual(view('alice'));
    expect(invocations).toBe(1);
  });

  it('retries a function that timed out, then succeeds', async () => {
    let calls = 0;
    behaviour = async (payload) => {
      calls++;
      return calls < 3
        ? {
            ok: false,
            error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out' },
            timedOut: true,
          }
        : { ok: true, payload: view((payload as { customerId: string }).customerId) };
    };
    expect((await reader().read('alice')).customerId).toBe('alice');
    expect(invocations).toBe(3);
  });

  it('gives up after a slow function exceeds the timeout on every attempt: 503', async () => {
    behaviour = async (payload) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      return { ok: true, payload: view((payload as { customerId: string }).customerId) };
    };
    const error = await reader()
      .read('alice')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CartUnavailableError);
    expect((error as CartUnavailableError).cause).toBeInstanceOf(TaskCancelledError);
    expect(invocations).toBe(3);
  });

  it('does not retry a function that failed with its own error, nor an answer outside the contract', async () => {
    behaviour = async () => ({
      ok: false,
      error: { errorType: 'TypeError', errorMessage: 'boom' },
      timedOut: false,
    });
    await expect(reader().read('alice')).rejects.toBeInstanceOf(CartUnavailableError);
    expect(invocations).toBe(1);
    behaviour = async () => ({ ok: true, payload: { items: 'nope' } });
    await expect(reader().read('alice')).rejects.toBeInstanceOf(CartUnavailableError);
    expect(invocations).toBe(2);
  });

  it('opens the circuit after consecutive failures and stops calling the cart', async () => {
    behaviour = async () => ({
      ok: false,
      error: { errorType: 'TypeError', errorMessage: 'down' },
      timedOut: false,
    });
    const breaking = reader({ breakAfter: 2, halfOpenAfterMs: 60_000 });
    await expect(breaking.read('alice')).rejects.toBeInstanceOf(CartUnavailableError);
    await expect(breaking.read('alice')).rejects.toBeInstanceOf(CartUnavailableError);
    expect(invocations).toBe(2);
    behaviour = async (payload) => ({
      ok: true,
      payload: view((payload as { customerId: string }).customerId),
    });
    await expect(breaking.read('alice')).rejects.toBeInstanceOf(CartUnavailableError);
    expect(invocations).toBe(2);
  });

  it('budgets the whole call from the remaining time of the invocation, less a margin', async () => {
    behaviour = async (payload) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      return { ok: true, payload: view((payload as { customerId: string }).customerId) };
    };
    // 4.1 s left, 4 s margin: 100 ms for the whole call, so one attempt that times out and no retry.
    const short = reader({}, FUNCTION, {
      ...CART_CALL_POLICY,
      attemptTimeoutMs: 200,
      initialDelayMs: 5,
      maxDelayMs: 20,
    });
    const error = await runInInvocation({ remainingTimeMs: () => 4_100 }, () => short.read('alice')).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(CartUnavailableError);
    expect((error as CartUnavailableError).cause).toBeInstanceOf(TaskCancelledError);
    expect(invocations).toBe(1);
  });

  it('carries the correlation id of the invocation in the payload', async () => {
    let received: unknown;
    behaviour = async (payload) => {
      received = payload;
      return { ok: true, payload: view('alice') };
    };
    await runInInvocation({ correlationId: 'corr-1' }, () => reader().read('alice'));
    expect(received).toEqual({ customerId: 'alice', correlationId: 'corr-1' });
  });

  it("runs the callee in the caller's correlation id: its INFO line and every line it writes carry it", async () => {
    // The callee as the cart defines it: defineInvokedFunction over the same contract.
    const callee = defineInvokedFunction({
      contract: CheckoutView,
      errors: [],
      run: async ({ customerId }) => {
        getLogger().info('cart read', { customerId });
        return view(customerId);
      },
    });
    behaviour = async (payload) => ({ ok: true, payload: await callee(payload) });
    const { result, logs } = await captureOutput(() =>
      runInInvocation({ correlationId: 'dx-corr-0002' }, () => reader().read('alice')),
    );
    expect(result.customerId).toBe('alice');
    expect(logs.map(({ message, correlationId }) => ({ message, correlationId }))).toEqual([
      { message: 'cart read', correlationId: 'dx-corr-0002' },
      { message: 'invocation', correlationId: 'dx-corr-0002' },
    ]);
    expect(logs[1]).toMatchObject({
      level: 'INFO',
      function: 'cart.checkoutView',
      outcome: 'succeeded',
      durationMs: expect.any(Number),
    });
  });

  it('is built by the composition root with the service policy', () => {
    expect(createCheckoutViewReader(FUNCTION)).toBeInstanceOf(LambdaCheckoutViewReader);
  });

  it('is unavailable when the function does not exist', async () => {
    await expect(reader({}, 'cart-missing').read('alice')).rejects.toBeInstanceOf(CartUnavailableError);
    expect(invocations).toBe(0);
  });
});
