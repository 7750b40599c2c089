/**
 * `solidaire release keygen|build|publish`: the release signing keys, a signed release of a
 * built checkout, and offering one to every box through the relay.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { buildRelease, generateReleaseKeys } from '../update/index.js';
import { publishRelease } from './publish.js';

export function releaseCommands(cmd: Command): void {
  const release = cmd.command('release').description('versions signées de Solidaire, pour les mises à jour des boîtes');

  release
    .command('keygen')
    .description('fait la paire de clés de signature des versions (la publique va dans l’image, la privée reste chez qui publie)')
    .requiredOption('--out <dir>', 'dossier où écrire release-key.pem (privée) et release-key.pub')
    .action((o: { out: string }) => {
      const dir = resolve(o.out);
      if (existsSync(join(dir, 'release-key.pem'))) throw new Error(`${join(dir, 'release-key.pem')} existe déjà : elle n’est pas remplacée`);
      mkdirSync(dir, { recursive: true });
      const k = generateReleaseKeys();
      writeFileSync(join(dir, 'release-key.pem'), k.privateKeyPem, { mode: 0o600 });
      writeFileSync(join(dir, 'release-key.pub'), k.publicKeyPem);
      console.log(`Clés écrites dans ${dir} : gardez release-key.pem hors de toute boîte ; release-key.pub va dans l’image.`);
    });

  release
    .command('build')
    .description('fait et signe une version à partir d’un dépôt construit (npm ci), dépendances comprises')
    .requiredOption('--key <file>', 'clé privée de signature (release-key.pem)')
    .requiredOption('--out <file>', 'fichier de la version à écrire')
    .option('--root <dir>', 'dépôt construit', '.')
    // The version is the checkout's (package.json): the one the box will answer /healthz
    // with, which is how `update apply` knows the release it installed is the one serving.
    .action(async (o: { key: string; out: string; root: string }) => {
      const root = resolve(o.root);
      const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
      const manifest = await buildRelease({ root, out: resolve(o.out), version, privateKeyPem: readFileSync(resolve(o.key), 'utf8'), now: Date.now() });
      console.log(`Version ${manifest.version} signée : ${manifest.entries.length} fichiers, dans ${o.out}.`);
    });

  release
    .command('publish')
    .description('envoie une version signée au relais, qui la vérifie et la propose à toutes les boîtes')
    .argument('<file>', 'le fichier de la version')
    .requiredOption('--relay <url>', 'adresse HTTP du relais (ex. https://relais.example.org)')
    .requiredOption('--token-file <file>', 'fichier du jeton d’administration du relais (son admin-token)')
    .action(async (file: string, o: { relay: string; tokenFile: string }) => {
      const r = await publishRelease({ file: resolve(file), relay: o.relay, tokenFile: resolve(o.tokenFile) });
      console.log(`Version ${r.version} proposée aux boîtes (${r.size} octets, SHA-256 ${r.sha256}).`);
    });
}
