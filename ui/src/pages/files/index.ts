export { FilesPage } from './FilesPage.js';
