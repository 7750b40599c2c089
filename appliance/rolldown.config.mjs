// The box's process runs the appliance as one bundle (appliance/dist/box/), built from the
// compiled code (dist/, by tsc) with rolldown: `npm run build` makes it, bin/solidaire.js
// runs it for every appliance subcommand.
//
// Why: loaded as ~440 separate ES modules, the appliance cost the box 8–13 MB more
// resident memory at start than the same code in a few chunks (V8's and Node's records per
// module, and glibc's heap behind them), and 750 ms of cold start instead of ~400 ms
// (test/bench/http.js). Not minified, so that a stack trace in a box's logs still reads;
// comments are dropped and non-ASCII characters escaped, so that V8 keeps each chunk's
// source as one byte per character (one character above U+00FF makes it two).
//
// The output sits two folders under appliance/ (dist/box/), so a path a module finds from
// import.meta.url (migrations, package.json, the UI) stays right only if that module was
// two folders deep too (dist/db/index.js): the build refuses one that was not (sameDepth).
// better-sqlite3 and cbor-extract load native addons from their own folders: they stay in
// node_modules.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'rolldown';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Fails the build when a chunk still holds a character above U+00FF (rolldown cannot escape
 * one inside a tagged template, e.g. hono's html``): V8 would keep that whole chunk's source
 * as two bytes per character. Write it as an escape or an HTML entity instead.
 */
const oneBytePerCharacter = {
  name: 'one-byte-per-character',
  generateBundle(_options, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== 'chunk') continue;
      const at = chunk.code.search(/[^\u0000-\u00ff]/u);
      if (at >= 0) {
        const around = chunk.code.slice(Math.max(0, at - 60), at + 20).replace(/\s+/g, ' ');
        this.error(`${chunk.fileName}: un caractère au-delà de U+00FF (« ${chunk.code[at]} ») que rolldown n’a pas pu échapper, près de « ${around} » : écrivez-le en séquence d’échappement ou en entité HTML.`);
      }
    }
  },
};

const applianceDir = here('.');

/**
 * Fails the build when a module of the appliance that uses import.meta.url was not compiled
 * two folders under appliance/ (dist/<room>/<file>.js), the depth of the bundle: in the
 * bundle its import.meta.url becomes the bundle's, and a relative path from it would point
 * elsewhere (appliance.ts read appliance/package.json instead of the release's root one,
 * and a box refused every update: it answered with the wrong version).
 */
const sameDepth = {
  name: 'same-depth-for-import-meta-url',
  transform(code, id) {
    if (!id.startsWith(applianceDir) || !code.includes('import.meta.url')) return null;
    const depth = id.slice(applianceDir.length).split('/').filter(Boolean).length - 1;
    if (depth !== 2) this.error(`${id.slice(applianceDir.length)} : utilise import.meta.url à ${depth} dossier(s) sous appliance/, or le paquet de la boîte est à 2 (dist/box/) : ses chemins relatifs y seraient faux. Déplacez ce code dans un module à cette profondeur (dist/<dossier>/<fichier>.js).`);
    return null;
  },
};

/** Options for a bundle of the appliance from `input` into `dir` (also used by the HTTP bench). */
export function boxBundle(input, dir) {
  return {
    input,
    platform: 'node',
    external: ['better-sqlite3', 'cbor-extract'],
    plugins: [sameDepth, oneBytePerCharacter],
    output: { dir, cleanDir: true, format: 'esm', charset: 'ascii', comments: false, entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
  };
}

export default defineConfig(boxBundle({ cli: here('./dist/cli/index.js') }, here('./dist/box')));
