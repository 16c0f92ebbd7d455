import * as z from 'zod';

/** One field-level error of a validation problem: where it is and what is wrong. */
export const FieldError = z
  .object({
    pointer: z.string().meta({
      description: 'JSON Pointer (RFC 6901) into the request: /body/..., /query/..., /path/..., /header/...',
    }),
    detail: z.string(),
  })
  .meta({ id: 'FieldError' });
export type FieldError = z.infer<typeof FieldError>;

/** RFC 9457 problem details, the body of every error response (`application/problem+json`). */
export const Problem = z
  .object({
    type: z.string().meta({ example: 'https://shop.example/problems/validation' }),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string().optional(),
    instance: z.string().optional(),
    code: z
      .string()
      .optional()
      .meta({ description: 'Stable machine-readable error code, e.g. ORDER.NOT_FOUND' }),
    errors: z.array(FieldError).optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof Problem>;

export { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '../codes/codes.ts';
