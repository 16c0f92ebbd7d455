export {
  AppError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ServiceUnavailableError,
  UnauthorizedError,
  UnprocessableError,
  ValidationError,
} from './app-error.ts';
export { fieldErrorsOf, INTERNAL_PROBLEM, problemOf, problemResponse, validationErrorOf } from './problem.ts';
