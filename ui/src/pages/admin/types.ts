/** The association's records as the API shows them (appliance/src/admin). */
export interface Member {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  town: string | null;
  joinedOn: string;
  role: string;
}

export const METHODS = ['espèces', 'chèque', 'virement', 'mobile money', 'autre'] as const;
export type Method = (typeof METHODS)[number];

export interface Due {
  id: string;
  memberId: string;
  year: number;
  amountCents: number;
  paidOn: string;
  method: Method;
}

export interface DuesSummary {
  year: number;
  paidCount: number;
  unpaidCount: number;
  members: Array<{ memberId: string; firstName: string; lastName: string; paid: boolean; totalCents: number; payments: number }>;
}

export interface LedgerLine {
  id: string;
  date: string;
  label: string;
  category: string;
  amountCents: number;
  direction: 'receipt' | 'expense';
  balanceCents: number;
}

export interface Ledger {
  items: LedgerLine[];
  totals?: { openingCents: number; receiptsCents: number; expensesCents: number; closingCents: number };
}

export interface AgendaEvent {
  id: string;
  title: string;
  startsAt: string;
  endsAt: string;
  place: string;
  description: string;
}
