export { FilesPage } from './FilesPage.js';
export { UploadForm, type StartUpload } from './UploadForm.js';
