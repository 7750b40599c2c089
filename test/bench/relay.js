// Benchmark (issue 4, Proof): the relay under a fleet, with simulated sites as light raw
// MQTT clients in other processes (mqtt-sites.mjs, each connecting as a box does: last
// will, subscriptions, retained presence), in two parts.
//   capacity    SITES enrolled sites connected at once with persistent sessions, each
//               sending a health batch a minute, every batch ingested into the fleet
//               store: relay.sites.count, relay.rss.mb (median of readings every 2 s;
//               relay.rss.max.mb the highest), relay.cpu.pct (over CAPACITY_S)
//   saturation  SAT_SITES sites publishing QoS 1 health batches, each as fast as its
//               PUBACKs come back, every batch stored; the same load against Debian's
//               Mosquitto on loopback: relay.msgs_per_s, mosquitto.msgs_per_s, ratio
// Each batch is a real health batch (the box's wire format), new for its site (its own
// sample time), so the relay stores every one; the count stored is checked at the end.
// Env: BENCH_RELAY_SITES (default 10000), BENCH_RELAY_CAPACITY_S (60), BENCH_RELAY_SAT_S (20),
// BENCH_PROFILE_DIR (write a CPU profile of the relay there).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { median, relayEnv, writeResult } from './lib.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SITES_JS = fileURLToPath(new URL('./mqtt-sites.mjs', import.meta.url));
const SITES = Number(process.env.BENCH_RELAY_SITES ?? 10_000);
const CAPACITY_S = Number(process.env.BENCH_RELAY_CAPACITY_S ?? 60);
const SAT_S = Number(process.env.BENCH_RELAY_SAT_S ?? 20);
const SAT_SITES = 1_000;
const GENERATORS = 4;

const { openDatabase } = await import(`${ROOT}appliance/dist/db/index.js`);
const { FakeClock, cryptoRandom } = await import(`${ROOT}appliance/dist/clock/index.js`);
const { generateSiteKey } = await import(`${ROOT}appliance/dist/identity/index.js`);
const { enrollProof } = await import(`${ROOT}appliance/dist/relay-link/index.js`);
const { encodeBatch } = await import(`${ROOT}appliance/dist/health/index.js`);
const { SiteRegistry } = await import(`${ROOT}relay/dist/registry.js`);

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}
const hz = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Health batches: the j-th batch of any site holds one sample at BASE + j minutes. */
const BASE = Date.now() - 3 * 24 * 3600_000;
function payloads(n) {
  const out = [];
  for (let j = 0; j < n; j++) {
    const at = BASE + j * 60_000;
    const values = [12, 10, 8, 150, 512, 3800, 900, 2900, 29000, 21000, 86400 + j * 60, 1, 1200, 300, 0, 80, 2, 5000, -300];
    out.push(Buffer.from(encodeBatch(at, at + 1, [{ at, values, up: null }], [])).toString('base64'));
  }
  return out;
}

function startProcess(cmd, args, readyLine, env = process.env) {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'], env });
  const lines = createInterface({ input: child.stdout });
  const ready = new Promise((resolve, reject) => {
    lines.on('line', (l) => l.startsWith(readyLine) && resolve(l));
    child.once('exit', (code) => reject(new Error(`${cmd} exited (${code}) before it was ready`)));
  });
  return { child, lines, ready, exited: new Promise((r) => child.once('exit', r)) };
}

