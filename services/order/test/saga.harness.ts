import { fileURLToPath } from 'node:url';
import {
  functionArn,
  functionNameOf,
  type InvokeResult,
  type LambdaInvoker,
  StepFunctionsEmulator,
} from '@shop/local-cloud/testing';
import { taskSubstitutionsOf } from '@shop/platform/service';
import type { OrderTasks } from '../src/application/order.tasks.ts';
import orderService from '../src/service.ts';
import { usd } from './order.fixtures.ts';

export const CHECKOUT_ASL = fileURLToPath(new URL('../src/saga/checkout.asl.json', import.meta.url));
export const CANCEL_ASL = fileURLToPath(new URL('../src/saga/cancel.asl.json', import.meta.url));
export const SETTLE_ASL = fileURLToPath(new URL('../src/saga/settle.asl.json', import.meta.url));

type Task = (payload: unknown) => Promise<unknown>;

/** A named error, as a Lambda task reports it (`errorType` = `name`). */
const fail = (name: string, message: string): never => {
  const error = new Error(message);
  error.name = name;
  throw error;
};

interface Reservation {
  lines: { sku: string; quantity: number }[];
  state: 'reserved' | 'released' | 'committed';
}

/**
 * Simple stand-ins for the catalog's and the payment's saga tasks (their services run them for real in
 * the end-to-end journeys): stock with prices, reservations, payments, and switches for failures.
 */
export class SagaWorld {
  /** sku -> units available and the catalog's current price. */
  readonly stock = new Map<string, { available: number; price: number }>();
  readonly reservations = new Map<string, Reservation>();
  readonly payments = new Map<string, { amount: { amount: number; currency: string }; status: string }>();
  readonly restocked: string[] = [];
  /** Every task invocation, in order: `[task, orderId]`. */
  readonly calls: { task: string; payload: Record<string, unknown> }[] = [];
  /** Failures to throw before a task succeeds, by task name: `[errorName, count]`. */
  readonly failures = new Map<string, { name: string; remaining: number }>();
  /** Orders whose capture always fails (the provider stays unavailable). */
  readonly captureFails = new Set<string>();
  readonly refundFails = new Set<string>();
  /** code -> a percentage off, its limit and the orders holding it (the promotions service's tasks). */
  readonly promotions = new Map<string, { percent: number; maxRedemptions: number; orders: Set<string> }>();
  /** Simulates the catalog's `order.confirmed` consumer running before the compensation. */
  commitOnConfirm = false;

  private readonly orderTasks: OrderTasks;

  constructor(orderTasks: OrderTasks) {
    this.orderTasks = orderTasks;
  }

  attempts(task: string): number {
    return this.calls.filter((call) => call.task === task).length;
  }

  tasksCalled(): string[] {
    return this.calls.map((call) => call.task);
  }

  private injected(task: string): void {
    const failure = this.failures.get(task);
    if (failure && failure.remaining > 0) {
      failure.remaining--;
      fail(failure.name, `${task}: injected ${failure.name}`);
    }
  }

