// Benchmark (issue 3, Proof, last bullet): what a sync costs on the wire, against PouchDB
// replication and against the compressed size of the data itself; how fast a site applies
// operations; how long five sites take to agree once they meet again.
//
// Data: 1,000 member records of about 200 bytes, then the same 10 of them changed, from a
// fixed seed (sync-data.mjs). Three syncs for each contender: initial (the other side
// empty), changed10, noop (nothing new); each on NEW connections, through one counting
// TCP proxy, so every figure is bytes on the socket, both ways, set-up included.
//   solidaire  libp2p on 127.0.0.1 (TCP, Noise, Yamux), one session (sync-solidaire.mjs)
//   pouchdb    express-pouchdb + pouchdb-node over HTTP, push and pull (sync-pouchdb.mjs);
//              pouchdb.<step> is the cheaper direction of the two, so the ratio never
//              flatters Solidaire. Plain HTTP: no TLS handshake is counted for PouchDB,
//              while Solidaire's figures include Noise.
//   lowerbound brotli, quality 11, of the records as JSON lines (and of the 10 changed)
// Bytes do not depend on timing: each contender runs 3 times and the runs are compared.
// Times: sync.apply (sync-apply.mjs) warm-up + median of 5; sync.converge5
// (sync-converge.mjs) warm-up + median of 3 (BENCH_CONVERGE_RUNS to change).
// Run: `npm run bench -- sync` (builds first; PouchDB is installed on the first run).
import { median, writeResult } from './lib.js';
import { brotliBytes, changeRecords, CHANGED, jsonLines, makeRecords, RECORDS, SEED } from './sync-data.mjs';
import { solidaireRun } from './sync-solidaire.mjs';
import { PEERS, pouchdbRun } from './sync-pouchdb.mjs';
import { applyBench } from './sync-apply.mjs';
import { convergeBench } from './sync-converge.mjs';

const BYTE_RUNS = 3;
const APPLY_RUNS = 5;
const CONVERGE_RUNS = Number(process.env.BENCH_CONVERGE_RUNS ?? 3);
const STEPS = ['initial', 'changed10', 'noop'];
const t0 = performance.now();

/** The median of a figure over runs, and how far apart the runs were. */
function summarise(runs, pick) {
  const values = runs.map(pick);
  return { median: median(values), spread: Math.max(...values) - Math.min(...values), values };
}

const records = makeRecords();
const changed = changeRecords(records);
const metrics = {};
metrics['data.records.count'] = RECORDS;
metrics['data.initial.raw.bytes'] = Buffer.byteLength(jsonLines(records));
metrics['data.changed10.raw.bytes'] = Buffer.byteLength(jsonLines(changed));
metrics['lowerbound.initial.bytes'] = brotliBytes(jsonLines(records));
metrics['lowerbound.changed10.bytes'] = brotliBytes(jsonLines(changed));
console.log(`data: ${RECORDS} records, ${metrics['data.initial.raw.bytes']} bytes as JSON lines (${Math.round(metrics['data.initial.raw.bytes'] / RECORDS)} a record), seed ${SEED}; ${CHANGED} changed`);

// --- Solidaire ----------------------------------------------------------------------
console.log(`solidaire: ${BYTE_RUNS} runs on libp2p over loopback…`);
const sol = [];
for (let r = 0; r < BYTE_RUNS; r++) sol.push(await solidaireRun({ records, changed }));
const solSpread = {};
for (const step of ['setup', ...STEPS]) {
  const s = summarise(sol, (x) => x[step].bytes);
  metrics[`solidaire.${step}.bytes`] = s.median;
  solSpread[step] = s.values;
}
const last = sol.at(-1);
metrics['solidaire.setup.connection.bytes'] = last.setup.connection;
metrics['solidaire.setup.stream.bytes'] = last.setup.streamOpen;
metrics['solidaire.setup.hangup.bytes'] = last.setup.hangUp;
for (const step of STEPS) {
  const s = last[step];
  const f = (name) => s.frames[name]?.bytes ?? 0;
  metrics[`solidaire.${step}.hello.bytes`] = f('hello');
  metrics[`solidaire.${step}.batch.bytes`] = f('batch');
  metrics[`solidaire.${step}.batch.count`] = s.frames.batch?.count ?? 0;
  metrics[`solidaire.${step}.ack.bytes`] = f('ack');
  metrics[`solidaire.${step}.control.bytes`] = f('done') + f('want') + f('end');
  metrics[`solidaire.${step}.framing.bytes`] = s.transportBytes;
}
for (const step of ['initial', 'changed10']) {
  const a = last[step].anatomy;
  metrics[`solidaire.${step}.batch.oneframe.bytes`] = a.oneFrame;
  for (const k of ['sig', 'hlc', 'author', 'space']) metrics[`solidaire.${step}.batch.${k}.bytes`] = a[k];
  metrics[`solidaire.${step}.batch.bodiesonly.bytes`] = a.bodiesOnly;
}

