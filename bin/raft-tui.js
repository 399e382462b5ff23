#!/usr/bin/env node
// The `raft-tui` command: a thin shim over the built CLI (run `npm run build` first from a clone).
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2));