  readonly tasks: Record<string, Task> = {
    PlaceOrder: (p) => this.orderTasks.placeOrder(p),
    PriceOrder: (p) => this.orderTasks.priceOrder(p),
    ConfirmOrder: async (p) => {
      const result = await this.orderTasks.confirmOrder(p);
      const reservation = this.reservations.get(result.orderId);
      if (this.commitOnConfirm && reservation) reservation.state = 'committed';
      return result;
    },
    RejectOrder: (p) => this.orderTasks.rejectOrder(p),
    CancelOrder: (p) => this.orderTasks.cancelOrder(p),
    AbortCancellation: (p) => this.orderTasks.abortCancellation(p),

    ReserveStock: async (p) => {
      const { orderId, lines } = p as { orderId: string; lines: { sku: string; quantity: number }[] };
      const existing = this.reservations.get(orderId);
      if (!existing) {
        for (const line of lines) {
          if ((this.stock.get(line.sku)?.available ?? 0) < line.quantity)
            fail('OutOfStock', `${line.sku} is short`);
        }
        for (const line of lines) {
          const item = this.stock.get(line.sku);
          if (item) item.available -= line.quantity;
        }
        this.reservations.set(orderId, { lines, state: 'reserved' });
      }
      return {
        orderId,
        lines: lines.map((line) => ({
          sku: line.sku,
          quantity: line.quantity,
          unitPrice: usd(this.stock.get(line.sku)?.price ?? 0),
          productId: `prod-${line.sku}`,
          name: `Catalog ${line.sku}`,
        })),
      };
    },
    ReleaseStock: async (p) => {
      const { orderId } = p as { orderId: string };
      const reservation = this.reservations.get(orderId);
      if (!reservation) return { orderId, outcome: 'not-reserved' };
      if (reservation.state === 'committed') return { orderId, outcome: 'committed' };
      if (reservation.state === 'released') return { orderId, outcome: 'already-released' };
      reservation.state = 'released';
      for (const line of reservation.lines) {
        const item = this.stock.get(line.sku);
        if (item) item.available += line.quantity;
      }
      return { orderId, outcome: 'released' };
    },
    RestockOrder: async (p) => {
      const { orderId } = p as { orderId: string };
      this.restocked.push(orderId);
      return { orderId, outcome: 'restocked' };
    },

    RedeemPromotion: async (p) => {
      const { orderId, code, lines } = p as {
        orderId: string;
        code: string;
        lines: { quantity: number; unitPrice: { amount: number } }[];
      };
      const promotion = this.promotions.get(code);
      if (!promotion) return fail('PromotionUnavailable', `promotion ${code} does not exist`);
      if (!promotion.orders.has(orderId)) {
        if (promotion.orders.size >= promotion.maxRedemptions)
          fail('PromotionExhausted', `${code} is used up`);
        promotion.orders.add(orderId);
      }
      const subtotal = lines.reduce((sum, line) => sum + line.unitPrice.amount * line.quantity, 0);
      return { orderId, code, discount: usd(Math.floor((subtotal * promotion.percent) / 100)) };
    },
    ReleasePromotion: async (p) => {
      const { orderId } = p as { orderId: string };
      for (const promotion of this.promotions.values()) {
        if (promotion.orders.delete(orderId)) return { orderId, outcome: 'released' };
      }
      return { orderId, outcome: 'not-redeemed' };
    },

    AuthorizePayment: async (p) => {
      const input = p as {
        orderId: string;
        paymentMethod: string;
        amount: { amount: number; currency: string };
      };
      if (input.paymentMethod === 'pm_card_declined')
        fail('PaymentDeclined', 'payment declined (card_declined)');
      this.payments.set(input.orderId, { amount: input.amount, status: 'AUTHORIZED' });
      return { orderId: input.orderId, paymentId: `pay-${input.orderId}`, status: 'AUTHORIZED' };
    },
    CapturePayment: async (p) => {
      const { orderId } = p as { orderId: string };
      if (this.captureFails.has(orderId)) fail('PaymentProviderUnavailable', 'the provider is unavailable');
      const payment = this.payments.get(orderId);
      if (payment) payment.status = 'CAPTURED';
      return { orderId, paymentId: `pay-${orderId}`, status: 'CAPTURED' };
    },
    VoidPayment: async (p) => {
      const { orderId } = p as { orderId: string };
      const payment = this.payments.get(orderId);
      // As the payment service: money taken is refunded, never voided.
      if (payment?.status === 'CAPTURED' || payment?.status === 'REFUNDED')
        fail('PaymentInvalidTransition', `cannot void a payment that is ${payment.status}`);
      if (payment) payment.status = 'VOIDED';
      return { orderId, paymentId: `pay-${orderId}`, status: 'VOIDED' };
    },
    RefundPayment: async (p) => {
      const { orderId } = p as { orderId: string };
      if (this.refundFails.has(orderId)) fail('PaymentInvalidTransition', 'cannot refund');
      const payment = this.payments.get(orderId);
      if (payment) payment.status = 'REFUNDED';
      return {
        orderId,
        paymentId: `pay-${orderId}`,
        status: 'REFUNDED',
        refundedAmount: payment?.amount ?? usd(0),
      };
    },
  };

  /** Task name -> local function name, the order's from its definition, the others as their services name them. */
  readonly functionNames: Record<string, string> = {
    ReserveStock: 'catalog-reserve-stock',
    ReleaseStock: 'catalog-release-stock',
    RestockOrder: 'catalog-restock-order',
    AuthorizePayment: 'payment-authorize-payment',
    CapturePayment: 'payment-capture-payment',
    VoidPayment: 'payment-void-payment',
    RefundPayment: 'payment-refund-payment',
    RedeemPromotion: 'promotions-redeem-promotion',
    ReleasePromotion: 'promotions-release-promotion',
    ...Object.fromEntries(
      orderService.functions.flatMap((fn) =>
        fn.triggers.flatMap((trigger) => (trigger.type === 'task' ? [[trigger.name, fn.name]] : [])),
      ),
    ),
  };

  /** `${XFunctionArn}` -> the ARN of the function serving task X. */
  substitutions(): Record<string, string> {
    const own = taskSubstitutionsOf([orderService], (fn) => functionArn(fn.name));
    return {
      ...Object.fromEntries(
        Object.entries(this.functionNames).map(([task, name]) => [`${task}FunctionArn`, functionArn(name)]),
      ),
      ...own,
    };
  }

  /** The Lambda service as the emulator sees it: each function runs its task, errors come back as Lambda reports them. */
  readonly invoker: LambdaInvoker = {
    invoke: async (nameOrArn, payload): Promise<InvokeResult> => {
      const name = functionNameOf(nameOrArn);
      const task = Object.entries(this.functionNames).find(([, fn]) => fn === name)?.[0];
      const run = task ? this.tasks[task] : undefined;
      if (!task || !run) {
        throw Object.assign(new Error(`Function not found: ${name}`), { code: 'ResourceNotFoundException' });
      }
      this.calls.push({ task, payload: payload as Record<string, unknown> });
      try {
        this.injected(task);
        return { ok: true, payload: await run(payload) };
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        return { ok: false, error: { errorType: e.name, errorMessage: e.message }, timedOut: false };
      }
    },
  };
}

/** The emulator with the state machines of the order service registered from their ASL files. */
export const startSagas = async (world: SagaWorld) => {
  const emulator = new StepFunctionsEmulator({ invoker: world.invoker, waitTimeScale: 0.001 });
  const checkout = await emulator.createStateMachineFromFile(
    'order-checkout',
    CHECKOUT_ASL,
    world.substitutions(),
  );
  const cancel = await emulator.createStateMachineFromFile('order-cancel', CANCEL_ASL, world.substitutions());
  const settle = await emulator.createStateMachineFromFile('order-settle', SETTLE_ASL, world.substitutions());
  return {
    emulator,
    checkoutArn: checkout.stateMachineArn,
    cancelArn: cancel.stateMachineArn,
    settleArn: settle.stateMachineArn,
  };
};
