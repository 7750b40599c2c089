// Shared pieces of the benchmarks: the result file of BENCH.md and small statistics.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'out');

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
