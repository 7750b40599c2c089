/**
 * The one place where errors become HTTP responses: { error: { code, message } } with a
 * 4xx for anything the caller can fix, and a 500 that says nothing of the inside.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import * as E from '../errors/index.js';
import { InvalidOperationError } from '../ops/index.js';

const STATUS: ReadonlyArray<[abstract new (...a: never[]) => E.AppError, ContentfulStatusCode]> = [
  [E.ValidationError, 400],
  [E.BadRequestError, 400],
  [E.UnauthenticatedError, 401],
  [E.CsrfError, 403],
  [E.ForbiddenError, 403],
  [E.NotFoundError, 404],
  [E.ConflictError, 409],
  [E.SetupRequiredError, 409],
  [E.PayloadTooLargeError, 413],
  [E.QuotaExceededError, 413],
  [E.UnsupportedMediaTypeError, 415],
  [E.RangeNotSatisfiableError, 416],
  [E.RateLimitedError, 429],
];

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export function errorBody(code: string, message: string, details?: Record<string, unknown>): ErrorBody {
  return { error: details ? { code, message, details } : { code, message } };
}

export function statusOf(err: E.AppError): ContentfulStatusCode {
  for (const [cls, status] of STATUS) if (err instanceof cls) return status;
  return 400;
}

export type ErrorLogger = (err: unknown, c: Context) => void;

export function onError(log: ErrorLogger) {
  return (err: Error, c: Context): Response => {
    if (err instanceof E.AppError) {
      if (err instanceof E.RateLimitedError) c.header('Retry-After', String(Math.ceil(err.retryAfterSeconds)));
      if (err instanceof E.RangeNotSatisfiableError) c.header('Content-Range', `bytes */${err.size}`);
      return c.json(errorBody(err.code, err.message, err.details), statusOf(err));
    }
    if (err instanceof InvalidOperationError) return c.json(errorBody('invalid_operation', err.message), 400);
    if (err instanceof HTTPException && err.status < 500) return fromHttpException(err, c);
    log(err, c);
    return c.json(errorBody('internal', 'Une erreur inattendue est survenue. Elle a été notée ; réessayez plus tard.'), 500);
  };
}

function fromHttpException(err: HTTPException, c: Context): Response {
  const status = err.status as ContentfulStatusCode;
  switch (status) {
    case 400:
      return c.json(errorBody('malformed_request', /JSON/i.test(err.message) ? "Le corps de la requête n'est pas du JSON valide." : 'La requête est mal formée.'), 400);
    case 413:
      return c.json(errorBody('too_large', 'La requête est trop volumineuse.'), 413);
    case 415:
      return c.json(errorBody('unsupported_media_type', "Le type de contenu de la requête n'est pas accepté (attendu : application/json)."), 415);
    default:
      return c.json(errorBody('http_' + status, err.message || 'Requête refusée.'), status);
  }
}

/** zod-openapi's hook: a request that fails its schema gets a 400 that names the field. */
export function validationHook(result: { success: boolean; error?: unknown; target?: string }, c: Context): Response | undefined {
  if (result.success) return undefined;
  const issues = (result.error as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues ?? [];
  const first = issues[0];
  const where = first && first.path.length ? first.path.map(String).join('.') : result.target ?? 'requête';
  return c.json(
    errorBody('invalid_input', `Donnée invalide (${where}) : ${first?.message ?? 'format inattendu'}.`, {
      issues: issues.slice(0, 10).map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    }),
    400,
  );
}
