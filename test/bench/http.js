// Benchmark (issue 2, Proof): the workspace's HTTP throughput and latency against a bare
// hono route served by the same process, with the load generated from another process.
//   read     = GET  /api/v1/spaces/{space}/documents, a space holding 50 documents
//   (read gzip: the same with Accept-Encoding: gzip, as every browser sends it)
//   write    = POST /api/v1/spaces/{space}/threads/{id}/messages (cookie + CSRF headers)
//   baseline = GET  / of a bare hono app, same process as the appliance, its own port
//   same     = GET  /same of that bare app, answering the read route's JSON held in memory
//              (serialised on each request, as a plain hono route would)
//   prepared = GET  /prepared of that bare app, answering the read route's bytes and headers
//              held ready (the ratio to it is the workspace's own work, the answer's size apart)
// wrk (one thread), 30 connections, a 2 s warm-up per route, then RUNS rounds in which each
// read route and baseline runs 5 s in turn: the median run is reported, and a ratio is the
// median of the ratios within a round (the machine drifts; routes in one round see the same).
// The write route runs after them (it changes the data). Then: the server's RSS right after the load, its CPU over 60 s idle and its
// RSS at the end of that idle minute (settled), and the cold
// start (spawn to the first 200 from /healthz) as the median of 3 fresh processes. The
// server runs as the box runs the appliance: bundled with the box's own options
// (appliance/rolldown.config.mjs; the baseline app in the same bundle shares its hono, as
// it shared node_modules' before), with the Node settings of appliance/node.env.
// Env: BENCH_IDLE_S (default 60), BENCH_RUN_S (default 5), to shorten a trial run.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';
import { boxBundle } from '../../appliance/rolldown.config.mjs';
import { boxEnv, median, writeResult } from './lib.js';

// Two folders under appliance/, as the box's bundle (the code finds its migrations from there).
const BUNDLE_DIR = fileURLToPath(new URL('../../appliance/dist/bench-http/', import.meta.url));
const SERVER = join(BUNDLE_DIR, 'http-server.js');
const CONNECTIONS = 30;
const RUNS = 5;
const RUN_S = Number(process.env.BENCH_RUN_S ?? 5);
const WARMUP_S = 2;
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 60);
const DOCUMENTS = 50;
const SPACE = 'givors-gavinane';
const PASSWORD = 'banc-d-essai-http';
const SEED = 2026;

/** mulberry32: the same documents on every run. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'réunion comité jumelage école puits Gavinané Givors cotisation budget récolte mil ' +
  'fournitures scolaires santé dispensaire formation bénévoles compte rendu assemblée ' +
  'générale trésorier présidente projet maraîchage semences pluie hivernage marché ' +
  'transport container livres bibliothèque électricité panneaux solaires eau potable'
).split(' ');

function paragraph(rand, words) {
  const out = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]);
  return out.join(' ') + '.';
}

function startServer(dataDir, cold = false) {
  const t0 = performance.now();
  // The server runs with the appliance's own Node settings (appliance/node.env), as it ships.
  const child = spawn(process.execPath, [SERVER, dataDir, ...(cold ? ['--cold'] : [])], { stdio: ['ignore', 'pipe', 'inherit'], env: boxEnv() });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const waiting = [];
  const ready = new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (l) => {
      if (l.startsWith('READY ')) resolve(JSON.parse(l.slice(6)));
      if (l.startsWith('MEM ')) waiting.shift()?.(JSON.parse(l.slice(4)));
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before it was ready`)));
  });
  /** Where the server's memory is (http-server.mjs answers SIGUSR2). */
  const memory = () =>
    new Promise((resolve) => {
      waiting.push(resolve);
      child.kill('SIGUSR2');
    });
  return { child, t0, ready, exited, memory };
}

async function stopServer(server) {
  server.child.kill('SIGTERM');
  await server.exited;
}

