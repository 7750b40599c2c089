/** The admin room's router: members, dues, ledger and agenda of a space. */
import { newRouter } from '../http/index.js';
import { addCollectionRoutes } from './crud.js';
import { addDuesRoutes } from './dues.js';
import { events } from './events.js';
import { addLedgerRoutes } from './ledger.js';
import { addMemberRoutes } from './members.js';

export function adminRoutes() {
  const r = newRouter();
  addMemberRoutes(r);
  addDuesRoutes(r);
  addLedgerRoutes(r);
  addCollectionRoutes(r, events);
  return r;
}
