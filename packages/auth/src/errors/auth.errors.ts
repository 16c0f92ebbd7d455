import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE, type Problem } from '@shop/contracts';
import { HTTPException } from 'hono/http-exception';

type AuthErrorStatus = 401 | 403 | 503;

type AuthErrorInit = {
  status: AuthErrorStatus;
  code: string;
  title: string;
  typeSlug: string;
  detail: string;
  headers: Record<string, string>;
  cause?: unknown;
};

/** RFC 6750 allows only these characters inside a quoted `error_description`. */
const quotedValue = (text: string): string => text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '?');

const bearerChallenge = (error?: string, description?: string): string => {
  if (error === undefined) return 'Bearer';
  const params = [`error="${error}"`];
  if (description !== undefined) params.push(`error_description="${quotedValue(description)}"`);
  return `Bearer ${params.join(', ')}`;
};

/**
 * Base of every error this package throws. It is a Hono `HTTPException` that carries its own
 * RFC 9457 response, so an app without `onError` still answers `application/problem+json`
 * (Hono's default handler returns `err.getResponse()`), and an app's error boundary can use
 * `problem`, `code` and `headers` directly.
 */
export class AuthError extends HTTPException {
  /** Stable machine-readable code, e.g. `AUTH.UNAUTHENTICATED`. */
  readonly code: string;
  /** The problem+json body sent to the client. */
  readonly problem: Problem;
  /** Headers the response must carry besides `content-type` (e.g. `WWW-Authenticate`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(init: AuthErrorInit) {
    super(init.status, { message: init.detail, cause: init.cause });
    this.name = new.target.name;
    this.code = init.code;
    this.headers = init.headers;
    this.problem = {
      type: `${PROBLEM_TYPE_BASE}${init.typeSlug}`,
      title: init.title,
      status: init.status,
      detail: init.detail,
      code: init.code,
    };
  }

  /** A fresh response on every call: a `Response` body can be read only once. */
  override getResponse(): Response {
    return new Response(JSON.stringify(this.problem), {
      status: this.status,
      headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...this.headers },
    });
  }
}

/**
 * 401 `AUTH.UNAUTHENTICATED`: no usable credentials. Without an `error` the challenge is a bare
 * `WWW-Authenticate: Bearer`, as RFC 6750 asks when the request carried no credentials at all.
 */
export class UnauthenticatedError extends AuthError {
  constructor(
    detail = 'authentication required',
    options: { error?: 'invalid_request' | 'invalid_token'; cause?: unknown } = {},
  ) {
    super({
      status: 401,
      code: 'AUTH.UNAUTHENTICATED',
      title: 'Unauthorized',
      typeSlug: 'unauthenticated',
      detail,
      headers: { 'www-authenticate': bearerChallenge(options.error, options.error && detail) },
      cause: options.cause,
    });
  }
}

/**
 * 401 `AUTH.UNAUTHENTICATED` for a token that was presented but refused. `reason` is short and
 * safe to show ("token expired", "wrong issuer"); the underlying library error, if any, stays in
 * `cause` for logs and never reaches the client.
 */
export class InvalidTokenError extends UnauthenticatedError {
  readonly reason: string;

  constructor(reason: string, options: { cause?: unknown } = {}) {
    super(reason, { error: 'invalid_token', cause: options.cause });
    this.reason = reason;
  }
}

/** 403 `AUTH.FORBIDDEN`: authenticated, but without any of the roles the route requires. */
export class ForbiddenError extends AuthError {
  constructor(detail = 'insufficient role') {
    super({
      status: 403,
      code: 'AUTH.FORBIDDEN',
      title: 'Forbidden',
      typeSlug: 'forbidden',
      detail,
      headers: { 'www-authenticate': bearerChallenge('insufficient_scope', detail) },
    });
  }
}

/**
 * 503 `AUTH.UNAVAILABLE`: the signing keys (remote JWKS) could not be fetched, so no token can be
 * judged. Reported apart from 401 so that clients do not throw away a good token during an
 * identity-provider outage.
 */
export class AuthUnavailableError extends AuthError {
  constructor(options: { cause?: unknown } = {}) {
    super({
      status: 503,
      code: 'AUTH.UNAVAILABLE',
      title: 'Service Unavailable',
      typeSlug: 'auth-unavailable',
      detail: 'token signing keys are unavailable',
      headers: { 'retry-after': '5' },
      cause: options.cause,
    });
  }
}
