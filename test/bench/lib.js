// Shared pieces of the benchmarks: the result file of BENCH.md and small statistics.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';

export const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'out');

/** This process's environment with the settings of a package's node.env. */
function withNodeEnv(pkg) {
  const file = join(dirname(fileURLToPath(import.meta.url)), `../../${pkg}/node.env`);
  return { ...process.env, ...parseEnv(readFileSync(file, 'utf8')) };
}

/**
 * The environment a box gives its Node.js process: this one's, with the settings of
 * appliance/node.env (the box's /usr/lib/solidaire/run puts them there before node starts;
 * glibc's MALLOC_ARENA_MAX works only so, not through --env-file).
 */
export const boxEnv = () => withNodeEnv('appliance');

/** The environment of a relay's Node.js process: relay/node.env's settings. */
export const relayEnv = () => withNodeEnv('relay');

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Write test/bench/out/<name>.json in the format of BENCH.md. */
export function writeResult(name, metrics, extra = {}) {
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `${name}.json`);
  const doc = { name, date: new Date().toISOString(), node: process.version, cpus: cpus().length, metrics, ...extra };
  writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  console.log(`→ ${file}`);
  return file;
}
