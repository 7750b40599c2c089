// A tap for the idle bench: a forwarding TCP hop on 127.0.0.1 that reads the MQTT 3.1.1
// packets crossing it (plain MQTT only) and adds up their bytes by packet type and
// direction, so the bench can say where a day's bytes go. The counting proxy behind it
// (counting-proxy.mjs) stays the instrument of record; the two totals are compared.
import { once } from 'node:events';
import { connect, createServer } from 'node:net';

// [MQTT-2.2.1] control packet types, the high nibble of the first byte.
const TYPES = [, 'connect', 'connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'subscribe', 'suback', 'unsubscribe', 'unsuback', 'pingreq', 'pingresp', 'disconnect'];

/** Splits a byte stream into MQTT packets; calls onPacket(type, bytes, topic?) for each. */
function packetReader(onPacket) {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      // [MQTT-2.2.3] remaining length: up to four bytes, seven bits each.
      let len = 0;
      let i = 1;
      for (let mul = 1; ; mul *= 128, i++) {
        if (i >= buf.length) return;
        len += (buf[i] & 127) * mul;
        if (!(buf[i] & 128)) break;
      }
      const total = i + 1 + len;
      if (buf.length < total) return;
      const type = TYPES[buf[0] >> 4] ?? 'reserved';
      const topic = type === 'publish' ? buf.subarray(i + 3, i + 3 + buf.readUInt16BE(i + 1)).toString('utf8') : undefined;
      onPacket(type, total, topic);
      buf = buf.subarray(total);
    }
  };
}

/**
 * A hop to `targetPort` whose `tally` maps "<direction> <packet>[ <topic kind>]" to
 * { count, bytes }; direction is "up" (box → relay) or "down".
 */
export async function mqttTap(targetPort) {
  const tally = {};
  const add = (key, bytes) => {
    const t = (tally[key] ??= { count: 0, bytes: 0 });
    t.count++;
    t.bytes += bytes;
  };
  // A PUBLISH is named by the last part of its topic (health, state, head) so the
  // health uploads and the presence can be told apart.
  const name = (dir) => (type, bytes, topic) => add(`${dir} ${type}${topic ? ` ${topic.split('/').at(-1)}` : ''}`, bytes);
  const sockets = new Set();
  const server = createServer((client) => {
    const target = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(target);
    client.on('data', packetReader(name('up')));
    target.on('data', packetReader(name('down')));
    client.pipe(target);
    target.pipe(client);
    // A side gone, however it went (a FIN or a reset), ends the other.
    client.once('close', () => sockets.delete(client) && target.end()).on('error', () => target.destroy());
    target.once('close', () => sockets.delete(target) && client.end()).on('error', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: server.address().port,
    tally,
    reset: () => Object.keys(tally).forEach((k) => delete tally[k]),
    async stop() {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
