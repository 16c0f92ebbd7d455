import { EventEmitter } from 'node:events';
import http, { type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Readable } from 'node:stream';

/** A request as the AWS SDK's Node HTTP handler sends it, once its body is complete. */
export interface StubbedRequest {
  readonly method: string;
  /** Path and query, as given to `http.request`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface StubbedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface HttpStubOptions {
  /** Whether a request to `path` is answered in process; every other request goes out as usual. */
  readonly intercepts: (path: string) => boolean;
  readonly respond: (request: StubbedRequest) => StubbedResponse;
}

type RequestCallback = (res: IncomingMessage) => void;

const headerRecord = (headers: RequestOptions['headers']): Record<string, string> => {
  const out: Record<string, string> = {};
  if (!headers || Array.isArray(headers)) return out;
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return out;
};

/**
 * The part of `http.ClientRequest` the SDK's `NodeHttpHandler` uses: it listens for `response`,
 * `error` and `socket`, and ends the request with the whole body. No socket is ever opened, so no
 * `socket` event comes and the handler's socket timers never arm.
 */
class InProcessRequest extends EventEmitter {
  private readonly options: RequestOptions;
  private readonly respond: HttpStubOptions['respond'];
  private readonly chunks: Buffer[] = [];
  private ended = false;

  constructor(options: RequestOptions, respond: HttpStubOptions['respond'], callback?: RequestCallback) {
    super();
    this.options = options;
    this.respond = respond;
    if (callback) this.once('response', callback);
  }

  setTimeout(): this {
    return this;
  }

  setHeader(): this {
    return this;
  }

  write(chunk: Buffer | string): boolean {
    this.chunks.push(Buffer.from(chunk));
    return true;
  }

  end(chunk?: Buffer | string): this {
    if (this.ended) return this;
    this.ended = true;
    if (chunk !== undefined) this.write(chunk);
    const request: StubbedRequest = {
      method: this.options.method ?? 'GET',
      path: this.options.path ?? '/',
      headers: headerRecord(this.options.headers),
      body: Buffer.concat(this.chunks),
    };
    // Answered on a later tick, as a socket would, so the caller's listeners are all in place.
    process.nextTick(() => {
      try {
        const answer = this.respond(request);
        const res = Object.assign(Readable.from([answer.body]), {
          statusCode: answer.status,
          statusMessage: '',
          headers: { ...answer.headers, 'content-length': String(answer.body.length) },
          complete: true,
        });
        this.emit('response', res);
      } catch (error) {
        this.emit('error', error);
      }
      this.emit('close');
    });
    return this;
  }

  destroy(): this {
    this.emit('close');
    return this;
  }
}

/**
 * Answers the chosen HTTP requests inside this process: `node:http`'s `request` is wrapped so that
 * the AWS SDK's Node HTTP handler (which looks `request` up on the `node:http` module when it sends
 * its first request) gets an in-memory response, with no socket, loopback or server behind it. The
 * SDK's own work (serialisation, signing, middleware, response parsing) still runs in full. Call it
 * before the code under test sends its first request; it returns the function that undoes it.
 *
 * For benchmarks only: it changes a process-wide module.
 */
export const stubHttpRequests = (options: HttpStubOptions): (() => void) => {
  const original = http.request;
  const wrapped = ((...args: unknown[]): ClientRequest => {
    const [first, second, third] = args;
    const requestOptions =
      typeof first === 'object' && first !== null && !(first instanceof URL)
        ? (first as RequestOptions)
        : undefined;
    if (requestOptions && options.intercepts(requestOptions.path ?? '/')) {
      const callback = (typeof second === 'function' ? second : third) as RequestCallback | undefined;
      return new InProcessRequest(requestOptions, options.respond, callback) as unknown as ClientRequest;
    }
    return (original as (...a: unknown[]) => ClientRequest)(...args);
  }) as typeof http.request;
  http.request = wrapped;
  return () => {
    if (http.request === wrapped) http.request = original;
  };
};
