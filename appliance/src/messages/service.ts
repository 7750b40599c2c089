/**
 * The room's two stores for one box, built on first use and kept per database so their
 * prepared statements are made once (the services bag is the core's; rooms do not add
 * to it).
 */
import type { Db } from '../db/index.js';
import type { Services } from '../http/index.js';
import { Outbox } from './outbox.js';
import { Threads } from './threads.js';

export interface Messaging {
  readonly threads: Threads;
  readonly outbox: Outbox;
}

const byDb = new WeakMap<Db, Messaging>();

export function messagingOf(s: Services): Messaging {
  let m = byDb.get(s.db);
  if (!m) {
    m = {
      threads: new Threads({ db: s.db, log: s.log, random: s.random }),
      outbox: new Outbox({ db: s.db, log: s.log, random: s.random, clock: s.clock, hosts: (id) => s.spaces.hosts(id) }),
    };
    byDb.set(s.db, m);
  }
  return m;
}
