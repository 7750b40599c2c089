export { createApp, API_PREFIX, JSON_BODY_LIMIT, type RoomRouter, type AppOptions } from './app.js';
export { newRouter, requireAccount, requireSpace, commitChange, actorOf, type ApiEnv, type ApiContext, type Services } from './context.js';
export { errorBody, statusOf, onError } from './errors.js';
export { workspace, singlePageApp, WORKSPACE_CSP, type SinglePageOptions } from './static.js';
export { ResponseCache, cachedJson, notModified } from './response-cache.js';
export { SESSION_COOKIE, CSRF_HEADER } from './session.js';
export * from './schemas.js';
export { receiveUpload, removeStaleUploads, type UploadWords } from './upload.js';
