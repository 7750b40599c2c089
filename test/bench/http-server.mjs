// The HTTP bench's server: one appliance on loopback and, unless --cold, a bare hono app
// in the same process on its own port as the baseline (GET / → {ok:true}; GET /same →
// whatever JSON was PUT to /same; GET /prepared → the body and headers PUT to /prepared,
// as they are). Usage:
//   node http-server.mjs <dataDir> [--cold]
// Prints `READY {"port":N,"basePort":M}` once both listen; SIGTERM stops it cleanly.
import v8 from 'node:v8';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Appliance } from '../../appliance/dist/index.js';
import { performSetup } from '../../appliance/dist/setup/index.js';

const [dataDir, flag] = process.argv.slice(2);
const cold = flag === '--cold';

const appliance = new Appliance({ dataDir, port: 0, host: '127.0.0.1' });
const s = appliance.services;
if (!s.site.isSetUp) {
  await performSetup(s, { siteName: 'Banc d’essai', admin: { username: 'admin', displayName: 'Awa Traoré', password: 'banc-d-essai-http' } });
}
const port = Number(new URL(await appliance.start()).port);

let basePort = null;
let baseline;
if (!cold) {
  const bare = new Hono();
  bare.get('/', (c) => c.json({ ok: true }));
  // A second baseline: the read route's own response, held ready, so that a ratio
  // isolates the workspace's work (session, access check, query, serialisation).
  let same = { documents: [] };
  bare.put('/same', async (c) => {
    same = await c.req.json();
    return c.json({ ok: true });
  });
  bare.get('/same', (c) => c.json(same));
  // A third: the read's own answer, bytes and headers, held ready as the workspace holds it
  // in its response cache; the ratio to it is the cost of everything but the answer's size.
  let prepared = { body: new Uint8Array(), headers: {} };
  bare.put('/prepared', async (c) => {
    const { body, headers } = await c.req.json();
    prepared = { body: new TextEncoder().encode(body), headers: Object.freeze(headers) };
    return c.json({ ok: true });
  });
  bare.get('/prepared', () => new Response(prepared.body, { status: 200, headers: prepared.headers }));
  basePort = await new Promise((resolve) => {
    baseline = serve({ fetch: bare.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
  });
}

// SIGUSR2: where the memory is, as one line `MEM {...}` (MB): V8's heap by space, the
// buffers outside it, and the RSS, so a bench can say what grew.
process.on('SIGUSR2', () => {
  const mb = (n) => Number((n / 1048576).toFixed(1));
  const m = process.memoryUsage();
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, mb(s.space_size)]));
  process.stdout.write(`MEM ${JSON.stringify({ rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers), spaces })}\n`);
});

process.on('SIGTERM', async () => {
  baseline?.close();
  await appliance.stop();
  process.exit(0);
});
process.stdout.write(`READY ${JSON.stringify({ port, basePort })}\n`);
