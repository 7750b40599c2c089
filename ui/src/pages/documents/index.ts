export { DocumentList } from './DocumentList.js';
export { DocumentPage } from './DocumentPage.js';
