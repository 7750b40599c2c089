/**
 * What the two production builds share (the workspace, vite.config.ts, and the relay's
 * dashboard, vite.dashboard.config.ts): ES2017 for the old browsers of the sites, hashed
 * file names under assets/ (cached for a year), and a .gz beside each text file so the
 * server sends it compressed without compressing it again at each request.
 */
import { gzipSync } from 'node:zlib';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildEnvironmentOptions, Plugin } from 'vite';

const COMPRESSIBLE = /\.(js|css|html|svg|json)$/;

export function precompress(out: string): Plugin {
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
      walk(out);
    },
  };
}

export function build(outDir: string): BuildEnvironmentOptions {
  return {
    target: 'es2017',
    cssTarget: 'chrome61',
    outDir,
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: false,
    modulePreload: { polyfill: false },
  };
}
