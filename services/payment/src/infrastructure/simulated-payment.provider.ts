import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TEST_PAYMENT_METHODS } from '@shop/contracts/payment';
import { failedConditions, isTransactionConflict } from '@shop/platform/dynamodb';
import { LOST_RACE, retryLostRaces } from '@shop/platform/races';
import {
  type AuthorizationResult,
  type AuthorizeRequest,
  type CaptureRequest,
  type PaymentProvider,
  type ProviderReceipt,
  ProviderRejectedError,
  ProviderUnavailableError,
  type RefundRequest,
  type VoidRequest,
} from '../domain/payment-provider.port.ts';

/** How many times `pm_card_flaky` fails, per authorization idempotency key, before it approves. */
export const FLAKY_FAILURES = 2;

const PREFIX = 'SIMPROVIDER#';
const requestKey = (idempotencyKey: string) => ({ pk: `${PREFIX}REQUEST#${idempotencyKey}`, sk: 'REQUEST' });
const chargeKey = (reference: string) => ({ pk: `${PREFIX}CHARGE#${reference}`, sk: 'CHARGE' });
const attemptsKey = (idempotencyKey: string) => ({
  pk: `${PREFIX}ATTEMPTS#${idempotencyKey}`,
  sk: 'ATTEMPTS',
});

type Outcome = { approved: true } | { approved: false; declineCode: string; reason: string };

const OUTCOMES: Record<string, Outcome> = {
  [TEST_PAYMENT_METHODS.visa]: { approved: true },
  [TEST_PAYMENT_METHODS.flaky]: { approved: true },
  [TEST_PAYMENT_METHODS.declined]: {
    approved: false,
    declineCode: 'card_declined',
    reason: 'the card was declined',
  },
  [TEST_PAYMENT_METHODS.insufficientFunds]: {
    approved: false,
    declineCode: 'insufficient_funds',
    reason: 'the card has insufficient funds',
  },
};
const UNKNOWN_METHOD: Outcome = {
  approved: false,
  declineCode: 'payment_method_unknown',
  reason: 'the payment method is not one the provider issued',
};

type ChargeStatus = 'authorized' | 'captured' | 'voided';

interface Charge {
  readonly reference: string;
  readonly amount: number;
  readonly currency: string;
  readonly status: ChargeStatus;
  readonly captured: number;
  readonly refunded: number;
  readonly version: number;
}

interface RememberedRequest {
  readonly operation: string;
  readonly fingerprint: string;
  readonly result: Record<string, unknown>;
}

type TransactItem = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']
>[number];

const newReference = (kind: string): string => `${kind}_sim_${crypto.randomUUID().replaceAll('-', '')}`;

/** Like a real adapter maps network failures: anything but a decision of the provider is transient. */
const asProviderFailure = async <T>(call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ProviderRejectedError || error instanceof ProviderUnavailableError) throw error;
    throw new ProviderUnavailableError('the simulated provider failed', { cause: error });
  }
};

export interface SimulatedPaymentProviderOptions {
  readonly documentClient: DynamoDBDocumentClient;
  readonly tableName: string;
}

/**
 * A payment provider that behaves like a real one without a card network: test tokens decide the
 * outcome, every request is idempotent by its key (the outcome is stored and replayed), charges have
 * a state (authorized, captured, voided; refunded amounts) that refuses impossible operations, and
 * `pm_card_flaky` fails its first two authorization attempts. All of that state is in DynamoDB, so it
 * holds across Lambda invocations and instances, as a real provider's would.
 */
