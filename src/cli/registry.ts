/**
 * THE list of CLI commands (one file per command under `commands/`). Adding a command = one line here.
 */
import type { Command } from 'commander';
import { registerDbCommand } from './commands/db.js';
import { registerImageCommand } from './commands/image.js';
import { registerSbomCommand } from './commands/sbom.js';
import { registerScanCommand } from './commands/scan.js';
import { registerVexCommand } from './commands/vex.js';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: readonly RegisterCommand[] = [
  registerImageCommand,
  registerDbCommand,
  registerSbomCommand,
  registerScanCommand,
  registerVexCommand,
];
