import type { Clock } from '@shop/platform/clock';
import type { PaymentRepository } from '../domain/payment.repository.port.ts';
import type { PaymentProvider } from '../domain/payment-provider.port.ts';

/**
 * How long an authorizing invocation owns a `PENDING` payment: longer than the task's 10 s Lambda
 * timeout, so a live invocation is never overtaken, and short enough for the saga's retries to take
 * over from one that crashed.
 */
export const AUTHORIZATION_LEASE_MS = 15_000;

export interface PaymentDeps {
  readonly payments: PaymentRepository;
  readonly provider: PaymentProvider;
  /** The events' `source`: the service name. */
  readonly source: string;
  readonly clock?: Clock;
  readonly newId?: () => string;
  readonly leaseMs?: number;
  /** How long a concurrent authorization waits for the one in flight before answering `PaymentInProgress`. */
  readonly waitForWinner?: { readonly attempts: number; readonly intervalMs: number };
}

export interface Origin {
  readonly correlationId: string;
}

export const newIdOf = (deps: PaymentDeps): string => (deps.newId ? deps.newId() : crypto.randomUUID());
