// The HTTP bench's load generator, run in its own process: one autocannon run.
// Usage: node load.mjs '<json options for autocannon>'; prints the result as JSON.
import autocannon from 'autocannon';

const opts = JSON.parse(process.argv[2]);
const result = await autocannon({ ...opts, renderProgressBar: false, renderResultsTable: false });
process.stdout.write(JSON.stringify(result));
