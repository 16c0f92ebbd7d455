import type { FieldError, Problem } from '@shop/contracts';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '@shop/contracts/codes';
import type * as z from 'zod';
import { AppError, ValidationError } from './app-error.ts';

const typeOf = (code: string): string =>
  `${PROBLEM_TYPE_BASE}${code.toLowerCase().replaceAll('.', '/').replaceAll('_', '-')}`;

/** The RFC 9457 document of a known error. */
export const problemOf = (error: AppError, instance?: string): Problem & Record<string, unknown> => ({
  ...error.extensions,
  type: typeOf(error.code),
  title: error.title,
  status: error.status,
  detail: error.message,
  code: error.code,
  ...(instance ? { instance } : {}),
  ...(error instanceof ValidationError && error.errors.length > 0 ? { errors: [...error.errors] } : {}),
});

export const INTERNAL_PROBLEM: Problem = {
  type: `${PROBLEM_TYPE_BASE}internal`,
  title: 'Internal error',
  status: 500,
  detail: 'Something went wrong on our side. The request id in the response headers helps us find it.',
  code: 'INTERNAL',
};

export const problemResponse = (problem: Problem, headers?: Record<string, string>): Response =>
  new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
  });

const escapePointer = (segment: PropertyKey): string =>
  String(segment).replaceAll('~', '~0').replaceAll('/', '~1');

/** zod issues -> field errors with JSON Pointers into the request part (`/body/variants/0/price`). */
export const fieldErrorsOf = (error: z.core.$ZodError, target: string): FieldError[] =>
  error.issues.map((issue) => ({
    pointer: `/${[target, ...issue.path].map(escapePointer).join('/')}`,
    detail: issue.message,
  }));

const TARGET_NAMES: Record<string, string> = {
  json: 'body',
  form: 'body',
  param: 'path',
  query: 'query',
  header: 'header',
  cookie: 'cookie',
};

export const validationErrorOf = (error: z.core.$ZodError, target: string): ValidationError => {
  const part = TARGET_NAMES[target] ?? target;
  const errors = fieldErrorsOf(error, part);
  const first = errors[0];
  const detail = first ? `${first.pointer}: ${first.detail}` : `the request ${part} is invalid`;
  return new ValidationError(
    errors.length > 1 ? `${detail} (and ${errors.length - 1} more)` : detail,
    errors,
  );
};

export { AppError };
