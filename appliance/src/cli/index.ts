/**
 * The `solidaire` command. Subcommands:
 *   start                     the demo: appliances with embedded defaults under ./data
 *   appliance --data --port   one real box
 *   setup --data …            first-run setup of a box from the command line
 */
import { Command, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Appliance, VERSION } from '../appliance.js';
import { performSetup, setupSchema } from '../setup/index.js';
import { startDemo } from '../demo/index.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('un numéro de port entre 0 et 65535');
  return n;
}

/** Run until SIGINT/SIGTERM, then stop cleanly (ports, timers, database). */
function stopOnSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} reçu : arrêt propre…`);
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => handler('SIGINT'));
  process.once('SIGTERM', () => handler('SIGTERM'));
}

export function program(): Command {
  const cmd = new Command('solidaire').version(VERSION).description('Solidaire : le serveur solidaire hors ligne');

  cmd
    .command('start')
    .description('démarre la démonstration avec les réglages intégrés (données sous ./data)')
    .option('--data <dir>', 'dossier des données', 'data')
    .action(async (o: { data: string }) => {
      const demo = await startDemo({ dataDir: resolve(o.data), log: (line) => console.log(line) });
      stopOnSignal(() => demo.stop());
    });

  cmd
    .command('appliance')
    .description('fait tourner une boîte')
    .requiredOption('--data <dir>', 'dossier des données de la boîte')
    .option('--port <n>', 'port HTTP', port, 8080)
    .option('--host <addr>', 'adresse d’écoute', '0.0.0.0')
    .action(async (o: { data: string; port: number; host: string }) => {
      const appliance = new Appliance({ dataDir: resolve(o.data), port: o.port, host: o.host });
      const url = await appliance.start();
      const { site } = appliance.services;
      console.log(`Solidaire ${VERSION} — boîte ${site.name ?? '(pas encore configurée)'} sur ${url}`);
      if (!site.isSetUp) console.log(`Première configuration : solidaire setup --data ${o.data} …, ou POST ${url}/api/v1/setup`);
      stopOnSignal(() => appliance.stop());
    });

  cmd
    .command('setup')
    .description('première configuration d’une boîte : son nom et son administrateur')
    .requiredOption('--data <dir>', 'dossier des données de la boîte')
    .requiredOption('--site-name <name>', 'nom du site (ex. « Nioro du Sahel »)')
    .requiredOption('--admin <username>', 'identifiant de l’administrateur')
    .option('--admin-name <name>', 'nom affiché de l’administrateur', 'Administrateur')
    .option('--password-file <file>', 'fichier contenant le mot de passe (sinon la variable SOLIDAIRE_ADMIN_PASSWORD)')
    .action(async (o: { data: string; siteName: string; admin: string; adminName: string; passwordFile?: string }) => {
      const password = o.passwordFile ? readFileSync(o.passwordFile, 'utf8').trim() : process.env.SOLIDAIRE_ADMIN_PASSWORD;
      const parsed = setupSchema.safeParse({ siteName: o.siteName, admin: { username: o.admin, displayName: o.adminName, password } });
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new InvalidArgumentError(`${issue.path.join('.') || 'paramètre'} : ${issue.message}`);
      }
      const appliance = new Appliance({ dataDir: resolve(o.data) });
      try {
        await performSetup(appliance.services, parsed.data);
        console.log(`Boîte « ${parsed.data.siteName} » configurée ; administrateur : ${o.admin}. Identifiant du site : ${appliance.services.site.id}`);
      } finally {
        await appliance.stop();
      }
    });

  return cmd;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`solidaire : ${message}`);
    process.exitCode = 1;
  }
}