// --- PouchDB ------------------------------------------------------------------------
console.log(`pouchdb: ${BYTE_RUNS} runs, express-pouchdb + pouchdb-node over HTTP on loopback…`);
const pouch = [];
for (let r = 0; r < BYTE_RUNS; r++) pouch.push(await pouchdbRun({ records, changed }, r));
const pouchSpread = {};
for (const step of STEPS) {
  for (const dir of ['push', 'pull']) {
    const s = summarise(pouch, (x) => x[dir][step].bytes);
    metrics[`pouchdb.${dir}.${step}.bytes`] = s.median;
    pouchSpread[`${dir}.${step}`] = s.values;
    metrics[`pouchdb.${dir}.${step}.connections.count`] = pouch.at(-1)[dir][step].connections;
  }
  metrics[`pouchdb.${step}.bytes`] = Math.min(metrics[`pouchdb.push.${step}.bytes`], metrics[`pouchdb.pull.${step}.bytes`]);
}

// --- Ratios -------------------------------------------------------------------------
const ratio = (a, b) => Number((a / b).toFixed(2));
metrics['solidaire.initial.lowerbound.ratio'] = ratio(metrics['solidaire.initial.bytes'], metrics['lowerbound.initial.bytes']);
metrics['solidaire.changed10.lowerbound.ratio'] = ratio(metrics['solidaire.changed10.bytes'], metrics['lowerbound.changed10.bytes']);
for (const step of STEPS) metrics[`pouchdb.${step}.ratio`] = ratio(metrics[`pouchdb.${step}.bytes`], metrics[`solidaire.${step}.bytes`]);

// --- Apply and converge -------------------------------------------------------------
console.log(`apply: ${APPLY_RUNS} runs after a warm-up, into a database file…`);
const apply = applyBench(APPLY_RUNS);
metrics['sync.apply.ops_per_s'] = Math.round(apply.apply.median);
metrics['sync.apply.decode.ops_per_s'] = Math.round(apply.withDecode.median);
metrics['sync.apply.checkonly.ops_per_s'] = Math.round(apply.verifyOnly.median);
console.log(`converge5: ${CONVERGE_RUNS} runs after a warm-up (in-memory links, database files)…`);
const conv = await convergeBench(CONVERGE_RUNS);
metrics['sync.converge5.ms'] = Math.round(conv.median);
metrics['sync.converge5.sessions.count'] = conv.results[0]?.sessions ?? 0;
metrics['sync.converge5.moved.count'] = conv.results[0]?.moved ?? 0;
metrics['sync.converge5.moved.ops_per_s'] = Math.round((conv.results[0]?.moved ?? 0) / (conv.median / 1000));

// --- Report -------------------------------------------------------------------------
const n = (v) => (typeof v === 'number' ? v.toLocaleString('en-US') : String(v));
const table = (rows) => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  '));
};

console.log('\nbytes on the socket, both ways, a new connection each time');
table([
  ['', 'solidaire', 'pouchdb', 'push', 'pull', 'lower bound'],
  ...STEPS.map((s) => [s, n(metrics[`solidaire.${s}.bytes`]), n(metrics[`pouchdb.${s}.bytes`]), n(metrics[`pouchdb.push.${s}.bytes`]), n(metrics[`pouchdb.pull.${s}.bytes`]), n(metrics[`lowerbound.${s}.bytes`] ?? '')]),
  ['setup', n(metrics['solidaire.setup.bytes']), '', '', '', ''],
]);
const solSame = Object.values(solSpread).every((v) => v.every((x) => x === v[0]));
console.log(`solidaire runs: ${solSame ? 'identical to the byte' : 'DIFFER: ' + JSON.stringify(solSpread)} (${BYTE_RUNS} runs)`);
console.log(`pouchdb runs: ${Object.entries(pouchSpread).map(([k, v]) => `${k} ${v.every((x) => x === v[0]) ? 'same' : v.join('/')}`).join(', ')}`);

