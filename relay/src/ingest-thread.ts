/**
 * The relay's ingest thread (started by ingest-worker.ts): its own connection to relay.db
 * (openDatabase: WAL, synchronous=FULL, busy_timeout, as the relay's), one transaction per
 * group of health batches, each group answered once committed. Groups that came while the
 * thread was committing are committed together, in one transaction (one disk flush for
 * all): the busier the relay, the fewer flushes a batch shares. The thread has no clock; a
 * group brings the relay's.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { openDatabase } from '@solidaire/appliance/db';
import { HealthStore } from './health.js';
import { InThreadHealthWriter } from './health-writer.js';
import { groupFromWire, INGEST_WIRE_VERSION, outcomesToWire, type FromThread, type IngestThreadData, type ToThread } from './ingest-wire.js';

const port = parentPort;
const data = workerData as IngestThreadData;
if (!port) throw new Error('ingest-thread.js runs only as the relay’s worker thread');
if (data.version !== INGEST_WIRE_VERSION) throw new Error(`ingest thread of wire version ${INGEST_WIRE_VERSION}, started by a relay of version ${data.version}`);

const db = openDatabase({ path: data.dbPath, migrations: data.migrations, pageCacheKib: data.pageCacheKib });
// The WAL's checkpoints are this thread's (see ingest-worker.ts, INGEST_CHECKPOINT_PAGES).
db.pragma(`wal_autocheckpoint = ${data.checkpointPages}`);
let now = 0;
const clock = { now: () => now };
const writer = new InThreadHealthWriter({ db, health: new HealthStore({ db, clock }), clock });
// What a relay stopped hard left in the inbox.
writer.settle();
const reply = (m: FromThread, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

/** These groups in one transaction; then each answered. */
function store(groups: ReadonlyArray<ToThread & { type: 'group' }>): void {
  now = groups.at(-1)!.now;
  const batches = groups.map((g) => groupFromWire(g.bytes));
  let outcomes;
  try {
    outcomes = writer.writeNow(batches.flat());
  } catch (e) {
    for (const g of groups) reply({ type: 'failed', id: g.id, message: e instanceof Error ? e.message : String(e) });
    return;
  }
  let from = 0;
  groups.forEach((g, i) => {
    const stored = outcomesToWire(g.id, outcomes.slice(from, (from += batches[i]!.length)));
    reply(stored, [stored.facts.buffer as ArrayBuffer]);
  });
  // Once the groups are answered. A settle that fails leaves the inbox as it was (stored,
  // and read from there) and is tried again after the next group.
  try {
    writer.settleIfDue();
  } catch {}
}

port.on('message', (first: ToThread) => {
  const groups = [];
  let m: ToThread | undefined = first;
  for (; m?.type === 'group'; m = receiveMessageOnPort(port)?.message as ToThread | undefined) groups.push(m);
  if (groups.length) store(groups);
  if (m?.type === 'close') {
    // A settle that fails here leaves the inbox to the next start's.
    try {
      writer.settle();
    } catch {}
    db.close();
    reply({ type: 'closed' });
    port.close();
  }
});
reply({ type: 'ready' });
