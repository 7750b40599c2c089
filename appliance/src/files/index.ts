/** The files room: files of a space, stored once by content, uploaded and served in streams. */
export { filesRoutes, FILES_STREAMED_BODIES } from './routes.js';
export { Files, FILES, type StoredFile } from './files.js';
export { fileName, folderPath, mediaTypeOf } from './names.js';
