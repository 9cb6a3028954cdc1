// Entry used by test/helpers/cli.ts: the same `main` the `corral` bin runs, from source.
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv);
