/** The commons: articles of the shared information base and their full-text search. */
export { commonsRoutes } from './routes.js';
export { articleIndexer } from './indexer.js';
export { toFtsQuery, searchTerms } from './query.js';
export { ARTICLES } from './view.js';
