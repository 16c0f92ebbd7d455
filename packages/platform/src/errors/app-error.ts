import type { FieldError } from '@shop/contracts';

/**
 * Base of every error a client may see. Each subclass has an HTTP status, a stable machine-readable
 * `code` (`ORDER.NOT_FOUND`) and a safe `message` that becomes the problem's `detail`.
 *
 * @example
 * class OrderNotFoundError extends NotFoundError {
 *   readonly code = 'ORDER.NOT_FOUND';
 *   constructor(orderId: string) { super(`order ${orderId} does not exist`); }
 * }
 */
export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  abstract readonly title: string;
  /** Extra members of the problem document (e.g. `skus` of an out-of-stock problem). */
  readonly extensions: Readonly<Record<string, unknown>> | undefined;

  constructor(message: string, options?: { cause?: unknown; extensions?: Record<string, unknown> }) {
    super(message, { cause: options?.cause });
    this.name = new.target.name;
    this.extensions = options?.extensions;
  }
}

export class ValidationError extends AppError {
  readonly status = 400;
  readonly code: string = 'REQUEST.INVALID';
  readonly title = 'Your request is not valid';
  readonly errors: readonly FieldError[];

  constructor(message: string, errors: readonly FieldError[] = []) {
    super(message);
    this.errors = errors;
  }
}

export class BadRequestError extends AppError {
  readonly status = 400;
  readonly code: string = 'REQUEST.BAD';
  readonly title = 'Bad request';
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly code: string = 'AUTH.UNAUTHENTICATED';
  readonly title = 'Authentication required';
}

/**
 * 403: authenticated, but not allowed. `@shop/auth`'s `ForbiddenError` is the one the role guard
 * throws (with its `WWW-Authenticate` challenge); this is the base of a service's own refusals.
 */
export abstract class NotPermittedError extends AppError {
  readonly status = 403;
  readonly title = 'Forbidden';
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code: string = 'RESOURCE.NOT_FOUND';
  readonly title = 'Not found';
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly code: string = 'RESOURCE.CONFLICT';
  readonly title = 'Conflict';
}

export class UnprocessableError extends AppError {
  readonly status = 422;
  readonly code: string = 'REQUEST.UNPROCESSABLE';
  readonly title = 'The request cannot be processed';
}

export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly code: string = 'SERVICE.UNAVAILABLE';
  readonly title = 'Service unavailable';
  /** Seconds a client should wait before retrying: the response's `Retry-After`. */
  readonly retryAfterSeconds: number = 1;
}
