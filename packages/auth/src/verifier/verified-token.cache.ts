type Entry<V> = { value: V; expiresAtMs: number };

/**
 * A bounded map of already-verified token strings to their result, each entry usable only until
 * its token's `exp`. Recency is tracked through `Map` insertion order (a hit re-inserts the key),
 * and the least recently used entry is evicted when full: a cheap LRU with O(1) operations.
 */
export class VerifiedTokenCache<V> {
  readonly #maxEntries: number;
  readonly #entries = new Map<string, Entry<V>>();

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The cached value, unless absent or `nowMs` has reached the entry's expiry (then it is dropped). */
  get(token: string, nowMs: number): V | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    this.#entries.delete(token);
    if (nowMs >= entry.expiresAtMs) return undefined;
    this.#entries.set(token, entry);
    return entry.value;
  }

  set(token: string, value: V, expiresAtMs: number): void {
    if (this.#maxEntries <= 0) return;
    this.#entries.delete(token);
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, { value, expiresAtMs });
  }
}
