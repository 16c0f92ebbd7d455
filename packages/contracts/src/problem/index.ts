export { FieldError, PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE, Problem } from './problem.schema.ts';
