import type { IncomingHttpHeaders } from 'node:http';

/** One request to the AWS edge, fully read. */
export interface EdgeRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface EdgeResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

/** One emulated AWS API on the edge (SQS, Step Functions, Lambda, DynamoDB proxy). */
export interface EdgeHandler {
  readonly name: string;
  canHandle(request: EdgeRequest): boolean;
  handle(request: EdgeRequest): Promise<EdgeResponse>;
}
