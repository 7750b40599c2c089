/** The documents room: Markdown texts of a space, merged by Yjs, with their history. */
export { documentsRoutes } from './routes.js';
export { Documents, type DocumentsDeps } from './documents.js';
export { MAX_TEXT, MAX_TITLE, type DocumentSummary, type DocumentView, type VersionView, type VersionText } from './schemas.js';
