export {
  AppError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  NotPermittedError,
  ServiceUnavailableError,
  UnauthorizedError,
  UnprocessableError,
  ValidationError,
} from './app-error.ts';
export { fieldErrorsOf, INTERNAL_PROBLEM, problemOf, problemResponse, validationErrorOf } from './problem.ts';
export { CardNumberRefusedError, InvalidCursorError } from './shared.errors.ts';
