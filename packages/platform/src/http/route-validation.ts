import type { RouteConfig } from '@hono/zod-openapi';
import { zValidator } from '@hono/zod-validator';
import type { Context, MiddlewareHandler, ValidationTargets } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type * as z from 'zod';
import { validationErrorOf } from '../errors/problem.ts';

// What `@hono/zod-openapi`'s `app.openapi(route, handler)` runs per request, without the document
// registry it builds at the same time (and the zod-to-openapi generator that comes with it): one
// zod validator per declared part of the request, and a 415 for a body of an undeclared media type.

const JSON_MEDIA_TYPE = /^application\/([a-z-.]+\+)?json/i;
const JSON_CONTENT_TYPE = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;

const isZodSchema = (value: unknown): value is z.ZodType =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { safeParseAsync?: unknown }).safeParseAsync === 'function';

/** What a request part's validation found, for a route's own {@link ValidationHook}. */
export type ValidationResult = { readonly target: keyof ValidationTargets } & (
  | { readonly success: true; readonly data: unknown }
  | { readonly success: false; readonly error: z.core.$ZodError }
);

/**
 * A route's own reaction to a validation result, run before the default one: it may throw another
 * error for a failure (payment's card-number refusal); if it returns, a failure is still the 400
 * problem of `validationErrorOf`.
 */
export type ValidationHook = (result: ValidationResult) => void;

const validate = (
  target: keyof ValidationTargets,
  schema: z.ZodType,
  hook: ValidationHook | undefined,
): MiddlewareHandler =>
  zValidator(target, schema, (result) => {
    hook?.(
      result.success
        ? { target, success: true, data: result.data }
        : { target, success: false, error: result.error },
    );
    if (!result.success) throw validationErrorOf(result.error, target);
  });

/** True when the request has a body of at least one byte (the stream is read from a clone). */
const hasRequestBody = async (c: Context): Promise<boolean> => {
  const raw = c.req.raw;
  if (raw.body === null) return false;
  if (raw.bodyUsed) return (await c.req.arrayBuffer()).byteLength > 0;
  const body = raw.clone().body;
  if (body === null) return false;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return false;
      if (value.byteLength > 0) return true;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
};

const unsupportedMediaType = () => new HTTPException(415, { message: 'Unsupported Media Type' });

/**
 * The middleware that validates a request against `route.request`: params, query, headers and
 * cookies, and a JSON body (a body of another media type is a 415). A failure throws the
 * `ValidationError` of `validationErrorOf` (unless `hook` throws another), which the error boundary
 * renders as a 400 problem.
 */
export const requestValidatorsOf = (route: RouteConfig, hook?: ValidationHook): MiddlewareHandler[] => {
  const request = route.request;
  if (!request) return [];
  const validators: MiddlewareHandler[] = [];
  if (isZodSchema(request.query)) validators.push(validate('query', request.query, hook));
  if (isZodSchema(request.params)) validators.push(validate('param', request.params, hook));
  if (isZodSchema(request.headers)) validators.push(validate('header', request.headers, hook));
  if (isZodSchema(request.cookies)) validators.push(validate('cookie', request.cookies, hook));
  const content = request.body?.content;
  if (!content) return validators;
  const mediaTypes = Object.keys(content);
  const jsonMediaType = mediaTypes.find((mediaType) => JSON_MEDIA_TYPE.test(mediaType));
  const unsupported = mediaTypes.filter((mediaType) => !JSON_MEDIA_TYPE.test(mediaType));
  if (unsupported.length > 0) {
    throw new Error(
      `${route.method} ${route.path}: only JSON bodies are validated, not ${unsupported.join(', ')}`,
    );
  }
  const media = jsonMediaType ? content[jsonMediaType] : undefined;
  const schema = media && 'schema' in media ? media.schema : undefined;
  if (!isZodSchema(schema)) return validators;
  validators.push(async function mediaTypeGate(c, next) {
    const contentType = c.req.header('content-type');
    if (contentType ? !JSON_CONTENT_TYPE.test(contentType) : await hasRequestBody(c)) {
      throw unsupportedMediaType();
    }
    await next();
  });
  const json = validate('json', schema, hook);
  if (request.body?.required) {
    validators.push(json);
  } else {
    validators.push(async function optionalJsonBody(c, next) {
      if (c.req.header('content-type')) return json(c, next);
      c.req.addValidatedData('json', {});
      await next();
    });
  }
  return validators;
};
