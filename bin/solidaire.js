#!/usr/bin/env node
// The `solidaire` command: the compiled CLI of the appliance (built by `npm ci` / `npm start`).
import { main } from '../appliance/dist/cli/index.js';

await main(process.argv);
