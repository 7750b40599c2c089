export { createClient, API, CSRF_HEADER, type Client, type ClientDeps, type Method } from './client.js';
export { ApiError, toApiError, parseBody, syncErrorText, NETWORK } from './errors.js';
export { sendFile, uploadFile, type SendFileRequest, type Upload, type UploadRequest } from './upload.js';
export type * from './types.js';
