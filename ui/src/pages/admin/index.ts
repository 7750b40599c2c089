export { Members } from './Members.js';
export { Dues } from './Dues.js';
export { Ledger } from './Ledger.js';
export type { AgendaEvent, Due, DuesSummary, Ledger as LedgerView, LedgerLine, Member } from './types.js';