console.log('\nwhere Solidaire\'s bytes go');
table([
  ['', 'set-up', 'hello', 'batches', 'acks', 'done+want', 'framing', 'total'],
  ...STEPS.map((s) => [s, n(metrics['solidaire.setup.bytes']), n(metrics[`solidaire.${s}.hello.bytes`]), n(metrics[`solidaire.${s}.batch.bytes`]) + ` (${metrics[`solidaire.${s}.batch.count`]})`,
    n(metrics[`solidaire.${s}.ack.bytes`]), n(metrics[`solidaire.${s}.control.bytes`]), n(metrics[`solidaire.${s}.framing.bytes`]), n(metrics[`solidaire.${s}.bytes`])]),
]);
console.log(`set-up ${metrics['solidaire.setup.bytes']} = connection (mss, Noise XX, muxer) ${metrics['solidaire.setup.connection.bytes']} + sync stream opening ${metrics['solidaire.setup.stream.bytes']} + hang-up ${metrics['solidaire.setup.hangup.bytes']}`);
console.log('framing = what Yamux headers and Noise lengths and tags add to the frames (and Yamux window updates and closes)');
console.log('\nwhat each field of the operations costs in a batch (in one batch frame, packed as on a metered link; bytes saved without it)');
table([
  ['', 'one frame', 'sig', 'hlc', 'author', 'space', 'bodies only', 'lower bound'],
  ...['initial', 'changed10'].map((s) => [s, ...['oneframe', 'sig', 'hlc', 'author', 'space', 'bodiesonly'].map((k) => n(metrics[`solidaire.${s}.batch.${k}.bytes`])), n(metrics[`lowerbound.${s}.bytes`])]),
]);

console.log('\ntimes');
table([
  ['', 'value', 'runs'],
  ['sync.apply.ops_per_s', n(metrics['sync.apply.ops_per_s']), apply.apply.rates.map(Math.round).join(' ')],
  ['sync.apply.decode.ops_per_s', n(metrics['sync.apply.decode.ops_per_s']), apply.withDecode.rates.map(Math.round).join(' ')],
  ['sync.apply.checkonly.ops_per_s', n(metrics['sync.apply.checkonly.ops_per_s']), apply.verifyOnly.rates.map(Math.round).join(' ')],
  ['sync.converge5.ms', n(metrics['sync.converge5.ms']), conv.results.map((x) => Math.round(x.ms)).join(' ')],
]);
console.log(`apply: ${apply.ops} record.put operations in ${apply.batches} batches; converge5: ${conv.sites} sites × ${conv.opsPerSite} operations, ${metrics['sync.converge5.sessions.count']} sessions, ${metrics['sync.converge5.moved.count']} operations moved, in-memory links`);

const goals = [
  ['initial ≤ 1.5 × lower bound', `${metrics['solidaire.initial.lowerbound.ratio']} ×`, metrics['solidaire.initial.bytes'] <= 1.5 * metrics['lowerbound.initial.bytes']],
  ['changed10 ≤ 2,000 bytes (with set-up)', n(metrics['solidaire.changed10.bytes']), metrics['solidaire.changed10.bytes'] <= 2000],
  ['noop ≤ 1,500 bytes (with set-up)', n(metrics['solidaire.noop.bytes']), metrics['solidaire.noop.bytes'] <= 1500],
  ['initial ≥ 4 × fewer than PouchDB', `${metrics['pouchdb.initial.ratio']} ×`, metrics['pouchdb.initial.ratio'] >= 4],
  ['changed10 ≥ 4 × fewer than PouchDB', `${metrics['pouchdb.changed10.ratio']} ×`, metrics['pouchdb.changed10.ratio'] >= 4],
  ['apply ≥ 10,000 ops/s', n(metrics['sync.apply.ops_per_s']), metrics['sync.apply.ops_per_s'] >= 10_000],
  ['converge5 ≤ 10,000 ms', n(metrics['sync.converge5.ms']), metrics['sync.converge5.ms'] <= 10_000],
];
metrics['goals.met.count'] = goals.filter((g) => g[2]).length;
metrics['goals.count'] = goals.length;
console.log('\ngoals (issue 3)');
table([['goal', 'measured', 'met'], ...goals.map(([g, v, ok]) => [g, v, ok ? 'yes' : 'NO'])]);
console.log(`${metrics['goals.met.count']} of ${goals.length} met; bench took ${Math.round((performance.now() - t0) / 1000)} s`);

writeResult('sync', metrics, {
  setup: {
    seed: SEED, records: RECORDS, changed: CHANGED, byteRuns: BYTE_RUNS, applyRuns: APPLY_RUNS, convergeRuns: CONVERGE_RUNS,
    solidaire: 'libp2p (TCP, Noise, Yamux) on 127.0.0.1 through a counting TCP proxy, one session per connection',
    pouchdb: `${Object.entries(PEERS).map(([k, v]) => `${k}@${v}`).join(', ')}; LevelDB; plain HTTP; a fresh agent per replication; pouchdb.<step> = min(push, pull)`,
    lowerbound: 'brotli quality 11 of the records as JSON lines',
    converge5: 'in-memory links, database files (synchronous=FULL), every pair once in a fixed order, repeated until the digests agree',
  },
  runs: { solidaire: solSpread, pouchdb: pouchSpread, apply: apply.apply.rates, applyDecode: apply.withDecode.rates, converge5: conv.results },
  goals: Object.fromEntries(goals.map(([g, v, ok]) => [g, { measured: v, met: ok }])),
});
