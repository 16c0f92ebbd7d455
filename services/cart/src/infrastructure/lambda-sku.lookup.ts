import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { LookupSkusInput, LookupSkusOutput, type SkuInfo } from '@shop/contracts/catalog';
import { CatalogUnavailableError } from '../domain/cart.errors.ts';
import type { CatalogSku, SkuLookup, SkuLookupResult } from '../domain/sku-lookup.port.ts';
import { type CatalogCallPolicy, createCatalogCallPolicy } from './catalog-call.policy.ts';

/** The catalog's `lookupSkus` takes at most this many SKUs per call. */
const LOOKUP_LIMIT = 100;

/** The catalog function answered, but not with a lookup result (it threw, or its answer is malformed). */
export class CatalogLookupFailedError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'CatalogLookupFailedError';
  }
}

export const snapshotOf = (info: SkuInfo): CatalogSku => ({
  sku: info.sku,
  productId: info.productId,
  productName: info.productName,
  variantName: info.variantName,
  price: info.price,
  status: info.status,
  sold: true,
  version: info.version,
  available: info.available,
});

export interface LambdaSkuLookupOptions {
  /** Build it with `maxAttempts: 1`: the policy owns retries. The SDK reads `AWS_ENDPOINT_URL` itself. */
  readonly lambda: LambdaClient;
  /** `CATALOG_LOOKUP_SKUS_FUNCTION_NAME`. */
  readonly functionName: string;
  readonly policy?: CatalogCallPolicy;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * The catalog's internal `lookupSkus` function, called with Lambda Invoke through a resilient
 * policy. Whatever goes wrong (timeout, throttling, a function error, an open circuit) ends as a
 * `CatalogUnavailableError`.
 */
export class LambdaSkuLookup implements SkuLookup {
  readonly #lambda: LambdaClient;
  readonly #functionName: string;
  readonly #policy: CatalogCallPolicy;

  constructor(options: LambdaSkuLookupOptions) {
    this.#lambda = options.lambda;
    this.#functionName = options.functionName;
    this.#policy = options.policy ?? createCatalogCallPolicy();
  }

  /** The circuit's state, for logs and tests: `closed`, `open`, `halfOpen` or `isolated`. */
  get circuitState() {
    return this.#policy.breaker.state;
  }

  async #invoke(input: LookupSkusInput, signal: AbortSignal): Promise<LookupSkusOutput> {
    const result = await this.#lambda.send(
      new InvokeCommand({
        FunctionName: this.#functionName,
        Payload: encoder.encode(JSON.stringify(input)),
      }),
      { abortSignal: signal },
    );
    const body = result.Payload ? decoder.decode(result.Payload) : '';
    if (result.FunctionError) {
      throw new CatalogLookupFailedError(`${this.#functionName} failed: ${body.slice(0, 500)}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new CatalogLookupFailedError(`${this.#functionName} answered with something that is not JSON`);
    }
    const parsed = LookupSkusOutput.safeParse(json);
    if (!parsed.success) {
      throw new CatalogLookupFailedError(`${this.#functionName} answered: ${parsed.error.message}`);
    }
    return parsed.data;
  }

  async lookup(skus: readonly string[]): Promise<SkuLookupResult> {
    const items: CatalogSku[] = [];
    const missing: string[] = [];
    const unique = [...new Set(skus)];
    for (let i = 0; i < unique.length; i += LOOKUP_LIMIT) {
      const input = LookupSkusInput.parse({ skus: unique.slice(i, i + LOOKUP_LIMIT) });
      let answer: LookupSkusOutput;
      try {
        answer = await this.#policy.policy.execute(({ signal }) => this.#invoke(input, signal));
      } catch (error) {
        throw new CatalogUnavailableError(error);
      }
      items.push(...answer.items.map(snapshotOf));
      missing.push(...answer.missing);
    }
    return { items, missing };
  }
}
