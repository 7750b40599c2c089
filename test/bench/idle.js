// Benchmark (issue 4): what an idle day costs a box on its metered Internet link (the 3G
// key) to keep in touch with its relay: presence, queued commands, the heads of its
// spaces, and hourly health uploads (a sample a minute, sent as quarter-hour roll-ups).
//
// One real Relay and one real Appliance enrolled with it, in a process of their own
// (idle-day.mjs), once over plain MQTT and once over MQTT on TLS 1.3 (an ECDSA P-256
// self-signed certificate made here with openssl, trusted by the box through
// NODE_EXTRA_CA_CERTS). Every byte is counted on the socket by a counting TCP proxy,
// both ways. The day is compressed, not extrapolated: 1,440 samples and 24 hourly visits
// all happen, on a fake clock (see idle-day.mjs). Bytes do not depend on timing; one day
// per mode, and the 24 visits of each day are compared (their spread is printed).
//
// What the socket count leaves out: TCP/IP headers and ACKs (about 40 bytes a segment),
// which a carrier bills too; they are printed as an estimate, not added to the metric.
// Not in this link: the box's no-op syncs with the relay's hub (libp2p, every 6 h on a
// metered link), measured by the sync bench.
// Run: `npm run bench -- idle`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, writeResult } from './lib.js';

const DAY_JS = fileURLToPath(new URL('./idle-day.mjs', import.meta.url));
const GOAL = 50_000;

function runDay(mode, dir, cert) {
  const r = spawnSync(process.execPath, [DAY_JS, mode, join(dir, mode), ...(cert ? [cert.key, cert.cert] : [])], {
    encoding: 'utf8',
    env: { ...process.env, ...(cert ? { NODE_EXTRA_CA_CERTS: cert.cert } : {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 600_000,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (r.status !== 0 || !line) throw new Error(`idle-day ${mode} failed (exit ${r.status ?? r.signal}):\n${r.stdout}`);
  return JSON.parse(line.slice(7));
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0);
/** The tap's tally summed over the entries whose name matches. */
const tallied = (tally, re) => sum(Object.entries(tally).filter(([k]) => re.test(k)).map(([, v]) => v.bytes));

const dir = mkdtempSync(join(tmpdir(), 'solidaire-bench-idle-'));
const metrics = {};
try {
  const cert = { key: join(dir, 'key.pem'), cert: join(dir, 'cert.pem') };
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', cert.key, '-out', cert.cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });

  console.log('an idle day over plain MQTT…');
  const plain = runDay('plain', dir);
  console.log('an idle day over MQTT on TLS…');
  const secure = runDay('tls', dir, cert);

  for (const [name, d] of [['plain', plain], ['tls', secure]]) {
    const per = d.visits.map((v) => v.bytes);
    metrics[`idle.${name}.bytes_per_day`] = d.day.bytes;
    metrics[`idle.${name}.up.bytes_per_day`] = d.day.up;
    metrics[`idle.${name}.down.bytes_per_day`] = d.day.down;
    metrics[`idle.${name}.visit.bytes`] = median(per);
    metrics[`idle.${name}.visit.spread.bytes`] = Math.max(...per) - Math.min(...per);
    metrics[`idle.${name}.boot.bytes`] = d.boot.bytes;
  }
  // In the field the relay is reached over TLS: that is the metered figure.
  metrics['idle.metered.bytes_per_day'] = secure.day.bytes;
  metrics['idle.connects.count'] = secure.day.connections;
  metrics['idle.uploads.count'] = secure.batchesUploaded;
  const t = plain.tally;
  // A QoS 1 PUBLISH and its 4-byte PUBACK [MQTT-3.4].
  const withAcks = (key) => (t[key]?.bytes ?? 0) + 4 * (t[key]?.count ?? 0);
  metrics['idle.health.bytes_per_day'] = withAcks('up publish health');
  metrics['idle.health.payload.bytes_per_day'] = sum(secure.healthPayloadBytes);
  metrics['idle.keepalive.bytes_per_day'] = tallied(t, /ping/);
  metrics['idle.session.bytes_per_day'] = tallied(t, /connect|connack|disconnect/);
  metrics['idle.subscribe.bytes_per_day'] = tallied(t, /subscribe|suback/) + withAcks('down publish head');
  metrics['idle.presence.bytes_per_day'] = withAcks('up publish state');
  metrics['idle.tls.overhead.bytes_per_day'] = secure.day.bytes - plain.day.bytes;
  metrics['idle.metered.vs_goal.ratio'] = Number((secure.day.bytes / GOAL).toFixed(3));


  // Where the plain day's bytes go, packet by packet, as the tap saw them.
  for (const d of [plain]) {
    console.log('\nplain MQTT, one day, by MQTT packet (tap):');
    console.log('packet                                    count     bytes');
    for (const [k, v] of Object.entries(d.tally).sort((a, b) => b[1].bytes - a[1].bytes)) console.log(`${k.padEnd(38)} ${String(v.count).padStart(7)} ${String(v.bytes).padStart(9)}`);
    const tapTotal = sum(Object.values(d.tally).map((v) => v.bytes));
    console.log(`${'total (tap)'.padEnd(38)} ${''.padStart(7)} ${String(tapTotal).padStart(9)}   counting proxy: ${d.day.bytes}`);
  }

  const per = (d) => `${d.day.connections} visits × ${median(d.visits.map((v) => v.bytes))} B (spread ${metrics[`idle.${d.mode === 'tls' ? 'tls' : 'plain'}.visit.spread.bytes`]} B)`;
  console.log(`\nthe day: ${plain.hours} h, ${plain.batchesUploaded} health uploads; every byte of it counted on the socket, nothing extrapolated`);
  console.log(`  plain: ${per(plain)} = ${plain.day.bytes} B   (wall ${plain.wallS.toFixed(1)} s)`);
  console.log(`  tls:   ${per(secure)} = ${secure.day.bytes} B   (wall ${secure.wallS.toFixed(1)} s)`);
  console.log(`  keep-alive pings on the socket: ${metrics['idle.keepalive.bytes_per_day']} B (the link hangs up after each visit)`);
  console.log(`  not counted: TCP/IP headers, ~${Math.round((secure.day.bytes / 1400 + 20 * secure.day.connections) * 40)} B/day more on the carrier's bill (estimate)`);

  const goals = { 'idle.metered.bytes_per_day': `≤ ${GOAL}` };
  console.log('\nmetric                                        value   goal');
  for (const [k, v] of Object.entries(metrics)) console.log(`${k.padEnd(40)} ${String(v).padStart(10)}   ${goals[k] ?? ''}`);
  writeResult('idle', metrics, { hours: plain.hours, runs: 1, visitsPerRun: plain.visits.length });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
