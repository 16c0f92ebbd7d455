import { PROBLEM_CONTENT_TYPE } from '@shop/contracts';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import type { Env, Hono, Schema } from 'hono';
import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { BadRequestError } from '../errors/app-error.ts';
import { problemOf } from '../errors/problem.ts';

class BodyNotAllowedError extends BadRequestError {
  override readonly code = 'REQUEST.BODY_NOT_ALLOWED';
}

class MalformedRequestError extends BadRequestError {
  override readonly code = 'REQUEST.MALFORMED';
}

const problemResult = (error: BadRequestError, path: string): APIGatewayProxyResultV2 => ({
  statusCode: error.status,
  headers: { 'content-type': PROBLEM_CONTENT_TYPE },
  body: JSON.stringify(problemOf(error, path)),
});

/** What `hono/aws-lambda` answers, as plain text, when it cannot build a `Request` from the event. */
const isAdapterRefusal = (result: APIGatewayProxyResultV2): boolean =>
  typeof result === 'object' &&
  result.statusCode === 400 &&
  result.body === 'Invalid request' &&
  String(result.headers?.['content-type'] ?? '').startsWith('text/plain');

/** Method and path of an HTTP API (payload 2.0) event, or of the v1/ALB shapes the adapter also takes. */
const requestLineOf = (event: LambdaEvent): { method: string | undefined; path: string } => {
  if ('rawPath' in event && 'requestContext' in event && 'http' in event.requestContext) {
    return { method: event.requestContext.http.method, path: event.rawPath };
  }
  if ('httpMethod' in event) return { method: event.httpMethod, path: event.path };
  return { method: undefined, path: '/' };
};

/**
 * The Lambda entry point of a service's HTTP API: `hono/aws-lambda`'s `handle(app)`, with the
 * requests it cannot turn into a `Request` answered as problems instead of its plain-text 400: a GET
 * or HEAD with a body (API Gateway passes one on; `fetch` refuses it), or a method, URL or header
 * `fetch` cannot represent. The app's own responses pass through untouched.
 *
 * @example
 * export const handler = createHttpHandler(buildApp(deps));
 */
export const createHttpHandler = <E extends Env, S extends Schema, B extends string>(app: Hono<E, S, B>) => {
  const handler = handle(app);
  return async function httpHandler(
    event: LambdaEvent,
    context?: LambdaContext,
  ): Promise<APIGatewayProxyResultV2> {
    const { method, path } = requestLineOf(event);
    if ((method === 'GET' || method === 'HEAD') && event.body) {
      return problemResult(new BodyNotAllowedError(`a ${method} request cannot carry a body`), path);
    }
    const result = (await handler(event, context)) as APIGatewayProxyResultV2;
    return isAdapterRefusal(result)
      ? problemResult(new MalformedRequestError('the request line or headers are malformed'), path)
      : result;
  };
};
