export { Accounts, type Account, type NewAccount, type Role } from './accounts.js';
export { Sessions, type Session, IDLE_MS } from './sessions.js';
export { LoginLimiter } from './limiter.js';
export { authRoutes } from './routes.js';
export { hashPassword, verifyPassword } from './passwords.js';
