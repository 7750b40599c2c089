/**
 * `solidaire start`: the demonstration a volunteer gets with `npm ci && npm start`.
 * Boxes live under <dataDir>/<name>; a box that is not set up yet is set up and filled
 * with the demo data on first start, so a restart keeps what people changed.
 */
import { join } from 'node:path';
import { Appliance, VERSION } from '../appliance.js';
import { performSetup } from '../setup/index.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from './seed.js';

export interface DemoOptions {
  readonly dataDir: string;
  readonly log: (line: string) => void;
  /** Port of the first box (8080 by default). */
  readonly port?: number;
  readonly host?: string;
}

export interface Demo {
  readonly urls: readonly string[];
  readonly appliances: readonly Appliance[];
  stop(): Promise<void>;
}

const BOXES = [{ dir: 'grigny', siteName: 'Grigny', portOffset: 0 }] as const;

export async function startDemo(opts: DemoOptions): Promise<Demo> {
  const appliances: Appliance[] = [];
  const urls: string[] = [];
  try {
    for (const box of BOXES) {
      const appliance = new Appliance({ dataDir: join(opts.dataDir, box.dir), port: (opts.port ?? 8080) + box.portOffset, host: opts.host ?? '0.0.0.0' });
      appliances.push(appliance);
      if (!appliance.services.site.isSetUp) {
        const admin = DEMO_ACCOUNTS[0];
        await performSetup(appliance.services, {
          siteName: box.siteName,
          admin: { username: admin.username, displayName: admin.displayName, password: DEMO_PASSWORD },
        });
        await seedDemo(appliance);
        opts.log(`Données de démonstration créées dans ${join(opts.dataDir, box.dir)}`);
      }
      urls.push(await appliance.start());
    }
  } catch (err) {
    await Promise.all(appliances.map((a) => a.stop()));
    throw err;
  }
  opts.log('');
  opts.log(`Solidaire ${VERSION} — démonstration`);
  BOXES.forEach((box, i) => opts.log(`  ${box.siteName.padEnd(8)} ${urls[i]}   (API : ${urls[i]}/api/v1/openapi.json)`));
  opts.log('');
  opts.log(`Comptes de démonstration (mot de passe : ${DEMO_PASSWORD}) :`);
  for (const a of DEMO_ACCOUNTS) opts.log(`  ${a.username.padEnd(8)} ${a.displayName} — ${a.what}`);
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
