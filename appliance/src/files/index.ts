/** The files room: files of a space, stored once by content, uploaded and served in streams. */
export { filesRoutes, filesOf, FILES_STREAMED_BODIES } from './routes.js';
export { Files, FILES, quotaError, type StoredFile } from './files.js';
export { binaryBody, tooLarge } from './schemas.js';
export { fileName, folderPath, mediaTypeOf } from './names.js';
