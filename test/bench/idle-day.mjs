// One idle day of one box, for the idle bench (idle.js runs it in its own process, once
// over plain MQTT and once over TLS): a real Relay and a real Appliance enrolled with it,
// its Internet link metered (the 3G key), its relay link reaching the relay through a
// counting TCP proxy (and, for plain MQTT, a tap in front of it that names the packets).
//
// Time is compressed, not skipped: the box and the relay share a FakeClock; the health
// agent's timer is fired by hand once per simulated minute (60 samples an hour, as on a
// box), and once per simulated hour the bench calls the link's flush(), which is what the
// link's own hourly timer calls on a metered link (client.ts, start()). Every visit of the
// day really happens on a socket; nothing is multiplied. What time compression can hide —
// MQTT keep-alive pings, which run on real timers inside MQTT.js — is counted on the
// socket too (PINGREQ/PINGRESP in the tap) and printed as its own figure.
//
// Usage: node idle-day.mjs plain|tls <scratch dir> [<tls key> <tls cert>]
// Prints one line "RESULT <json>". For tls the parent sets NODE_EXTRA_CA_CERTS to the
// certificate, as a box would trust its relay's CA.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countingProxy } from './counting-proxy.mjs';
import { mqttTap } from './idle-mqtt.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { Appliance } = await import(`${ROOT}appliance/dist/index.js`);
const { FakeClock, seededRandom } = await import(`${ROOT}appliance/dist/clock/index.js`);
const { performSetup } = await import(`${ROOT}appliance/dist/setup/index.js`);
const { enroll, topics, RELAY_CONFIG } = await import(`${ROOT}appliance/dist/relay-link/index.js`);
const { PI_READINGS } = await import(`${ROOT}appliance/dist/health/index.js`);
const { DEFAULT_LINK } = await import(`${ROOT}appliance/dist/network/index.js`);
const { Relay } = await import(`${ROOT}relay/dist/relay.js`);

export const HOURS = 24;
const SEED = 4;
const GRANT = { commons: 'host', 'givors-gavinane': 'host' };
const [mode, dir, tlsKey, tlsCert] = process.argv.slice(2);
const tls = mode === 'tls';

/** A Pi idling: readings that drift a little each minute, from a fixed seed. */
function idleSystem(clock) {
  let s = SEED;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  let bytesIn = PI_READINGS.network.bytesIn;
  let bytesOut = PI_READINGS.network.bytesOut;
  const t0 = clock.now();
  return {
    cpu: async () => ({ load1: Number((0.05 + rnd() * 0.2).toFixed(2)), load5: 0.12, load15: 0.1, busyPct: Number((1 + rnd() * 4).toFixed(1)) }),
    cpuTemperature: async () => Number((48 + rnd() * 3).toFixed(1)),
    memory: async () => ({ ...PI_READINGS.memory, usedBytes: PI_READINGS.memory.usedBytes + Math.round(rnd() * 4e6) }),
    disk: async () => PI_READINGS.disk,
    uptimeSeconds: async () => PI_READINGS.uptimeSeconds + Math.round((clock.now() - t0) / 1000),
    network: async () => ({ up: PI_READINGS.network.up, bytesIn: (bytesIn += Math.round(rnd() * 2000)), bytesOut: (bytesOut += Math.round(rnd() * 500)) }),
  };
}

/** The health agent's timer, fired by the bench: one pending callback at a time. */
function handTimers() {
  let pending = null;
  return {
    set: (fn) => (pending = fn),
    clear: () => (pending = null),
    async fire() {
      const fn = pending;
      pending = null;
      if (!fn) throw new Error('the health agent scheduled no sample');
      await fn();
    },
  };
}

const clock = new FakeClock(Date.UTC(2026, 10, 23, 0, 0, 0));
const relay = new Relay({
  dataDir: join(dir, 'relay'),
  host: '127.0.0.1',
  httpPort: 0,
  mqttPort: 0,
  ...(tls ? { tls: { keyFile: tlsKey, certFile: tlsCert, port: 0 } } : {}),
  hubListen: ['/ip4/127.0.0.1/tcp/0'],
  authorityDir: join(dir, 'federation'),
  clock,
  random: seededRandom(SEED),
  log: () => {},
});
await relay.start();
const relayPort = tls ? relay.broker.tlsPort : relay.broker.port;

