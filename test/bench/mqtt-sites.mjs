// A load generator for the relay bench: many light MQTT 3.1.1 clients in one process,
// raw sockets and mqtt-packet (no MQTT.js per client, so 2,500 sites fit in one process
// without starving the relay on 2 cores). Usage: node mqtt-sites.mjs @options.json where:
//   { host, port, sites: [{ id, password }], mode: 'capacity' | 'saturation',
//     payloads: [base64…], startAt, durationS, everyMs (capacity: one publish per site per everyMs) }
// Each site connects as a box does (appliance/src/relay-link/client.ts): a persistent
// session with its presence "offline" as last will; without a session, it subscribes to its
// commands and to the release offer; then it publishes its presence, retained. The relay
// thus holds one retained presence per site, as with a real fleet.
// A site's j-th publish carries payloads[startAt + j] (each a health batch of its own
// time, so every one is new to the relay); a site stops when they run out.
// Prints `CONNECTED n` once every site is connected; on a line on stdin it starts; prints
// `RESULT {json}` at the end.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import mqttPacket from 'mqtt-packet';

const arg = process.argv[2];
const opts = JSON.parse(arg.startsWith('@') ? readFileSync(arg.slice(1), 'utf8') : arg);
const payloads = opts.payloads.map((p) => Buffer.from(p, 'base64'));
const startAt = opts.startAt ?? 0;
const stats = { connected: 0, acked: 0, sent: 0, errors: 0 };
const clients = [];

function client(site) {
  return new Promise((resolve) => {
    const socket = connect(opts.port, opts.host);
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    const c = { socket, site, nextId: 1, pending: new Map(), open: false, count: 0 };
    socket.setNoDelay(true);
    socket.on('data', (d) => parser.parse(d));
    socket.on('error', () => stats.errors++);
    socket.on('close', () => {
      c.open = false;
      for (const w of c.pending.values()) w(false);
      c.pending.clear();
    });
    parser.on('packet', (p) => {
      if (p.cmd === 'connack') {
        if (p.returnCode !== 0) {
          stats.errors++;
          return resolve(c);
        }
        void hello(c, p.sessionPresent).then(() => {
          c.open = true;
          stats.connected++;
          resolve(c);
        });
      } else if (p.cmd === 'puback' || p.cmd === 'suback') {
        const w = c.pending.get(p.messageId);
        c.pending.delete(p.messageId);
        w?.(true);
      } else if (p.cmd === 'publish' && p.qos === 1) {
        socket.write(mqttPacket.generate({ cmd: 'puback', messageId: p.messageId }));
      }
    });
    // As a box connects (appliance/src/relay-link/client.ts): a persistent session, and
    // its retained presence "offline" as its last will.
    const will = { topic: `solidaire/v1/sites/${site.id}/state`, payload: Buffer.from('offline'), qos: 1, retain: true };
    socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: false, clientId: site.id, keepalive: 600, username: site.id, password: Buffer.from(site.password), will }));
    clients.push(c);
  });
}

/** Send a packet that takes a message id: true on its PUBACK or SUBACK, false if the connection closed first. */
function request(c, packet) {
  return new Promise((resolve) => {
    const messageId = c.nextId++;
    if (c.nextId > 65000) c.nextId = 1;
    c.pending.set(messageId, resolve);
    c.socket.write(mqttPacket.generate({ ...packet, messageId }));
  });
}

/**
 * What a box does once connected: without a session, it subscribes to its commands and to
 * the release offer, one after the other; then it publishes its presence, retained.
 */
async function hello(c, sessionPresent) {
  const id = c.site.id;
  if (!sessionPresent) {
    await request(c, { cmd: 'subscribe', subscriptions: [{ topic: `solidaire/v1/sites/${id}/cmd/#`, qos: 1 }] });
    await request(c, { cmd: 'subscribe', subscriptions: [{ topic: 'solidaire/v1/releases/offer', qos: 1 }] });
  }
  const state = Buffer.from(JSON.stringify({ state: 'online', version: '0.1.0', budgetUsedPct: 12.5 }));
  await request(c, { cmd: 'publish', topic: `solidaire/v1/sites/${id}/state`, payload: state, qos: 1, retain: true, dup: false });
}

async function publish(c) {
  const payload = payloads[startAt + c.count];
  if (!c.open || !payload) {
    c.open = c.open && !!payload;
    return;
  }
  c.count++;
  stats.sent++;
  if (await request(c, { cmd: 'publish', topic: `solidaire/v1/sites/${c.site.id}/health`, payload, qos: 1, retain: false, dup: false })) stats.acked++;
}

// Connect in waves, so the relay is not hit by 10,000 handshakes in one tick.
for (let i = 0; i < opts.sites.length; i += 200) await Promise.all(opts.sites.slice(i, i + 200).map(client));
process.stdout.write(`CONNECTED ${stats.connected}\n`);
await new Promise((r) => process.stdin.once('data', r)); // the bench says when to start

const t0 = performance.now();
const until = t0 + opts.durationS * 1000;
if (opts.mode === 'saturation') {
  // Each site publishes again as soon as its PUBACK comes back.
  await Promise.all(clients.map(async (c) => {
    while (performance.now() < until && c.open) await publish(c);
  }));
} else {
  // One publish per site per everyMs, spread evenly over the interval.
  const gap = opts.everyMs / clients.length;
  let k = 0;
  while (performance.now() < until) {
    const c = clients[k++ % clients.length];
    void publish(c);
    await new Promise((r) => setTimeout(r, gap));
  }
}
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(`RESULT ${JSON.stringify({ ...stats, seconds })}\n`);
for (const c of clients) c.socket.end(mqttPacket.generate({ cmd: 'disconnect' }));
setTimeout(() => process.exit(0), 500).unref();
