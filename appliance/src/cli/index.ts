/**
 * The `solidaire` command. Subcommands:
 *   start                     the demo: appliances with embedded defaults under ./data
 *   appliance --data --port   one real box
 *   hub --data --p2p          a headless replica that carries spaces for others (the relay's)
 *   setup --data …            first-run setup of a box from the command line
 *   enroll --data DIR FILE    register the box with a relay, with the file the relay gave
 *   provision --boot --data   first boot: apply the provisioning file on the card's boot partition
 *   release keygen|build|publish   make the release signing keys; build and sign a release
 *                             bundle; offer one to every box through the relay
 *   update apply FILE         install a release bundle, keep it only if the box comes up with it
 *   update recover            at boot, undo an update cut before its verdict (power cut)
 *   bundle export --data --out [--for SITE]   write what another site lacks to a file (USB)
 *   bundle import --data FILE                 verify a bundle file, then apply it
 */
import { Command, InvalidArgumentError } from 'commander';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Appliance, RELEASE_KEY_FILE, VERSION } from '../appliance.js';
import { performSetup, setupSchema } from '../setup/index.js';
import { startDemo } from '../demo/index.js';
import { Hub } from '../hub/index.js';
import { LAN_LINK } from '../network/index.js';
import type { HealthOptions } from '../health/index.js';
import { enroll, readEnrollmentFile } from '../relay-link/index.js';
import { provision } from '../provision/index.js';
import { SystemdNotifier } from '../service/index.js';
import { releaseCommands } from './release.js';
import { applyUpdate, healthzAnswers, isReleaseFile, recoverInterruptedUpdate, systemdService, type Delivery } from '../update/index.js';
import { sql } from '../db/index.js';
import { bundleDeps, describeExport, describeImport, importBundle, siteIdSchema, writeBundleFile } from '../bundle/index.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('un numéro de port entre 0 et 65535');
  return n;
}

function siteId(value: string): string {
  if (!siteIdSchema.safeParse(value).success) throw new InvalidArgumentError('un identifiant de site (ex. 12D3KooW…)');
  return value;
}

/** A box that already exists in `dir` (a command on bundles must not make a new one). */
function existingBox(dir: string, o: { updates?: string; releaseKey?: string } = {}): Appliance {
  const dataDir = resolve(dir);
  if (!existsSync(join(dataDir, 'solidaire.db'))) throw new Error(`aucune boîte dans « ${dir} » (pas de solidaire.db) : vérifiez --data`);
  return new Appliance({ dataDir, ...(o.updates ? { updatesRoot: resolve(o.updates) } : {}), ...(o.releaseKey ? { releaseKeyFile: resolve(o.releaseKey) } : {}) });
}

/** What became of a release file taken from a USB stick, in a sentence. */
function describeRelease(d: Delivery, file: string): string {
  if (d.state === 'refused') return `Version « ${basename(file)} » refusée : ${d.reason}.`;
  return `Version ${d.version} vérifiée et mise en attente : la boîte l’installe dans un instant.`;
}

/** A number of seconds, more than zero (fractions allowed). */
function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 86_400) throw new InvalidArgumentError('un nombre de secondes supérieur à 0 et d’au plus 86 400');
  return n;
}

function percent(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('un pourcentage entre 0 et 100');
  return n;
}

/** A command line as argv (split on spaces: no shell, no quoting). */
function argv(command: string): string[] {
  return command.split(/\s+/).filter(Boolean);
}

interface ApplianceCliOptions {
  data: string;
  port: number;
  host: string;
  p2p: string[];
  mdns: boolean;
  peer: string[];
  lanPeer: string[];
  syncEvery?: number;
  health: boolean;
  batteryCommand?: string;
  frugalBelow: number;
  shutdownBelow: number;
  shutdownCommand: string;
  shutdownDryRun: boolean;
  name: string[];
  updates?: string;
}

