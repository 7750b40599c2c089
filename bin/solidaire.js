#!/usr/bin/env node
// The `solidaire` command: the compiled CLIs (built by `npm ci` / `npm run build`). `relay`
// and `start` (the demo: relay and two boxes) are the relay package's; every other
// subcommand is the appliance's, run from its bundle (appliance/dist/box/, see
// appliance/rolldown.config.mjs): what a box runs.
const cli = ['relay', 'start'].includes(process.argv[2]) ? '../relay/dist/cli.js' : '../appliance/dist/box/cli.js';
const { main } = await import(cli);
await main(process.argv);
