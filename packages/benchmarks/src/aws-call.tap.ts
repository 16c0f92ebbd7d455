import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { listen, readBody, type StartedServer } from '@shop/local-cloud';

/** One AWS API call that went through the tap. */
export interface TappedCall {
  /** Who made it: the path prefix of the endpoint it was given, e.g. a function name. */
  readonly caller: string;
  /** `DynamoDB_20120810.GetItem`, `AmazonSQS.SendMessage`, or `METHOD /path` for REST APIs. */
  readonly target: string;
  readonly status: number;
  readonly requestBytes: number;
  readonly responseBytes: number;
  /** DynamoDB's own reckoning (ReturnConsumedCapacity), when asked for and given. */
  readonly readUnits?: number;
  readonly writeUnits?: number;
  /** True when the tap answered from a recording instead of forwarding. */
  readonly replayed: boolean;
  /** For DynamoDB: the partition key prefixes (`ORDER`, `SKU`...) of the items the call names. */
  readonly keyPrefixes?: readonly string[];
  /** For DynamoDB: the request's JSON as the caller sent it (a yardstick repeats it). */
  readonly requestBody?: string;
}

export interface AwsTapOptions {
  /** Where calls go (the local edge). */
  readonly upstream: string;
  /** Ask DynamoDB to report consumed capacity on every call (the caller sees the extra field too). */
  readonly consumedCapacity?: boolean;
}

/** A counting proxy in front of the AWS edge; see {@link startAwsTap}. */
export interface AwsTap {
  readonly url: string;
  /** The `AWS_ENDPOINT_URL` to give `caller`, so each of its calls is attributed to it. */
  endpointFor(caller: string): string;
  /** Every call so far, in arrival order. */
  readonly calls: readonly TappedCall[];
  /** Answers `caller`'s calls from what was recorded for it (per target, in turn) instead of forwarding. */
  setReplay(caller: string, replay: boolean): void;
  isReplaying(caller: string): boolean;
  /**
   * The recorded answer to a call of `caller` (counted in `calls` like one that came over HTTP), for
   * stubs that answer in process; undefined when nothing was recorded for `target`. With `recordedFor`,
   * the answer comes from another caller's recordings (a yardstick answered like the code it measures).
   */
  replayAnswer(
    caller: string,
    target: string,
    body: Buffer,
    recordedFor?: string,
  ): RecordedAnswer | undefined;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);
const DYNAMODB = 'DynamoDB_20120810.';
const CAPACITY_OPERATIONS = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
]);
const WRITE_OPERATIONS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);
const MAX_RECORDED_PER_TARGET = 32;

/** A response the tap recorded. */
export interface RecordedAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
}

interface CapacityEntry {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

const capacityOf = (operation: string, body: Buffer): { readUnits?: number; writeUnits?: number } => {
  let parsed: { ConsumedCapacity?: CapacityEntry | CapacityEntry[] };
  try {
    parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
  } catch {
    return {};
  }
  const entries = parsed.ConsumedCapacity;
  if (!entries) return {};
  let read = 0;
  let write = 0;
  for (const entry of Array.isArray(entries) ? entries : [entries]) {
    if (entry.ReadCapacityUnits !== undefined || entry.WriteCapacityUnits !== undefined) {
      read += entry.ReadCapacityUnits ?? 0;
      write += entry.WriteCapacityUnits ?? 0;
    } else if (WRITE_OPERATIONS.has(operation)) write += entry.CapacityUnits ?? 0;
    else read += entry.CapacityUnits ?? 0;
  }
  return { readUnits: read, writeUnits: write };
};

type AttributeMap = Record<string, { S?: string } | undefined>;
interface KeyedRequest {
  Key?: AttributeMap;
  Item?: AttributeMap;
  ExpressionAttributeValues?: AttributeMap;
  RequestItems?: Record<
    string,
    | { Keys?: AttributeMap[] }
    | { PutRequest?: { Item?: AttributeMap }; DeleteRequest?: { Key?: AttributeMap } }[]
  >;
  TransactItems?: Record<string, KeyedRequest | undefined>[];
}

const prefixOf = (map: AttributeMap | undefined, preferred = 'pk'): string | undefined => {
  const value = map?.[preferred]?.S ?? Object.values(map ?? {}).find((v) => v?.S !== undefined)?.S;
  return value === undefined ? undefined : (value.split('#')[0] ?? value);
};

/** The partition key prefixes a DynamoDB request names, to tell what each call is for. */
export const keyPrefixesOf = (body: Buffer): string[] => {
  let request: KeyedRequest;
  try {
    request = JSON.parse(body.toString('utf8')) as KeyedRequest;
  } catch {
    return [];
  }
  const out: (string | undefined)[] = [prefixOf(request.Key), prefixOf(request.Item)];
  if (!request.Key && !request.Item && request.ExpressionAttributeValues) {
    out.push(prefixOf(request.ExpressionAttributeValues, ':pk'));
  }
  for (const table of Object.values(request.RequestItems ?? {})) {
    if (Array.isArray(table)) {
      for (const write of table)
        out.push(prefixOf(write.PutRequest?.Item), prefixOf(write.DeleteRequest?.Key));
    } else for (const key of table.Keys ?? []) out.push(prefixOf(key));
  }
  for (const item of request.TransactItems ?? []) {
    for (const action of Object.values(item)) out.push(prefixOf(action?.Key), prefixOf(action?.Item));
  }
  return [...new Set(out.filter((p): p is string => p !== undefined))];
};

const withCapacityRequest = (operation: string, body: Buffer): Buffer => {
  if (!CAPACITY_OPERATIONS.has(operation)) return body;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    if (parsed.ReturnConsumedCapacity !== undefined && parsed.ReturnConsumedCapacity !== 'NONE') return body;
    return Buffer.from(JSON.stringify({ ...parsed, ReturnConsumedCapacity: 'TOTAL' }));
  } catch {
    return body;
  }
};

