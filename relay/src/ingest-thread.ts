/**
 * The relay's ingest thread (started by ingest-worker.ts): its own connection to relay.db
 * (openDatabase: WAL, synchronous=FULL, busy_timeout, as the relay's), one transaction per
 * group of health batches, answered once committed. Groups are stored in the order they
 * come; the thread has no clock, a group brings the relay's.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '@solidaire/appliance/db';
import { HealthStore } from './health.js';
import { InThreadHealthWriter } from './health-writer.js';
import { groupFromWire, INGEST_WIRE_VERSION, outcomesToWire, type FromThread, type IngestThreadData, type ToThread } from './ingest-wire.js';

const port = parentPort;
const data = workerData as IngestThreadData;
if (!port) throw new Error('ingest-thread.js runs only as the relay’s worker thread');
if (data.version !== INGEST_WIRE_VERSION) throw new Error(`ingest thread of wire version ${INGEST_WIRE_VERSION}, started by a relay of version ${data.version}`);

const db = openDatabase({ path: data.dbPath, migrations: data.migrations });
let now = 0;
const writer = new InThreadHealthWriter({ db, health: new HealthStore({ db, clock: { now: () => now } }) });
const reply = (m: FromThread, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

port.on('message', (m: ToThread) => {
  switch (m.type) {
    case 'group': {
      now = m.now;
      let stored;
      try {
        stored = outcomesToWire(m.id, writer.writeNow(groupFromWire(m.bytes)));
      } catch (e) {
        return reply({ type: 'failed', id: m.id, message: e instanceof Error ? e.message : String(e) });
      }
      return reply(stored, [stored.facts.buffer as ArrayBuffer]);
    }
    case 'close':
      db.close();
      reply({ type: 'closed' });
      return port.close();
  }
});
reply({ type: 'ready' });
