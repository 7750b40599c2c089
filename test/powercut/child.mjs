// The power-cut test's server: one real appliance on a real SQLite file, on loopback.
// Usage: node child.mjs <dataDir>. Sets the box up on first run, then prints one line:
//   READY <port> synchronous=<n> journal=<mode>
// and serves until it is killed (the test kills it with SIGKILL).
import { Appliance } from '../../appliance/dist/index.js';
import { performSetup } from '../../appliance/dist/setup/index.js';

export const ADMIN = { username: 'admin', displayName: 'Awa Traoré', password: 'coupure-de-courant' };

const dataDir = process.argv[2];
if (!dataDir) {
  console.error('usage: node child.mjs <dataDir>');
  process.exit(2);
}

const appliance = new Appliance({ dataDir, port: 0, host: '127.0.0.1', logError: (e) => console.error(e) });
const s = appliance.services;
if (!s.site.isSetUp) await performSetup(s, { siteName: 'Coupure', admin: ADMIN });
const url = await appliance.start();
const port = new URL(url).port;
const sync = s.db.pragma('synchronous', { simple: true });
const journal = s.db.pragma('journal_mode', { simple: true });
process.stdout.write(`READY ${port} synchronous=${sync} journal=${journal}\n`);