/**
 * Starts a proxy that forwards `/<caller>/<path>` to `upstream/<path>` and logs each AWS call with its
 * caller and target (`X-Amz-Target`, or method and path for REST APIs such as Lambda Invoke). Giving
 * each function its own endpoint (`endpointFor(name)`) attributes every call exactly, with nothing
 * changed in the function. It also records each caller's responses so they can be replayed, which
 * stubs DynamoDB at the HTTP layer for in-process benchmarks.
 *
 * The AWS SDK keeps an endpoint's path, and DynamoDB Local does not check request signatures, so
 * neither the prefix nor an added `ReturnConsumedCapacity` disturbs a call.
 */
export const startAwsTap = async (options: AwsTapOptions): Promise<AwsTap> => {
  const upstream = new URL(options.upstream);
  const calls: TappedCall[] = [];
  const recordings = new Map<string, Map<string, RecordedAnswer[]>>();
  const replayTurns = new Map<string, number>();
  const replaying = new Set<string>();

  const exactKey = (target: string, body: Buffer) =>
    `${target} ${createHash('sha1').update(body).digest('base64')}`;

  const replayAnswer = (
    caller: string,
    target: string,
    body: Buffer,
    recordedFor = caller,
  ): RecordedAnswer | undefined => {
    // The same request gets the answer it got; a request that differs (a timestamp, a new id) gets
    // the answers recorded for its target in turn.
    const byTarget = recordings.get(recordedFor);
    const recorded = byTarget?.get(exactKey(target, body)) ?? byTarget?.get(target) ?? [];
    const turn = replayTurns.get(`${caller} ${target}`) ?? 0;
    replayTurns.set(`${caller} ${target}`, turn + 1);
    const answer = recorded[turn % Math.max(1, recorded.length)];
    calls.push({
      caller,
      target,
      status: answer?.status ?? 400,
      requestBytes: body.length,
      responseBytes: answer?.body.length ?? 0,
      replayed: true,
      ...(target.startsWith(DYNAMODB) ? { requestBody: body.toString('utf8') } : {}),
    });
    return answer;
  };

  const forward = (req: IncomingMessage, path: string, body: Buffer) =>
    new Promise<RecordedAnswer & { headers: Record<string, string> }>((resolve, reject) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name))
          headers[name] = Array.isArray(value) ? value.join(',') : value;
      }
      headers['content-length'] = String(body.length);
      const upstreamRequest = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const out: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined && !HOP_BY_HOP.has(name))
                out[name] = Array.isArray(value) ? value.join(',') : value;
            }
            resolve({
              status: res.statusCode ?? 502,
              contentType: String(res.headers['content-type'] ?? 'application/json'),
              headers: out,
              body: Buffer.concat(chunks),
            });
          });
        },
      );
      upstreamRequest.on('error', reject);
      upstreamRequest.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const slash = url.indexOf('/', 1);
    const caller = decodeURIComponent(url.slice(1, slash < 0 ? url.length : slash).split('?')[0] ?? '');
    const path = slash < 0 ? '/' : url.slice(slash);
    const amzTarget = req.headers['x-amz-target'];
    const target = typeof amzTarget === 'string' ? amzTarget : `${req.method} ${path.split('?')[0]}`;
    const operation = target.startsWith(DYNAMODB) ? target.slice(DYNAMODB.length) : '';
    let body = await readBody(req);
    const requestBytes = body.length;

    if (replaying.has(caller)) {
      const answer = replayAnswer(caller, target, body);
      if (!answer) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'ValidationException', message: `the tap recorded no ${target}` }));
        return;
      }
      res.writeHead(answer.status, {
        'content-type': answer.contentType,
        'content-length': answer.body.length,
      });
      res.end(answer.body);
      return;
    }

    const keyPrefixes = operation ? keyPrefixesOf(body) : undefined;
    const requestBody = operation ? body.toString('utf8') : undefined;
    if (operation && options.consumedCapacity) body = withCapacityRequest(operation, body);
    const answer = await forward(req, path, body);
    calls.push({
      caller,
      target,
      status: answer.status,
      requestBytes,
      responseBytes: answer.body.length,
      ...(operation ? { ...capacityOf(operation, answer.body), keyPrefixes, requestBody } : {}),
      replayed: false,
    });
    const byTarget = recordings.get(caller) ?? new Map<string, RecordedAnswer[]>();
    recordings.set(caller, byTarget);
    for (const key of [target, exactKey(target, body)]) {
      const list = byTarget.get(key) ?? [];
      byTarget.set(key, list);
      if (list.length < MAX_RECORDED_PER_TARGET) list.push(answer);
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: error instanceof Error ? error.message : String(error) }));
    });
  });
  const started: StartedServer = await listen(server, 0);
  return {
    url: started.url,
    endpointFor: (caller) => `${started.url}/${encodeURIComponent(caller)}`,
    calls,
    setReplay(caller, replay) {
      if (replay) replaying.add(caller);
      else replaying.delete(caller);
    },
    isReplaying: (caller) => replaying.has(caller),
    replayAnswer,
    close: () => started.close(),
  };
};
