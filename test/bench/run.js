// `npm run bench -- <name>...`: runs test/bench/<name>.js for each name given, or every
// bench in this folder when none is given, one after another, each in its own process.
// Benchmarks measure; they do not pass or fail (see ../shared/BENCH.md). This exits
// non-zero only when a bench could not run. A bench is a <name>.js here; run.js and lib.js
// are not benches, and a bench's helper processes are .mjs files.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const all = readdirSync(here)
  .filter((f) => f.endsWith('.js') && f !== 'run.js' && f !== 'lib.js')
  .map((f) => f.slice(0, -3))
  .sort();
const names = process.argv.slice(2);
const chosen = names.length ? names : all;

let failed = 0;
for (const name of chosen) {
  if (!/^[a-z0-9-]+$/.test(name) || !existsSync(`${here}${name}.js`)) {
    console.error(`no bench named "${name}" (known: ${all.join(', ')})`);
    failed++;
    continue;
  }
  console.log(`\n=== bench ${name} ===`);
  const r = spawnSync(process.execPath, [`${here}${name}.js`], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`bench ${name} failed (exit ${r.status ?? r.signal})`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
