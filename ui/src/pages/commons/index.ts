export { Articles } from './Articles.js';
export { ArticlePage } from './ArticlePage.js';
export { Library } from './Library.js';
export { snippetParts, type SnippetPart } from './snippet.js';
