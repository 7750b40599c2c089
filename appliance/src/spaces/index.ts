export { Spaces, COMMONS, DEFAULT_QUOTA_BYTES, type Space, type Need } from './spaces.js';
export { spacesRoutes } from './routes.js';
