export { SiteInfo } from './site.js';
export { performSetup, setupSchema, usernameSchema, passwordSchema, displayNameSchema, type SetupInput, type SetupWithHash } from './setup.js';
export { setupRoutes } from './routes.js';
