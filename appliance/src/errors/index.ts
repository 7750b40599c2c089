/**
 * Named errors that reach a user. Each carries a stable code for programs and a message in
 * plain French for people; http/errors.ts maps them to statuses in one place.
 */
export abstract class AppError extends Error {
  abstract readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  constructor(message: string, details?: Record<string, unknown>) {
    super(message);
    this.details = details;
  }
}

export class BadRequestError extends AppError {
  override readonly name = 'BadRequestError';
  readonly code: string;
  constructor(message: string, code = 'bad_request', details?: Record<string, unknown>) {
    super(message, details);
    this.code = code;
  }
}
export class ValidationError extends AppError {
  override readonly name = 'ValidationError';
  readonly code = 'invalid_input';
}
export class UnauthenticatedError extends AppError {
  override readonly name = 'UnauthenticatedError';
  readonly code = 'not_logged_in';
  constructor(message = 'Vous devez vous connecter pour continuer.') {
    super(message);
  }
}
export class ForbiddenError extends AppError {
  override readonly name = 'ForbiddenError';
  readonly code = 'forbidden';
  constructor(message = "Vous n'avez pas le droit de faire cela.") {
    super(message);
  }
}
export class CsrfError extends AppError {
  override readonly name = 'CsrfError';
  readonly code = 'csrf_token_invalid';
  constructor() {
    super('La page a expiré : rechargez-la puis recommencez.');
  }
}
export class NotFoundError extends AppError {
  override readonly name = 'NotFoundError';
  readonly code = 'not_found';
}
export class ConflictError extends AppError {
  override readonly name = 'ConflictError';
  readonly code: string;
  constructor(message: string, code = 'conflict') {
    super(message);
    this.code = code;
  }
}
export class PayloadTooLargeError extends AppError {
  override readonly name = 'PayloadTooLargeError';
  readonly code = 'too_large';
}
export class QuotaExceededError extends AppError {
  override readonly name = 'QuotaExceededError';
  readonly code = 'quota_exceeded';
}
export class UnsupportedMediaTypeError extends AppError {
  override readonly name = 'UnsupportedMediaTypeError';
  readonly code = 'unsupported_media_type';
}
export class RangeNotSatisfiableError extends AppError {
  override readonly name = 'RangeNotSatisfiableError';
  readonly code = 'range_not_satisfiable';
  constructor(readonly size: number) {
    super('La plage demandée est en dehors du fichier.');
  }
}
export class RateLimitedError extends AppError {
  override readonly name = 'RateLimitedError';
  readonly code = 'too_many_attempts';
  constructor(readonly retryAfterSeconds: number) {
    super(`Trop de tentatives. Réessayez dans ${Math.ceil(retryAfterSeconds / 60)} minute(s).`);
  }
}
export class SetupRequiredError extends AppError {
  override readonly name = 'SetupRequiredError';
  readonly code = 'setup_required';
  constructor() {
    super("Cette boîte n'est pas encore configurée : donnez-lui un nom et un administrateur.");
  }
}
