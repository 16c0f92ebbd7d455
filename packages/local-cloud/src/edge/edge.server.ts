import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { traceEdgeCall } from '../traces/edge-call.tracer.ts';
import type { SpanRecorder } from '../traces/span.recorder.ts';
import type { WriteLinks } from '../traces/write-links.ts';
import { awsErrorResponse } from './aws-protocol.ts';
import type { EdgeHandler, EdgeRequest, EdgeResponse } from './edge.types.ts';
import { notEmulatedResponse } from './not-emulated.ts';

export interface StartedServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const send = (res: ServerResponse, response: EdgeResponse): void => {
  res.writeHead(response.status, response.headers);
  res.end(response.body);
};

/** Listens on 127.0.0.1 (port 0 picks a free one) and resolves once it is listening. */
export const listen = (server: Server, port: number, host = '127.0.0.1'): Promise<StartedServer> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const actual = (server.address() as AddressInfo).port;
      resolve({
        server,
        port: actual,
        url: `http://${host}:${actual}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });

/**
 * The request's URL. A Host the URL parser refuses (`sync-127.0.0.1`, the name an SDK makes of
 * `127.0.0.1` for StartSyncExecution: its numeric last label must be an IPv4 address) falls back to
 * the loopback address, so that the request is still served.
 */
const requestUrl = (req: IncomingMessage): URL => {
  try {
    return new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
  } catch {
    return new URL(req.url ?? '/', 'http://127.0.0.1');
  }
};

/**
 * The AWS edge: one HTTP endpoint for every emulated AWS API. Each request goes to the first
 * handler that claims it (by `X-Amz-Target`, path or `Action` parameter); a request none claims gets
 * a "not emulated" error in the protocol its client speaks.
 */
export interface EdgeTracing {
  readonly spans: SpanRecorder;
  /** Remembers DynamoDB writes for the stream records they cause. */
  readonly writes?: WriteLinks;
}

/** The AWS error type of a response (`x-amzn-errortype`, or the JSON body's `__type`). */
const errorTypeOf = (response: EdgeResponse): string | undefined => {
  const header = response.headers?.['x-amzn-errortype'];
  if (header) return header.split(':')[0];
  const body =
    typeof response.body === 'string'
      ? response.body
      : response.body && response.body.byteLength < 4096
        ? Buffer.from(response.body).toString('utf8')
        : '';
  if (!body.includes('__type')) return undefined;
  return /"__type"\s*:\s*"(?:[^"#]*#)?([^"]+)"/.exec(body)?.[1];
};

export const createEdgeServer = (handlers: readonly EdgeHandler[], tracing?: EdgeTracing): Server => {
  const served = handlers.map((h) => h.name);
  const dispatch = async (request: EdgeRequest): Promise<EdgeResponse> => {
    const handler = handlers.find((h) => h.canHandle(request));
    return handler ? handler.handle(request) : notEmulatedResponse(request, { served });
  };
  const route = async (request: EdgeRequest): Promise<EdgeResponse> => {
    const traced = tracing ? traceEdgeCall(tracing.spans, request, tracing.writes) : undefined;
    if (!traced) return dispatch(request);
    try {
      const response = await dispatch(traced.request);
      traced.end(response.status, response.status >= 400 ? errorTypeOf(response) : undefined);
      return response;
    } catch (error) {
      traced.end(500, error instanceof Error ? error.name : 'InternalFailure');
      throw error;
    }
  };
  return createServer(async (req, res) => {
    let request: EdgeRequest;
    try {
      request = {
        method: req.method ?? 'GET',
        url: requestUrl(req),
        headers: req.headers,
        body: await readBody(req),
      };
    } catch {
      // A request line no URL can be made of, or a client gone mid-body: nothing an AWS client could parse.
      res.writeHead(400).end();
      return;
    }
    try {
      send(res, await route(request));
    } catch (error) {
      console.error('[edge] request failed', error);
      if (res.headersSent) res.end();
      else {
        send(
          res,
          awsErrorResponse(request, {
            status: 500,
            code: 'InternalFailure',
            message: 'The local edge failed to handle the request',
          }),
        );
      }
    }
  });
};

export const startEdge = (
  handlers: readonly EdgeHandler[],
  port = 0,
  tracing?: EdgeTracing,
): Promise<StartedServer> => listen(createEdgeServer(handlers, tracing), port);
