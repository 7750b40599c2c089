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
// The output sits two folders under appliance/ like every compiled module (dist/db/…),
// so the paths the code finds from import.meta.url (migrations, package.json, the UI)
// stay right. better-sqlite3 and cbor-extract load native addons from their own folders:
// they stay in node_modules.
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

/** Options for a bundle of the appliance from `input` into `dir` (also used by the HTTP bench). */
export function boxBundle(input, dir) {
  return {
    input,
    platform: 'node',
    external: ['better-sqlite3', 'cbor-extract'],
    plugins: [oneBytePerCharacter],
    output: { dir, cleanDir: true, format: 'esm', charset: 'ascii', comments: false, entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
  };
}

export default defineConfig(boxBundle({ cli: here('./dist/cli/index.js') }, here('./dist/box')));
