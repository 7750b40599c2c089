/** The workspace's production build (ui/dist/workspace); see vite.shared.ts. */
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';
import { build, precompress } from './vite.shared.js';

const OUT = 'dist/workspace';

export default defineConfig({
  plugins: [solid(), precompress(OUT)],
  build: build(OUT),
});