export class SimulatedPaymentProvider implements PaymentProvider {
  readonly #ddb: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: SimulatedPaymentProviderOptions) {
    this.#ddb = options.documentClient;
    this.#table = options.tableName;
  }

  authorize(request: AuthorizeRequest): Promise<AuthorizationResult> {
    return asProviderFailure(() => this.#authorize(request));
  }

  capture(request: CaptureRequest): Promise<ProviderReceipt> {
    return asProviderFailure(() => this.#capture(request));
  }

  void(request: VoidRequest): Promise<ProviderReceipt> {
    return asProviderFailure(() => this.#void(request));
  }

  refund(request: RefundRequest): Promise<ProviderReceipt> {
    return asProviderFailure(() => this.#refund(request));
  }

  async #authorize(request: AuthorizeRequest): Promise<AuthorizationResult> {
    const fingerprint = `${request.amount.amount} ${request.amount.currency} ${request.paymentMethod}`;
    const remembered = await this.#remembered(request.idempotencyKey, 'authorize', fingerprint);
    if (remembered) return remembered as unknown as AuthorizationResult;
    if (request.paymentMethod === TEST_PAYMENT_METHODS.flaky) await this.#flake(request.idempotencyKey);
    const outcome = OUTCOMES[request.paymentMethod] ?? UNKNOWN_METHOD;
    const reference = newReference('ch');
    const result: AuthorizationResult = outcome.approved
      ? { approved: true, reference }
      : { approved: false, reference, declineCode: outcome.declineCode, reason: outcome.reason };
    const charge: TransactItem | undefined = outcome.approved
      ? {
          Put: {
            TableName: this.#table,
            Item: {
              ...chargeKey(reference),
              reference,
              amount: request.amount.amount,
              currency: request.amount.currency,
              status: 'authorized',
              captured: 0,
              refunded: 0,
              version: 1,
            },
          },
        }
      : undefined;
    return (await this.#commit(
      request.idempotencyKey,
      'authorize',
      fingerprint,
      result,
      charge,
    )) as AuthorizationResult;
  }

  #capture(request: CaptureRequest): Promise<ProviderReceipt> {
    const fingerprint = `${request.reference} ${request.amount.amount} ${request.amount.currency}`;
    return this.#chargeOperation(
      request.idempotencyKey,
      'capture',
      fingerprint,
      request.reference,
      (charge) => {
        if (charge.status !== 'authorized') {
          throw new ProviderRejectedError(
            `charge_${charge.status}`,
            `the charge is already ${charge.status}`,
          );
        }
        if (request.amount.currency !== charge.currency || request.amount.amount > charge.amount) {
          throw new ProviderRejectedError('amount_too_large', 'the capture exceeds the authorized amount');
        }
        return { status: 'captured', captured: request.amount.amount };
      },
    );
  }

  #void(request: VoidRequest): Promise<ProviderReceipt> {
    return this.#chargeOperation(
      request.idempotencyKey,
      'void',
      request.reference,
      request.reference,
      (charge) => {
        if (charge.status !== 'authorized') {
          throw new ProviderRejectedError(
            `charge_${charge.status}`,
            `the charge is already ${charge.status}`,
          );
        }
        return { status: 'voided' };
      },
    );
  }

  #refund(request: RefundRequest): Promise<ProviderReceipt> {
    const fingerprint = `${request.reference} ${request.amount.amount} ${request.amount.currency}`;
    return this.#chargeOperation(
      request.idempotencyKey,
      'refund',
      fingerprint,
      request.reference,
      (charge) => {
        if (charge.status !== 'captured') {
          throw new ProviderRejectedError('charge_not_captured', 'only captured charges can be refunded');
        }
        if (
          request.amount.currency !== charge.currency ||
          request.amount.amount <= 0 ||
          charge.refunded + request.amount.amount > charge.captured
        ) {
          throw new ProviderRejectedError(
            'amount_too_large',
            'the refund exceeds what is left of the charge',
          );
        }
        return { refunded: charge.refunded + request.amount.amount };
      },
    );
  }

  /** Counts authorization attempts of a flaky card per idempotency key (that is, per order). */
  async #flake(idempotencyKey: string): Promise<void> {
    const { Attributes } = await this.#ddb.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: attemptsKey(idempotencyKey),
        UpdateExpression: 'ADD attempts :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const attempts = Number(Attributes?.attempts ?? 0);
    if (attempts <= FLAKY_FAILURES) {
      throw new ProviderUnavailableError(`simulated provider outage (attempt ${attempts} of pm_card_flaky)`);
    }
  }

  async #chargeOperation(
    idempotencyKey: string,
    operation: string,
    fingerprint: string,
    reference: string,
    change: (charge: Charge) => Partial<Pick<Charge, 'status' | 'captured' | 'refunded'>>,
  ): Promise<ProviderReceipt> {
    return retryLostRaces(
      async () => {
        const remembered = await this.#remembered(idempotencyKey, operation, fingerprint);
        if (remembered) return remembered as unknown as ProviderReceipt;
        const { Item } = await this.#ddb.send(
          new GetCommand({ TableName: this.#table, Key: chargeKey(reference), ConsistentRead: true }),
        );
        if (!Item) throw new ProviderRejectedError('resource_missing', 'no such charge');
        const charge = Item as Charge;
        let changes: ReturnType<typeof change>;
        try {
          changes = change(charge);
        } catch (error) {
          // A concurrent call with the same key may have changed the charge since we looked for its outcome.
          const winner = await this.#remembered(idempotencyKey, operation, fingerprint);
          if (winner) return winner as unknown as ProviderReceipt;
          throw error;
        }
        const names: Record<string, string> = { '#version': 'version' };
        const values: Record<string, unknown> = { ':version': charge.version, ':next': charge.version + 1 };
        const sets = ['#version = :next'];
        for (const [field, value] of Object.entries(changes)) {
          names[`#${field}`] = field;
          values[`:${field}`] = value;
          sets.push(`#${field} = :${field}`);
        }
        const update: TransactItem = {
          Update: {
            TableName: this.#table,
            Key: chargeKey(reference),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: '#version = :version',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        };
        const receipt = {
          reference: newReference(operation === 'capture' ? 'cap' : operation === 'void' ? 'vd' : 're'),
        };
        const committed = await this.#commit(idempotencyKey, operation, fingerprint, receipt, update, true);
        if (committed) return committed as unknown as ProviderReceipt;
        // The charge changed under us: decide again on its new state.

        return LOST_RACE;
      },
      { onExhausted: () => new ProviderUnavailableError(`too much contention on charge ${reference}`) },
    );
  }

  async #remembered(
    idempotencyKey: string,
    operation: string,
    fingerprint: string,
  ): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.#ddb.send(
      new GetCommand({ TableName: this.#table, Key: requestKey(idempotencyKey), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const request = Item as unknown as RememberedRequest;
    if (request.operation !== operation || request.fingerprint !== fingerprint) {
      throw new ProviderRejectedError(
        'idempotency_key_in_use',
        'the idempotency key was used for a different request',
      );
    }
    return request.result;
  }

  /**
   * Stores the outcome under the idempotency key together with the charge change. When another call
   * with the same key committed first, its outcome wins; when the charge changed (`retryOnChargeRace`),
   * returns undefined so the caller decides again.
   */
  async #commit(
    idempotencyKey: string,
    operation: string,
    fingerprint: string,
    result: object,
    chargeChange: TransactItem | undefined,
    retryOnChargeRace = false,
  ): Promise<Record<string, unknown> | undefined> {
    const remember: TransactItem = {
      Put: {
        TableName: this.#table,
        Item: { ...requestKey(idempotencyKey), operation, fingerprint, result },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
    try {
      await this.#ddb.send(
        new TransactWriteCommand({ TransactItems: chargeChange ? [remember, chargeChange] : [remember] }),
      );
      return result as Record<string, unknown>;
    } catch (error) {
      const failed = failedConditions(error);
      if (failed?.includes(0) || (failed === undefined && isTransactionConflict(error))) {
        const winner = await this.#remembered(idempotencyKey, operation, fingerprint);
        if (winner) return winner;
        if (retryOnChargeRace) return undefined;
      }
      if (failed?.includes(1) && retryOnChargeRace) return undefined;
      throw error;
    }
  }
}
