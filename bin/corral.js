#!/usr/bin/env node
// Entry point of the `corral` command: runs the compiled CLI (built by `npm run build`, run by `npm ci`).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
