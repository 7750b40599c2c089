/**
 * What a failed call to the box means for the user: one named error with a plain
 * message. The API answers { error: { code, message } } with a French message; in French
 * that message is shown as it is (it is the most precise), in another language the
 * catalogue's text for its code. A code the catalogue does not know (a newer box) or no
 * body at all (a cut link, a proxy's page) falls back on the HTTP status, in the user's
 * language: an English reader never gets the French text.
 */
import { isKey, translate, type Lang, type MessageKey } from '../i18n/index.js';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  /** The session is gone: the user must log in again (the draft is kept meanwhile). */
  get sessionLost(): boolean {
    return this.code === 'not_logged_in' || this.code === 'csrf_token_invalid';
  }
}

/** status 0: the request never got an answer. */
export const NETWORK = 0;

interface ErrorBody {
  error: { code: string; message: string };
}

function isErrorBody(body: unknown): body is ErrorBody {
  if (typeof body !== 'object' || body === null) return false;
  const error = (body as { error?: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as ErrorBody['error']).code === 'string';
}

function codeOfStatus(status: number): string {
  if (status === NETWORK) return 'network';
  if (status === 400) return 'bad_request';
  if (status === 401) return 'not_logged_in';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 413) return 'too_large';
  if (status === 429) return 'too_many_attempts';
  if (status >= 500) return 'server';
  return 'unknown';
}

export function toApiError(lang: Lang, status: number, body: unknown): ApiError {
  if (isErrorBody(body)) {
    const { code, message } = body.error;
    const key = 'error.' + code;
    if (code === 'internal') return new ApiError(status, code, translate(lang, 'error.server'));
    if (lang === 'fr' && message) return new ApiError(status, code, message);
    if (isKey(key)) return new ApiError(status, code, translate(lang, key));
    return new ApiError(status, code, statusMessage(lang, status));
  }
  return new ApiError(status, codeOfStatus(status), statusMessage(lang, status));
}

function statusMessage(lang: Lang, status: number): string {
  const key = 'error.' + codeOfStatus(status);
  return translate(lang, isKey(key) ? key : 'error.unknown');
}

/** Reads a body that may not be JSON (a proxy's HTML page, an empty answer). */
export function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Why the last sync with a site failed (`lastError.code` of GET /sync/status, the codes of
 * appliance/src/sync's errors), in the user's language: the box's own text is for its
 * logs, in English.
 */
const SYNC_ERRORS: Readonly<Record<string, MessageKey>> = {
  link_cut: 'syncError.link_cut',
  busy: 'syncError.busy',
  version_mismatch: 'syncError.version_mismatch',
  wrong_site: 'syncError.wrong_site',
  self: 'syncError.wrong_site',
  not_authorised: 'syncError.refused',
  not_shared: 'syncError.refused',
  bad_operation: 'syncError.refused',
  gap: 'syncError.refused',
  out_of_order: 'syncError.refused',
  carry_quota: 'syncError.carry_quota',
  blob_corrupt: 'syncError.blob',
  blob_too_large: 'syncError.blob',
  unwanted_blob: 'syncError.blob',
  malformed_frame: 'syncError.protocol',
  unexpected_frame: 'syncError.protocol',
  unknown_frame: 'syncError.protocol',
  frame_too_large: 'syncError.protocol',
  bad_frame_length: 'syncError.protocol',
};

export function syncErrorText(lang: Lang, code: string): string {
  return Object.prototype.hasOwnProperty.call(SYNC_ERRORS, code) ? translate(lang, SYNC_ERRORS[code]!) : translate(lang, 'syncError.unknown', { code });
}
