#!/usr/bin/env node
// The `solidaire` command: the compiled CLIs (built by `npm ci` / `npm start`). The relay
// is its own package; every other subcommand is the appliance's.
const cli = process.argv[2] === 'relay' ? '../relay/dist/cli.js' : '../appliance/dist/cli/index.js';
const { main } = await import(cli);
await main(process.argv);
