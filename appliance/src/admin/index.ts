/**
 * The admin room: association administration as records (LWW per field) — members,
 * dues, a receipts/expenses ledger with CSV export, and an agenda.
 */
export { adminRoutes } from './routes.js';
export { COLLECTIONS as ADMIN_COLLECTIONS } from './records.js';
export { csvDocument, frenchAmount, type Cell } from './csv.js';
