#!/usr/bin/env node
// The `solidaire` command: the compiled CLIs (built by `npm ci` / `npm start`). `relay` and
// `start` (the demo: relay and two boxes) are the relay package's; every other subcommand
// is the appliance's.
const cli = ['relay', 'start'].includes(process.argv[2]) ? '../relay/dist/cli.js' : '../appliance/dist/cli/index.js';
const { main } = await import(cli);
await main(process.argv);
