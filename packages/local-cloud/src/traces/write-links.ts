type Item = Record<string, unknown>;

const isItem = (value: unknown): value is Item =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The most recent writes remembered; older ones are forgotten first. */
const DEFAULT_CAPACITY = 10_000;

/**
 * Which API call last wrote each item, by table and key: the parent of the stream record the write
 * causes. DynamoDB Local's streams carry no trace header, so the link is made here.
 */
export class WriteLinks {
  readonly #keyNamesOf: (table: string) => readonly string[] | undefined;
  readonly #capacity: number;
  readonly #spans = new Map<string, string>();

  constructor(keyNamesOf: (table: string) => readonly string[] | undefined, capacity = DEFAULT_CAPACITY) {
    this.#keyNamesOf = keyNamesOf;
    this.#capacity = capacity;
  }

  #keyOf(table: string, item: Item): string | undefined {
    const names = this.#keyNamesOf(table);
    if (!names || names.length === 0) return undefined;
    const parts: string[] = [table];
    for (const name of names) {
      const value = item[name];
      if (value === undefined) return undefined;
      parts.push(JSON.stringify(value));
    }
    return parts.join('|');
  }

  #note(table: unknown, item: unknown, spanId: string): void {
    if (typeof table !== 'string' || !isItem(item)) return;
    const key = this.#keyOf(table, item);
    if (!key) return;
    this.#spans.delete(key);
    this.#spans.set(key, spanId);
    if (this.#spans.size > this.#capacity) {
      const oldest = this.#spans.keys().next().value;
      if (oldest !== undefined) this.#spans.delete(oldest);
    }
  }

  /** Remembers the items a DynamoDB request writes (PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems). */
  noteWrites(body: Item, spanId: string): void {
    this.#note(body.TableName, body.Item ?? body.Key, spanId);
    if (Array.isArray(body.TransactItems)) {
      for (const entry of body.TransactItems) {
        if (!isItem(entry)) continue;
        for (const action of [entry.Put, entry.Update, entry.Delete]) {
          if (isItem(action)) this.#note(action.TableName, action.Item ?? action.Key, spanId);
        }
      }
    }
    if (isItem(body.RequestItems)) {
      for (const [table, requests] of Object.entries(body.RequestItems)) {
        if (!Array.isArray(requests)) continue;
        for (const request of requests) {
          if (!isItem(request)) continue;
          const put = request.PutRequest;
          const del = request.DeleteRequest;
          if (isItem(put)) this.#note(table, put.Item, spanId);
          if (isItem(del)) this.#note(table, del.Key, spanId);
        }
      }
    }
  }

  /** The span of the call that last wrote the item with these keys (a stream record's `Keys`). */
  writerOf(table: string, keys: Item | undefined): string | undefined {
    if (!keys) return undefined;
    const key = this.#keyOf(table, keys);
    return key ? this.#spans.get(key) : undefined;
  }
}