async function api(base, session, method, path, body) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(session?.headers ?? {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return { res, json };
}

async function login(base) {
  const { res, json } = await api(base, null, 'POST', '/session', { username: 'admin', password: PASSWORD });
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { accountId: json.account.id, headers: { cookie, 'x-csrf-token': json.csrfToken } };
}

/** A Lua long string holding `text` as it is (no escape is interpreted inside). */
function luaString(text) {
  let eq = '';
  while (text.includes(`]${eq}]`)) eq += '=';
  return `[${eq}[${text}]${eq}]`;
}

/**
 * One wrk run, in its own process. wrk is written in C and costs the client little, so
 * the server is what runs out of CPU (autocannon, in JavaScript, could not read more than
 * about 17k responses of 8 KB a second here, well under what Node alone serves).
 */
function load({ url, method = 'GET', headers = {}, body, duration }) {
  const lines = [`wrk.method = ${luaString(method)}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`wrk.headers[ ${luaString(k)} ] = ${luaString(v)}`);
  if (body !== undefined) lines.push(`wrk.body = ${luaString(body)}`);
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format(\'\\n{"requests":%d,"seconds":%f,"bytes":%d,"errors":%d,"timeouts":%d,"non2xx":%d,"p50us":%d,"p99us":%d}\\n\',',
    '    summary.requests, summary.duration / 1e6, summary.bytes, e.connect + e.read + e.write, e.timeout, e.status,',
    '    latency:percentile(50), latency:percentile(99)))',
    'end',
  );
  const dir = mkdtempSync(join(tmpdir(), 'solidaire-bench-wrk-'));
  const script = join(dir, 'load.lua');
  writeFileSync(script, lines.join('\n') + '\n');
  return new Promise((resolve, reject) => {
    // One wrk thread: on two cores, one for the load and one for the server.
    const child = spawn('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${duration}s`, '-s', script, url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('error', (err) => reject(new Error(`wrk could not start (${err.message}): install it (Debian: apt-get install wrk)`)));
    child.once('exit', (code) => {
      rmSync(dir, { recursive: true, force: true });
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || !line) return reject(new Error(`wrk exited ${code}: ${out}`));
      const r = JSON.parse(line);
      resolve({ ...r, rps: r.requests / r.seconds, p50: r.p50us / 1000, p99: r.p99us / 1000 });
    });
  });
}

/** One timed run of a route: its rate, latency, bytes a request (as wrk read them off the socket). */
async function runOnce(label, opts, i) {
  const r = await load({ ...opts, duration: RUN_S });
  const failed = r.non2xx + r.errors + r.timeouts;
  if (failed) console.warn(`  ${label} run ${i + 1}: ${failed} failed requests (non2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts})`);
  console.log(`  ${label} run ${i + 1}: ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms`);
  return { rps: r.rps, p99: r.p99, p50: r.p50, bytes: r.bytes / r.requests, failed };
}

function summary(runs) {
  return {
    runs,
    rps: median(runs.map((r) => r.rps)),
    p99: median(runs.map((r) => r.p99)),
    p50: median(runs.map((r) => r.p50)),
    bytes: median(runs.map((r) => r.bytes)),
    failed: runs.reduce((n, r) => n + r.failed, 0),
  };
}

/**
 * Several routes measured in turns: a warm-up of each, then RUNS rounds in which each route
 * runs once, one after the other. This machine's speed drifts by a factor of two within
 * minutes (other tenants of the host): routes measured one after the other in the same
 * round see the same machine, and a ratio is taken within each round (ratioOf).
 */
async function measureInTurns(routes) {
  for (const [label, opts] of Object.entries(routes)) await load({ ...opts, duration: WARMUP_S });
  const runs = Object.fromEntries(Object.keys(routes).map((k) => [k, []]));
  for (let i = 0; i < RUNS; i++) for (const [label, opts] of Object.entries(routes)) runs[label].push(await runOnce(label, opts, i));
  return Object.fromEntries(Object.entries(runs).map(([k, r]) => [k, summary(r)]));
}

async function measure(label, opts) {
  await load({ ...opts, duration: WARMUP_S });
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await runOnce(label, opts, i));
  return summary(runs);
}

/** The median over rounds of a's rate over b's in the same round. */
function ratioOf(a, b) {
  return Number(median(a.runs.map((r, i) => r.rps / b.runs[i].rps)).toFixed(3));
}

function rssMb(pid, field = 'VmRSS') {
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  return kb / 1024;
}

/** The RSS in its three parts (proc(5)): anonymous memory, file pages (the node binary's code, libraries), shared memory (SQLite's -shm). */
function rssParts(pid) {
  const part = (f) => Number(rssMb(pid, f).toFixed(1));
  return { anon: part('RssAnon'), file: part('RssFile'), shmem: part('RssShmem') };
}