/** Generators for `sites`, split in GENERATORS processes; resolves once all are connected. */
async function generators(sites, opts) {
  const per = Math.ceil(sites.length / GENERATORS);
  const procs = [];
  for (let g = 0; g < GENERATORS; g++) {
    const mine = sites.slice(g * per, (g + 1) * per);
    if (!mine.length) continue;
    const file = join(dir, `gen-${g}.json`);
    writeFileSync(file, JSON.stringify({ ...opts, sites: mine }));
    const p = startProcess(process.execPath, [SITES_JS, `@${file}`], 'CONNECTED');
    p.result = new Promise((resolve) => p.lines.on('line', (l) => l.startsWith('RESULT ') && resolve(JSON.parse(l.slice(7)))));
    procs.push(p);
  }
  const connected = (await Promise.all(procs.map((p) => p.ready))).reduce((n, l) => n + Number(l.split(' ')[1]), 0);
  return {
    connected,
    go: () => procs.forEach((p) => p.child.stdin.write('go\n')),
    results: async () => {
      const r = await Promise.all(procs.map((p) => p.result));
      await Promise.all(procs.map((p) => p.exited));
      return r.reduce((a, b) => ({ acked: a.acked + b.acked, sent: a.sent + b.sent, errors: a.errors + b.errors, seconds: Math.max(a.seconds, b.seconds) }));
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'solidaire-bench-relay-'));
const metrics = {};
try {
  // The fleet: SITES sites created and enrolled in the relay's registry, as the relay would.
  console.log(`enrolling ${SITES} sites…`);
  const relayDir = join(dir, 'relay');
  const db = openDatabase({ path: join(relayDir, 'relay.db'), migrations: join(ROOT, 'relay/migrations') });
  const registry = new SiteRegistry({ db, clock: new FakeClock(Date.now()), random: cryptoRandom });
  const sites = [];
  db.transaction(() => {
    for (let i = 0; i < SITES; i++) {
      const key = generateSiteKey();
      const { site, token } = registry.create({ name: `Site ${i + 1}`, spaces: {} });
      const { password } = registry.enroll({ site: site.id, token, siteId: key.siteId, signature: Buffer.from(key.sign(enrollProof(site.id, token))).toString('base64') });
      sites.push({ id: key.siteId, password });
    }
  })();
  db.close();

  const mqttPort = await freePort();
  const relay = startProcess(
    process.execPath,
    [...(process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []), join(ROOT, 'bin/solidaire.js'), 'relay', '--data', relayDir, '--host', '127.0.0.1', '--http-port', '0', '--mqtt-port', String(mqttPort), '--p2p', '/ip4/127.0.0.1/tcp/0'],
    'Relais Solidaire',
    relayEnv(), // relay/node.env: the relay's own Node settings
  );
  await relay.ready;
  const pid = relay.child.pid;

  // Capacity.
  const capPayloads = payloads(Math.ceil(CAPACITY_S / 60) + 2);
  const cap = await generators(sites, { host: '127.0.0.1', port: mqttPort, mode: 'capacity', payloads: capPayloads, durationS: CAPACITY_S, everyMs: 60_000 });
  console.log(`capacity: ${cap.connected} sites connected; ${CAPACITY_S} s of a health batch a minute each…`);
  const t0 = cpuTicks(pid);
  const w0 = performance.now();
  cap.go();
  // RSS read every 2 s while the fleet is held: one reading at the end depended on when V8
  // had last collected (271–409 MB over eight runs of the same code); the median is the
  // figure, the highest is shown beside it.
  const rss = [];
  const reading = setInterval(() => rss.push(rssMb(pid)), 2000);
  const capResult = await cap.results();
  clearInterval(reading);
  rss.push(rssMb(pid));
  const cpuPct = (100 * (cpuTicks(pid) - t0)) / hz / ((performance.now() - w0) / 1000);
  metrics['relay.sites.count'] = cap.connected;
  metrics['relay.rss.mb'] = Number(median(rss).toFixed(1));
  metrics['relay.rss.max.mb'] = Number(Math.max(...rss).toFixed(1));
  metrics['relay.cpu.pct'] = Number(cpuPct.toFixed(2));
  metrics['relay.capacity.acked.count'] = capResult.acked;

  // Saturation against the relay.
  const satSites = sites.slice(0, SAT_SITES);
  const satPayloads = payloads(4000);
  const sat = await generators(satSites, { host: '127.0.0.1', port: mqttPort, mode: 'saturation', payloads: satPayloads, durationS: SAT_S, startAt: capPayloads.length });
  sat.go();
  const satResult = await sat.results();
  metrics['relay.msgs_per_s'] = Math.round(satResult.acked / satResult.seconds);
  relay.child.kill('SIGTERM');
  await relay.exited;

  // Every batch acknowledged was stored.
  const check = openDatabase({ path: join(relayDir, 'relay.db'), migrations: join(ROOT, 'relay/migrations') });
  const stored = check.prepare('SELECT count(*) AS n FROM health_raw').get().n;
  check.close();
  metrics['relay.stored.count'] = stored;
  metrics['relay.acked.count'] = capResult.acked + satResult.acked;
  // More may be stored than acknowledged: batches of the last group, stored as the relay
  // stopped, whose PUBACK never left. Fewer would be a lost batch.
  if (stored < metrics['relay.acked.count']) console.error(`LOST: ${metrics['relay.acked.count'] - stored} acknowledged batches are not stored`);

  // The same saturation against Mosquitto (Debian's; installed here if missing).
  execFileSync('sh', ['-c', 'command -v mosquitto >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mosquitto)'], { stdio: 'inherit' });
  const mosqPort = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${mosqPort} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 100000\n`);
  const mosq = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  const msat = await generators(satSites, { host: '127.0.0.1', port: mosqPort, mode: 'saturation', payloads: satPayloads, durationS: SAT_S });
  msat.go();
  const mResult = await msat.results();
  metrics['mosquitto.msgs_per_s'] = Math.round(mResult.acked / mResult.seconds);
  mosq.kill('SIGTERM');
  metrics['relay.vs_mosquitto.ratio'] = Number((metrics['relay.msgs_per_s'] / metrics['mosquitto.msgs_per_s']).toFixed(3));

  const goals = { 'relay.sites.count': `= ${SITES}`, 'relay.cpu.pct': '≤ 10', 'relay.rss.mb': '≤ 300', 'relay.vs_mosquitto.ratio': '≥ 0.5', 'relay.stored.count': '≥ acked' };
  console.log('\nmetric                                   value   goal');
  for (const [k, v] of Object.entries(metrics)) console.log(`${k.padEnd(36)} ${String(v).padStart(9)}   ${goals[k] ?? ''}`);
  writeResult('relay', metrics, { sites: SITES, capacitySeconds: CAPACITY_S, saturationSeconds: SAT_S, saturationSites: SAT_SITES, generators: GENERATORS });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
