/**
 * `solidaire start`: the demonstration a volunteer gets with `npm ci && npm start`.
 * Two boxes, "Grigny" (:8080) and "Youri" (:8081), members of one federation whose
 * authority lives under <dataDir>/federation, sync with each other over libp2p on this
 * machine. A box that is not set up yet is set up, enrolled and filled with the demo data
 * on first start, so a restart keeps what people changed.
 */
import { join } from 'node:path';
import { Appliance, VERSION } from '../appliance.js';
import { performSetup } from '../setup/index.js';
import { Authority, type GrantSpaces } from '../federation/index.js';
import { systemClock } from '../clock/index.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo, seedPeerBox } from './seed.js';

export interface DemoOptions {
  readonly dataDir: string;
  readonly log: (line: string) => void;
  /** Port of the first box (8080 by default); the second listens on the next one. */
  readonly port?: number;
  readonly host?: string;
  /** Seconds between sync rounds (default 10); 0: only when asked (tests). */
  readonly syncSeconds?: number;
  /** Lines about the rest of the system (the relay), printed with the boxes'. */
  readonly also?: readonly string[];
  /** The federation's authority, when the caller holds it (the relay); else opened under dataDir/federation. */
  readonly authority?: Authority;
  /** Called for each box once it is set up, before it starts (the relay's demo enrolls it). */
  readonly beforeStart?: (appliance: Appliance, box: { siteName: string; grant: GrantSpaces; dataDir: string }) => Promise<void>;
}

export interface Demo {
  readonly urls: readonly string[];
  readonly appliances: readonly Appliance[];
  stop(): Promise<void>;
}

interface DemoBox {
  readonly dir: string;
  readonly siteName: string;
  readonly portOffset: number;
  readonly grant: GrantSpaces;
  readonly seed: (a: Appliance) => Promise<void>;
}

const BOXES: readonly DemoBox[] = [
  { dir: 'grigny', siteName: 'Grigny', portOffset: 0, grant: { commons: 'host', 'givors-gavinane': 'host', 'secours-populaire': 'host' }, seed: seedDemo },
  { dir: 'youri', siteName: 'Youri', portOffset: 1, grant: { commons: 'host', 'givors-gavinane': 'host' }, seed: seedPeerBox },
];

export async function startDemo(opts: DemoOptions): Promise<Demo> {
  const appliances: Appliance[] = [];
  const urls: string[] = [];
  const authority = opts.authority ?? Authority.open(join(opts.dataDir, 'federation'), systemClock);
  const resync = (opts.syncSeconds ?? 10) * 1000;
  try {
    let peers: string[] = [];
    for (const box of BOXES) {
      const port = opts.port === 0 ? 0 : (opts.port ?? 8080) + box.portOffset;
      const appliance = new Appliance({
        dataDir: join(opts.dataDir, box.dir),
        port,
        host: opts.host ?? '0.0.0.0',
        p2pListen: ['/ip4/127.0.0.1/tcp/0'],
        peers,
        syncEveryMs: resync,
        // The demo boxes report their health (a shutdown would only be written down).
        health: { dryRun: true },
      });
      appliances.push(appliance);
      const s = appliance.services;
      if (!s.site.isSetUp) {
        const admin = DEMO_ACCOUNTS[0];
        await performSetup(s, { siteName: box.siteName, admin: { username: admin.username, displayName: admin.displayName, password: DEMO_PASSWORD } });
        await box.seed(appliance);
        authority.grant(s.site.id, box.siteName, box.grant);
        opts.log(`Données de démonstration créées dans ${join(opts.dataDir, box.dir)}`);
      }
      // Enrollment: the federation's key and every grant issued so far.
      s.network.enroll(authority.federationId, authority.history());
      await opts.beforeStart?.(appliance, { siteName: box.siteName, grant: box.grant, dataDir: join(opts.dataDir, box.dir) });
      urls.push(await appliance.start());
      peers = [...s.network.status().addresses];
    }
  } catch (err) {
    await Promise.all(appliances.map((a) => a.stop()));
    throw err;
  }
  opts.log('');
  opts.log(`Solidaire ${VERSION} — démonstration`);
  BOXES.forEach((box, i) => opts.log(`  ${box.siteName.padEnd(8)} ${urls[i]}   (API : ${urls[i]}/api/v1/openapi.json)`));
  const when = resync > 0 ? `toutes les ${resync / 1000} s` : 'quand on le leur demande';
  opts.log(`  Youri et Grigny se synchronisent ${when} (état : /api/v1/sync/status).`);
  for (const line of opts.also ?? []) opts.log(line);
  opts.log('');
  opts.log(`Comptes de démonstration (mot de passe : ${DEMO_PASSWORD}) :`);
  for (const a of DEMO_ACCOUNTS) opts.log(`  ${a.username.padEnd(8)} ${a.displayName} — ${a.what}`);
  opts.log('  (à Youri : admin, awa, moussa et invite)');
  opts.log('');
  opts.log('Ctrl+C pour arrêter.');
  return {
    urls,
    appliances,
    stop: async () => {
      await Promise.all(appliances.map((a) => a.stop()));
    },
  };
}