function healthOptions(o: ApplianceCliOptions): HealthOptions | false {
  if (!o.health) return false;
  if (o.shutdownBelow >= o.frugalBelow) throw new InvalidArgumentError('--shutdown-below doit être plus bas que --frugal-below');
  return {
    power: { frugalBelowPct: o.frugalBelow, shutdownBelowPct: o.shutdownBelow },
    shutdownCommand: argv(o.shutdownCommand),
    dryRun: o.shutdownDryRun,
    ...(o.batteryCommand ? { batteryCommand: argv(o.batteryCommand) } : {}),
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Run until SIGINT/SIGTERM, then stop cleanly (ports, timers, database). */
export function stopOnSignal(stop: () => Promise<void>): void {
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
    .option('--p2p <multiaddr>', 'adresse libp2p d’écoute pour la synchronisation (répétable)', collect, [])
    .option('--mdns', 'chercher les boîtes voisines sur le réseau local (mDNS)', false)
    .option('--peer <multiaddr>', 'boîte à joindre par Internet, …/p2p/<identifiant> (répétable)', collect, [])
    .option('--lan-peer <multiaddr>', 'boîte à joindre sur le réseau local, liaison gratuite (répétable)', collect, [])
    .option('--sync-every <s>', 'resynchroniser les pairs des liaisons gratuites toutes les <s> secondes, même sans changement (défaut 60 ; un changement local part au plus tard après 5 s, ou <s> si moins)', seconds)
    .option('--no-health', 'ne pas suivre la santé de la boîte (charge, température, batterie…)')
    .option('--battery-command <cmd>', 'commande qui affiche la charge de la batterie en JSON (onduleur HAT sans pilote)')
    .option('--frugal-below <pct>', 'charge en dessous de laquelle la boîte devient économe', percent, 30)
    .option('--shutdown-below <pct>', 'charge en dessous de laquelle la boîte s’éteint proprement', percent, 10)
    .option('--shutdown-command <cmd>', 'commande d’arrêt quand la batterie est vide', 'systemctl poweroff')
    .option('--shutdown-dry-run', 'batterie vide : seulement noter l’arrêt, sans éteindre', false)
    .option('--updates <dir>', 'dossier des mises à jour (versions, état de la dernière) ; défaut : le dossier des données')
    .option('--name <host>', 'nom de la boîte sur le réseau (répétable ; le premier reçoit les visiteurs du Wi-Fi ; défaut solidaire.local)', collect, [])
    .action(async (o: ApplianceCliOptions) => {
      const peers = [...o.lanPeer.map((address) => ({ address, link: LAN_LINK })), ...o.peer];
      const appliance = new Appliance({
        dataDir: resolve(o.data),
        port: o.port,
        host: o.host,
        p2pListen: o.p2p,
        mdns: o.mdns,
        peers,
        health: healthOptions(o),
        ...(o.name.length ? { publicNames: o.name } : {}),
        ...(o.updates ? { updatesRoot: resolve(o.updates) } : {}),
        ...(o.syncEvery ? { syncEveryMs: Math.round(o.syncEvery * 1000) } : {}),
      });
      const url = await appliance.start();
      const { site, network } = appliance.services;
      console.log(`Solidaire ${VERSION} — boîte ${site.name ?? '(pas encore configurée)'} sur ${url}`);
      for (const a of network.status().addresses) console.log(`  synchronisation : ${a}`);
      if (!site.isSetUp) console.log(`Première configuration : solidaire setup --data ${o.data} …, ou POST ${url}/api/v1/setup`);
      // Under systemd (Type=notify, WatchdogSec): ready now; alive while the database answers.
      const systemd = new SystemdNotifier({ alive: () => sql(appliance.services.db, 'SELECT 1').get(), onError: (e) => console.error(e) });
      await systemd.ready(`boîte ${site.name ?? '(pas encore configurée)'} sur ${url}`);
      stopOnSignal(async () => {
        await systemd.stopping();
        await appliance.stop();
      });
    });

  cmd
    .command('hub')
    .description('fait tourner un relais de synchronisation sans espace de travail : il garde et transmet les espaces qu’on lui confie')
    .requiredOption('--data <dir>', 'dossier des données du relais')
    .option('--p2p <multiaddr>', 'adresse libp2p d’écoute (répétable)', collect, [])
    .option('--peer <multiaddr>', 'site à joindre, …/p2p/<identifiant> (répétable)', collect, [])
    .option('--mdns', 'chercher les sites voisins sur le réseau local (mDNS)', false)
    .action(async (o: { data: string; p2p: string[]; peer: string[]; mdns: boolean }) => {
      const listen = o.p2p.length ? o.p2p : ['/ip4/0.0.0.0/tcp/4001'];
      const hub = new Hub({ dataDir: resolve(o.data), listen, peers: o.peer, mdns: o.mdns, onError: (e) => console.error(e) });
      await hub.start();
      console.log(`Solidaire ${VERSION} — relais de synchronisation ${hub.siteId}`);
      for (const a of hub.network.status().addresses) console.log(`  synchronisation : ${a}`);
      stopOnSignal(() => hub.stop());
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

  cmd
    .command('enroll')
    .description("inscrit la boîte auprès d'un relais avec le fichier qu'il a donné (une seule fois)")
    .requiredOption('--data <dir>', 'dossier des données de la boîte')
    .argument('<file>', "le fichier d'inscription")
    .action(async (file: string, o: { data: string }) => {
      const enrollment = readEnrollmentFile(resolve(file));
      const appliance = existingBox(o.data);
      try {
        const s = appliance.services;
        const config = await enroll({ file: enrollment, key: s.site.key, network: s.network, dataDir: resolve(o.data), now: s.clock.now() });
        console.log(`Boîte inscrite auprès du relais ${config.http} sous le nom « ${config.name} ».`);
      } finally {
        await appliance.stop();
      }
    });

  cmd
    .command('provision')
    .description('premier démarrage : applique le fichier solidaire.toml de la carte (partition de démarrage), puis en retire les secrets')
    .requiredOption('--boot <dir>', 'partition de démarrage de la carte (ex. /boot/firmware)')
    .requiredOption('--data <dir>', 'dossier des données de la boîte')
    .option('--system <dir>', 'où écrire les réglages du système (défaut : <data>/system, où pointent les liens de /etc)')
    .option('--wifi-interface <name>', 'interface Wi-Fi du point d’accès', 'wlan0')
    .action(async (o: { boot: string; data: string; system?: string; wifiInterface: string }) => {
      const appliance = new Appliance({ dataDir: resolve(o.data) });
      try {
        const report = await provision(appliance.services, {
          bootDir: resolve(o.boot),
          dataDir: resolve(o.data),
          wifiInterface: o.wifiInterface,
          ...(o.system ? { systemDir: resolve(o.system) } : {}),
        });
        if (!report.applied && !report.lines.length) console.log('Rien à appliquer : pas de solidaire.toml sur la carte.');
        for (const line of report.lines) console.log(line);
      } finally {
        await appliance.stop();
      }
    });

  releaseCommands(cmd);

  const update = cmd.command('update').description('mises à jour de la boîte');
  update
    .command('apply')
    .description('installe une version à côté de celle en service, et ne la garde que si la boîte répond avec elle (sinon retour arrière, base comprise)')
    .argument('<file>', 'le fichier de la version')
    .option('--root <dir>', 'partition des données', '/var/lib/solidaire')
    .option('--data <dir>', 'dossier des données de la boîte (défaut : <root>/data)')
    .option('--factory <dir>', 'version d’usine', '/opt/solidaire/factory')
    .option('--public-key <file>', 'clé publique des versions', '/usr/share/solidaire/release-key.pub')
    .option('--port <n>', 'port HTTP de la boîte', port, 80)
    .option('--timeout <s>', 'temps laissé à la nouvelle version pour répondre', seconds, 120)
    .action(async (file: string, o: { root: string; data?: string; factory: string; publicKey: string; port: number; timeout: number }) => {
      const root = resolve(o.root);
      const state = await applyUpdate({
        root,
        dataDir: resolve(o.data ?? join(root, 'data')),
        factoryDir: resolve(o.factory),
        file: resolve(file),
        publicKeyPem: readFileSync(resolve(o.publicKey), 'utf8'),
        service: systemdService(),
        healthy: healthzAnswers(o.port, o.timeout * 1000),
        now: () => Date.now(),
      });
      if (state.result === 'applied') console.log(`Version ${state.version} installée et en service (avant : ${state.previous}).`);
      else {
        console.error(`Version ${state.version} refusée : ${state.reason}.`);
        process.exitCode = 2;
      }
    });

  update
    .command('recover')
    .description('au démarrage, avant la boîte : défait une installation interrompue (coupure de courant) — version d’avant, base d’avant')
    .option('--root <dir>', 'partition des données', '/var/lib/solidaire')
    .option('--data <dir>', 'dossier des données de la boîte (défaut : <root>/data)')
    .option('--factory <dir>', 'version d’usine', '/opt/solidaire/factory')
    .action((o: { root: string; data?: string; factory: string }) => {
      const root = resolve(o.root);
      const state = recoverInterruptedUpdate({ root, dataDir: resolve(o.data ?? join(root, 'data')), factoryDir: resolve(o.factory) }, () => Date.now());
      if (state) console.log(`Installation interrompue défaite : ${state.reason}.`);
    });

  const bundle = cmd.command('bundle').description('paquets pour une clé USB, vers un site sans liaison');

  bundle
    .command('export')
    .description('écrit dans un fichier ce qu’un autre site n’a pas encore (ou tout ce que la boîte détient)')
    .requiredOption('--data <dir>', 'dossier des données de la boîte')
    .requiredOption('--out <file>', 'fichier du paquet à écrire (ex. /media/cle/pour-nioro.bundle)')
    .option('--for <site>', 'identifiant du site destinataire (sinon : tout)', siteId)
    .action(async (o: { data: string; out: string; for?: string }) => {
      const appliance = existingBox(o.data);
      try {
        const summary = await writeBundleFile(bundleDeps(appliance.services), { target: o.for ?? null }, resolve(o.out));
        console.log(describeExport(summary, o.out));
        // The release this box holds goes beside the bundle: the other site takes it on import.
        const release = await appliance.releases.held();
        if (release) {
          const beside = join(dirname(resolve(o.out)), `solidaire-${release.version}.release`);
          copyFileSync(release.path, beside);
          console.log(`Version ${release.version} copiée à côté : ${beside}.`);
        }
      } finally {
        await appliance.stop();
      }
    });

  bundle
    .command('import')
    .description('vérifie un paquet apporté d’un autre site, puis l’applique (tout ou rien)')
    .requiredOption('--data <dir>', 'dossier des données de la boîte')
    .option('--updates <dir>', 'dossier des mises à jour (défaut : le dossier des données)')
    .option('--release-key <file>', 'clé publique des versions', RELEASE_KEY_FILE)
    .argument('<file>', 'le fichier du paquet, ou d’une version de Solidaire')
    .action(async (file: string, o: { data: string; updates?: string; releaseKey: string }) => {
      const appliance = existingBox(o.data, o);
      try {
        const path = resolve(file);
        // A release, given itself or found beside the bundle, is taken as one from the relay.
        if (isReleaseFile(path)) {
          const d = await appliance.releases.take(path);
          console.log(describeRelease(d, path));
          if (d.state === 'refused') process.exitCode = 2;
          return;
        }
        console.log(describeImport(await importBundle(bundleDeps(appliance.services), path)));
        for (const name of readdirSync(dirname(path)).filter((n) => n.endsWith('.release')).sort()) {
          const beside = join(dirname(path), name);
          if (!isReleaseFile(beside)) continue;
          const d = await appliance.releases.take(beside);
          console.log(describeRelease(d, beside));
          if (d.state === 'refused') process.exitCode = 2;
        }
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
