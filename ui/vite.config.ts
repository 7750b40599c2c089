/**
 * The workspace's production build: ES2017 for the old browsers of the sites, hashed
 * file names under assets/ (the appliance caches them for a year), and a .gz beside each
 * text file so the box sends it compressed without compressing it again at each request.
 */
import { gzipSync } from 'node:zlib';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import solid from 'vite-plugin-solid';

const OUT = 'dist/workspace';
const COMPRESSIBLE = /\.(js|css|html|svg|json)$/;

function precompress(): Plugin {
  return {
    name: 'solidaire-precompress',
    apply: 'build',
    closeBundle() {
      const walk = (dir: string): void => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) walk(path);
          else if (COMPRESSIBLE.test(entry.name)) writeFileSync(path + '.gz', gzipSync(readFileSync(path), { level: 9 }));
        }
      };
      walk(OUT);
    },
  };
}

export default defineConfig({
  plugins: [solid(), precompress()],
  build: {
    target: 'es2017',
    cssTarget: 'chrome61',
    outDir: OUT,
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: false,
    modulePreload: { polyfill: false },
  },
});