// The instrument of record, and for plain MQTT the tap in front of it that names packets.
// The TLS day is counted by the proxy alone (the tap cannot read TLS). Behind two of these
// hops the relay's end of a TLS connection does not close, whatever the client (Node's own
// tls.connect too): once a hop's box side has closed, pipe() stops reading the relay's side,
// and the relay's close_notify, which plain MQTT has no counterpart of, stays unread with
// its FIN behind it.
const proxy = await countingProxy(relayPort);
const tap = tls ? null : await mqttTap(proxy.port);
const boxPort = tap ? tap.port : proxy.port;

const timers = handTimers();
const boxDir = join(dir, 'box');
mkdirSync(boxDir, { recursive: true });
const appliance = new Appliance({
  dataDir: boxDir,
  host: '127.0.0.1',
  port: 0,
  clock,
  random: seededRandom(SEED + 1),
  logError: () => {},
  health: { system: idleSystem(clock), timers, dryRun: true, powerSupplyDir: join(dir, 'no-power-supply'), throttledCommand: ['false'] },
});
const s = appliance.services;
await performSetup(s, { siteName: 'Nioro du Sahel', admin: { username: 'admin', displayName: 'Admin', password: 'correct-horse-battery' } });
if (!s.spaces.find('givors-gavinane')) s.spaces.create({ id: 'givors-gavinane', name: 'Comité de jumelage Givors–Gavinané' });
// The Internet link is the 3G key: metered, as in the field.
s.network.policy.configure({ link: DEFAULT_LINK, metered: true, budgetBytes: 1_000_000_000, resetDay: 1 });

// Enrollment as `solidaire start` does it, then the box's MQTT address pointed at the proxy.
const { site, token } = relay.registry.create({ name: 'Nioro du Sahel', spaces: GRANT });
await enroll({ file: relay.enrollmentFileFor(site, token), key: s.site.key, network: s.network, dataDir: boxDir, now: clock.now() });
const configPath = join(boxDir, RELAY_CONFIG);
const config = JSON.parse(readFileSync(configPath, 'utf8'));
config.mqtt.url = `${tls ? 'mqtts://localhost' : 'mqtt://127.0.0.1'}:${boxPort}`;
// The hub is libp2p, not this link (the sync bench measures it): left out of the day.
config.hub = [];
writeFileSync(configPath, JSON.stringify(config, null, 2));

// The hub holds both spaces: their heads are retained on the broker, as after any sync.
for (const space of Object.keys(GRANT)) {
  await relay.broker.publish(topics.head(space), JSON.stringify(s.log.versionVector(space)), { qos: 1, retain: true });
}
const uploaded = [];
relay.events.on('publish', (_site, topic, payload) => topic === topics.health(s.site.id) && uploaded.push(payload.length));

// Boot: the first sample and the first visit (persistent session created), not counted.
await appliance.start();
await timers.fire();
const link = appliance.relay;
if (!link || link.status().lastError) throw new Error(`the relay link did not start: ${link?.status().lastError}`);
const bootMark = 0;
const boot = await proxy.since(bootMark);
tap?.reset();
uploaded.length = 0;

// The day: 60 samples an hour, then the hourly visit.
const dayMark = proxy.mark();
const visits = [];
const t0 = performance.now();
for (let h = 0; h < HOURS; h++) {
  for (let m = 0; m < 60; m++) {
    clock.advance(60_000);
    await timers.fire();
  }
  const mark = proxy.mark();
  await link.flush();
  if (link.status().lastError) throw new Error(`visit ${h + 1} failed: ${link.status().lastError}`);
  visits.push(await proxy.since(mark));
}
const day = await proxy.since(dayMark);
const wallS = (performance.now() - t0) / 1000;
const status = link.status();

await appliance.stop();
await proxy.stop();
await tap?.stop();
await relay.stop();

console.log(
  'RESULT ' +
    JSON.stringify({
      mode,
      hours: HOURS,
      boot,
      day,
      visits,
      batchesUploaded: status.batchesUploaded,
      healthPayloadBytes: uploaded,
      tally: tap?.tally ?? null,
      wallS,
    }),
);
process.exit(0);
