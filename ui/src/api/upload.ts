/**
 * A file sent to the box with progress: fetch cannot report the bytes sent,
 * XMLHttpRequest's upload events can. The body is the file itself (no multipart), as the
 * API wants, for files of a space and for USB bundles alike.
 */
import type { Lang } from '../i18n/index.js';
import { API, CSRF_HEADER } from './client.js';
import { ApiError, NETWORK, parseBody, toApiError } from './errors.js';
import type { StoredFile } from './types.js';

export interface SendFileRequest {
  /** Under /api/v1, with its query. */
  readonly path: string;
  readonly file: File;
  readonly contentType?: string;
  readonly csrf: string | undefined;
  readonly lang: Lang;
  readonly onProgress: (sent: number, total: number) => void;
}

export interface Upload<T> {
  readonly done: Promise<T>;
  abort(): void;
}

export function sendFile<T>(req: SendFileRequest): Upload<T> {
  const xhr = new XMLHttpRequest();
  const done = new Promise<T>((resolve, reject) => {
    xhr.upload.onprogress = (e) => req.onProgress(e.loaded, e.lengthComputable ? e.total : req.file.size);
    xhr.onload = () => {
      const body = parseBody(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else reject(toApiError(req.lang, xhr.status, body));
    };
    xhr.onerror = () => reject(toApiError(req.lang, NETWORK, undefined));
    xhr.onabort = () => reject(new ApiError(NETWORK, 'aborted', ''));
  });
  xhr.open('POST', API + req.path);
  if (req.csrf) xhr.setRequestHeader(CSRF_HEADER, req.csrf);
  xhr.setRequestHeader('Content-Type', req.contentType ?? (req.file.type || 'application/octet-stream'));
  xhr.send(req.file);
  return { done, abort: () => xhr.abort() };
}

export interface UploadRequest extends Omit<SendFileRequest, 'path'> {
  readonly space: string;
  readonly folder: string;
}

/** A file into a space's folder. */
export function uploadFile(req: UploadRequest): Upload<StoredFile> {
  const query = `name=${encodeURIComponent(req.file.name)}` + (req.folder ? `&folder=${encodeURIComponent(req.folder)}` : '');
  return sendFile<StoredFile>({ ...req, path: `/spaces/${encodeURIComponent(req.space)}/files?${query}` });
}
