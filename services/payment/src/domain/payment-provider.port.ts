import type { Money } from './payment.types.ts';

/**
 * The payment provider (card network gateway). Every call carries an idempotency key: the same key
 * always gets the same outcome and moves money at most once, which is what makes retries and
 * take-overs safe. A real provider (Stripe, Adyen...) is a second adapter of this port.
 */
export interface PaymentProvider {
  authorize(request: AuthorizeRequest): Promise<AuthorizationResult>;
  /** Captures (part of) an authorization; returns the capture's reference. */
  capture(request: CaptureRequest): Promise<ProviderReceipt>;
  /** Releases an uncaptured authorization. */
  void(request: VoidRequest): Promise<ProviderReceipt>;
  /** Returns (part of) captured money. */
  refund(request: RefundRequest): Promise<ProviderReceipt>;
}

export interface AuthorizeRequest {
  readonly idempotencyKey: string;
  readonly amount: Money;
  /** A provider token such as `pm_card_visa`; never a card number. */
  readonly paymentMethod: string;
  /** Shown in the provider's dashboard; not interpreted. */
  readonly orderId: string;
}

export interface CaptureRequest {
  readonly idempotencyKey: string;
  /** The authorization's reference. */
  readonly reference: string;
  readonly amount: Money;
}

export interface VoidRequest {
  readonly idempotencyKey: string;
  readonly reference: string;
}

export interface RefundRequest {
  readonly idempotencyKey: string;
  readonly reference: string;
  readonly amount: Money;
}

export type AuthorizationResult =
  | { readonly approved: true; readonly reference: string }
  | {
      readonly approved: false;
      readonly reference: string;
      readonly declineCode: string;
      readonly reason: string;
    };

export interface ProviderReceipt {
  readonly reference: string;
}

/** The provider could not be reached or failed: the same call (same idempotency key) may be retried. */
export class ProviderUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderUnavailableError';
  }
}

/** The code of a refusal because the charge is already captured (a void or a second capture). */
export const CHARGE_CAPTURED = 'charge_captured';

/** The provider refused the operation for the charge's state (capture of a voided charge, over-refund...). */
export class ProviderRejectedError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'ProviderRejectedError';
    this.code = code;
  }
}
