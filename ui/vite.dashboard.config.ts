/**
 * The fleet dashboard's production build (ui/dist/dashboard), served by the relay; its
 * page is dashboard/index.html, its code src/dashboard. Same settings as the workspace
 * (vite.shared.ts); the favicon comes from the same public/.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';
import { build, precompress } from './vite.shared.js';

const OUT = fileURLToPath(new URL('./dist/dashboard', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('./dashboard', import.meta.url)),
  publicDir: fileURLToPath(new URL('./public', import.meta.url)),
  plugins: [solid(), precompress(OUT)],
  build: build(OUT),
});