function cpuTicks(pid) {
  // Fields after the command name, which is in parentheses and may hold spaces.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime (14th) + stime (15th)
}

function clockTicks() {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

async function coldStart(dataDir) {
  const server = startServer(dataDir, true);
  const { port } = await server.ready;
  let ms;
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
    if (res?.status === 200) {
      await res.arrayBuffer();
      ms = performance.now() - server.t0;
      break;
    }
  }
  await stopServer(server);
  return ms;
}

{
  const { output, ...input } = boxBundle({ 'http-server': fileURLToPath(new URL('./http-server.mjs', import.meta.url)) }, BUNDLE_DIR);
  const bundle = await rolldown(input);
  await bundle.write(output);
  await bundle.close();
}
const dataDir = mkdtempSync(join(tmpdir(), 'solidaire-bench-http-'));
try {
  const server = startServer(dataDir);
  const { port, basePort } = await server.ready;
  const base = `http://127.0.0.1:${port}`;
  const pid = server.child.pid;

  // The data: an association space holding 50 documents, and a thread to answer in.
  const session = await login(base);
  await api(base, session, 'POST', '/spaces', { id: SPACE, name: 'Comité de jumelage Givors–Gavinané' });
  await api(base, session, 'PUT', `/spaces/${SPACE}/roles/${session.accountId}`, { role: 'admin' });
  const rand = seeded(SEED);
  for (let i = 1; i <= DOCUMENTS; i++) {
    const paragraphs = Array.from({ length: 2 + Math.floor(rand() * 6) }, () => paragraph(rand, 20 + Math.floor(rand() * 60)));
    await api(base, session, 'POST', `/spaces/${SPACE}/documents`, { title: `Document ${i} : ${paragraph(rand, 3)}`, text: `# Document ${i}\n\n${paragraphs.join('\n\n')}` });
  }
  const { json: listed } = await api(base, session, 'GET', `/spaces/${SPACE}/documents`);
  if (listed.documents.length !== DOCUMENTS) throw new Error(`expected ${DOCUMENTS} documents, the list has ${listed.documents.length}`);
  await fetch(`http://127.0.0.1:${basePort}/same`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(listed) });
  {
    // The read's answer exactly as the workspace sends it to wrk (no Accept-Encoding).
    const res = await fetch(`${base}/api/v1/spaces/${SPACE}/documents`, { headers: { cookie: session.headers.cookie, 'accept-encoding': 'identity' } });
    const headers = Object.fromEntries([...res.headers].filter(([k]) => !['content-length', 'date', 'connection', 'keep-alive'].includes(k)));
    await fetch(`http://127.0.0.1:${basePort}/prepared`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ body: await res.text(), headers }) });
  }
  const rssBefore = rssMb(pid);
  const partsBefore = rssParts(pid);
  const memBefore = await server.memory();
  const { json: started } = await api(base, session, 'POST', `/spaces/${SPACE}/threads`, { subject: 'Rentrée scolaire', body: paragraph(rand, 20) });
  const reply = JSON.stringify({ body: paragraph(rand, 30) });

  console.log(`appliance pid ${pid}, ${CONNECTIONS} connections, warm-up ${WARMUP_S} s, median of ${RUNS} runs of ${RUN_S} s`);
  const reads = { cookie: session.headers.cookie };
  const { baseline, same, prepared, read, readGzip } = await measureInTurns({
    baseline: { url: `http://127.0.0.1:${basePort}/` },
    same: { url: `http://127.0.0.1:${basePort}/same` },
    prepared: { url: `http://127.0.0.1:${basePort}/prepared` },
    read: { url: `${base}/api/v1/spaces/${SPACE}/documents`, headers: reads },
    // As a browser asks for it (every browser accepts gzip): the list compressed once per change.
    readGzip: { url: `${base}/api/v1/spaces/${SPACE}/documents`, headers: { ...reads, 'accept-encoding': 'gzip, deflate' } },
  });
  const write = await measure('write', {
    url: `${base}/api/v1/spaces/${SPACE}/threads/${started.thread.id}/messages`,
    method: 'POST',
    headers: { ...session.headers, 'content-type': 'application/json' },
    body: reply,
  });
  const rss = rssMb(pid);
  const partsAfter = rssParts(pid);
  const memAfter = await server.memory();

  // Idle: no request at all for IDLE_S seconds, after 2 s for the load's tail to settle.
  console.log(`  idle: ${IDLE_S} s…`);
  await new Promise((r) => setTimeout(r, 2_000));
  const hz = clockTicks();
  const before = cpuTicks(pid);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, IDLE_S * 1000));
  const idleCpu = ((cpuTicks(pid) - before) / hz / ((performance.now() - t0) / 1000)) * 100;
  // Once idle, V8 gives back the heap the load made it grow (its memory reducer).
  const rssSettled = rssMb(pid);
  const memSettled = await server.memory();
  await stopServer(server);

  // Cold start: a fresh process on the same (now populated) data directory.
  const colds = [];
  for (let i = 0; i < 3; i++) colds.push(await coldStart(dataDir));

  const metrics = {
    'http.read.rps': Math.round(read.rps),
    'http.write.rps': Math.round(write.rps),
    'http.baseline.rps': Math.round(baseline.rps),
    'http.read.ratio': ratioOf(read, baseline),
    'http.write.ratio': Number((write.rps / baseline.rps).toFixed(3)),
    'http.read.gzip.rps': Math.round(readGzip.rps),
    'http.read.gzip.ratio': ratioOf(readGzip, baseline),
    'http.read.gzip.response.bytes': Math.round(readGzip.bytes),
    'http.baseline.same.rps': Math.round(same.rps),
    'http.read.same.ratio': ratioOf(read, same),
    'http.baseline.prepared.rps': Math.round(prepared.rps),
    'http.read.prepared.ratio': ratioOf(read, prepared),
    'http.read.p99.ms': read.p99,
    'http.write.p99.ms': write.p99,
    'http.baseline.p99.ms': baseline.p99,
    'http.read.p50.ms': read.p50,
    'http.write.p50.ms': write.p50,
    'http.read.response.bytes': Math.round(read.bytes),
    'http.baseline.response.bytes': Math.round(baseline.bytes),
    'http.baseline.same.response.bytes': Math.round(same.bytes),
    'http.baseline.prepared.response.bytes': Math.round(prepared.bytes),
    'http.failed.count': baseline.failed + same.failed + prepared.failed + read.failed + readGzip.failed + write.failed,
    'appliance.rss.mb': Number(rss.toFixed(1)),
    'appliance.rss.before.mb': Number(rssBefore.toFixed(1)),
    'appliance.rss.settled.mb': Number(rssSettled.toFixed(1)),
    'appliance.rss.anon.mb': partsAfter.anon,
    'appliance.rss.file.mb': partsAfter.file,
    'appliance.rss.shmem.mb': partsAfter.shmem,
    'appliance.rss.before.anon.mb': partsBefore.anon,
    'appliance.rss.before.file.mb': partsBefore.file,
    'appliance.heap.before.total.mb': memBefore.heapTotal,
    'appliance.heap.total.mb': memAfter.heapTotal,
    'appliance.heap.used.mb': memAfter.heapUsed,
    'appliance.external.mb': memAfter.external,
    'appliance.heap.settled.total.mb': memSettled.heapTotal,
    'appliance.idle.cpu.pct': Number(idleCpu.toFixed(3)),
    'appliance.coldstart.ms': Math.round(median(colds)),
  };

  const goals = {
    'http.read.ratio': '≥ 0.5',
    'http.read.p99.ms': '≤ 50',
    'http.write.p99.ms': '≤ 100',
    'appliance.rss.mb': '≤ 90',
    'appliance.idle.cpu.pct': '≤ 0.5',
    'appliance.coldstart.ms': '≤ 1000',
  };
  console.log('');
  console.log(`${'metric'.padEnd(36)}${'value'.padStart(10)}   goal`);
  for (const [k, v] of Object.entries(metrics)) console.log(`${k.padEnd(36)}${String(v).padStart(10)}   ${goals[k] ?? ''}`);
  console.log(`(cold starts: ${colds.map((c) => Math.round(c)).join(', ')} ms)`);
  console.log(`(memory after the load: ${JSON.stringify(memAfter)}; settled: ${JSON.stringify(memSettled)})`);
  writeResult('http', metrics, {
    setup: { connections: CONNECTIONS, warmupSeconds: WARMUP_S, runs: RUNS, runSeconds: RUN_S, idleSeconds: IDLE_S, documents: DOCUMENTS, seed: SEED },
  });
} finally {
  rmSync(dataDir, { recursive: true, force: true });
  // Not left in appliance/dist, which an image copies.
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
}
