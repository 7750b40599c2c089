/**
 * A file upload with progress: fetch cannot report the bytes sent, XMLHttpRequest's
 * upload events can. The body is the file itself (no multipart), as the API wants.
 */
import type { Lang } from '../i18n/translate.js';
import { API, CSRF_HEADER } from './client.js';
import { ApiError, NETWORK, parseBody, toApiError } from './errors.js';
import type { StoredFile } from './types.js';

export interface UploadRequest {
  readonly space: string;
  readonly folder: string;
  readonly file: File;
  readonly csrf: string | undefined;
  readonly lang: Lang;
  readonly onProgress: (sent: number, total: number) => void;
}

export interface Upload {
  readonly done: Promise<StoredFile>;
  abort(): void;
}

export function uploadFile(req: UploadRequest): Upload {
  const xhr = new XMLHttpRequest();
  const query = `name=${encodeURIComponent(req.file.name)}` + (req.folder ? `&folder=${encodeURIComponent(req.folder)}` : '');
  const done = new Promise<StoredFile>((resolve, reject) => {
    xhr.upload.onprogress = (e) => req.onProgress(e.loaded, e.lengthComputable ? e.total : req.file.size);
    xhr.onload = () => {
      const body = parseBody(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as StoredFile);
      else reject(toApiError(req.lang, xhr.status, body));
    };
    xhr.onerror = () => reject(toApiError(req.lang, NETWORK, undefined));
    xhr.onabort = () => reject(new ApiError(NETWORK, 'aborted', ''));
  });
  xhr.open('POST', `${API}/spaces/${encodeURIComponent(req.space)}/files?${query}`);
  if (req.csrf) xhr.setRequestHeader(CSRF_HEADER, req.csrf);
  xhr.setRequestHeader('Content-Type', req.file.type || 'application/octet-stream');
  xhr.send(req.file);
  return { done, abort: () => xhr.abort() };
}
