// TEST ONLY: what a device that joined the box's Wi-Fi asks, run by test/image/ap.test.ts
// with the box's Node.js inside the station's network namespace (`ip netns exec sta node
// station.mjs BOX_ADDRESS`). It prints one JSON line:
//   mdns:     solidaire.local's A records, from avahi, asked by multicast DNS (RFC 6762
//             §6.7: a one-shot query from another port than 5353 is answered by unicast);
//   dns:      example.com and solidaire.local as the box's DNS (dnsmasq) answers them;
//   captive:  GET http://example.com/, the name resolved by the box's DNS;
//   health:   GET http://BOX_ADDRESS/healthz.
// Plain JavaScript: it runs in the guest, where nothing is compiled.
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { get } from 'node:http';

const box = process.argv[2];

/** A DNS question for NAME's A record (RFC 1035 §4.1). */
function question(name) {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  return Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels, Buffer.from([0, 0, 1, 0, 1])]);
}

/** The offset after the (maybe compressed) name at `at`. */
function skipName(msg, at) {
  while (msg[at] !== 0) {
    if ((msg[at] & 0xc0) === 0xc0) return at + 2;
    at += msg[at] + 1;
  }
  return at + 1;
}

/** The IPv4 addresses of the A records in a DNS answer. */
function aRecords(msg) {
  const qd = msg.readUInt16BE(4);
  const an = msg.readUInt16BE(6);
  let at = 12;
  for (let i = 0; i < qd; i++) at = skipName(msg, at) + 4;
  const found = [];
  for (let i = 0; i < an; i++) {
    at = skipName(msg, at);
    const type = msg.readUInt16BE(at);
    const len = msg.readUInt16BE(at + 8);
    if (type === 1 && len === 4) found.push([...msg.subarray(at + 10, at + 14)].join('.'));
    at += 10 + len;
  }
  return found;
}

function mdns(name, ms) {
  return new Promise((resolve) => {
    const sock = createSocket('udp4');
    const sends = [];
    const done = (v) => {
      clearTimeout(timer);
      for (const t of sends) clearTimeout(t);
      sock.close();
      resolve(v);
    };
    const timer = setTimeout(() => done({ error: `no answer in ${ms} ms` }), ms);
    sock.on('message', (msg, from) => {
      const a = aRecords(msg);
      if (a.length > 0) done({ from: from.address, a });
    });
    sock.bind(0, () => {
      // Sent three times, as a responder may drop a query while it probes.
      for (const delay of [0, 1000, 2000]) sends.push(setTimeout(() => sock.send(question(name), 5353, '224.0.0.251'), delay));
    });
  });
}

function httpGet(url, lookup) {
  return new Promise((resolve) => {
    const req = get(url, { lookup, timeout: 30_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, location: res.headers.location ?? null }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ error: e.message }));
  });
}

const resolver = new Resolver({ timeout: 5000, tries: 2 });
resolver.setServers([box]);
const ask = (name) => resolver.resolve4(name).catch((e) => ({ error: e.code ?? e.message }));
// http's lookup, through the box's DNS only (not this system's resolver, which is the box's own).
const boxLookup = (host, opts, cb) => {
  resolver.resolve4(host).then(
    (a) => (opts.all ? cb(null, a.map((address) => ({ address, family: 4 }))) : cb(null, a[0], 4)),
    (e) => cb(e),
  );
};

const result = {
  mdns: await mdns('solidaire.local', 8000),
  dns: { 'example.com': await ask('example.com'), 'solidaire.local': await ask('solidaire.local') },
  captive: await httpGet('http://example.com/', boxLookup),
  health: await httpGet(`http://${box}/healthz`),
};
console.log(JSON.stringify(result));
