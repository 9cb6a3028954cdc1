/**
 * THE list of CLI commands (one file per command under `commands/`). Adding a command = one line here.
 */
import type { Command } from 'commander';
import { registerAgentCommand } from './commands/agent.js';
import { registerAttestCommand } from './commands/attest.js';
import { registerDbCommand } from './commands/db.js';
import { registerImageCommand } from './commands/image.js';
import { registerKeygenCommand } from './commands/keygen.js';
import { registerLsCommand, registerSummaryCommand } from './commands/ls.js';
import { registerPolicyCommand } from './commands/policy.js';
import { registerPushCommand } from './commands/push.js';
import { registerSbomCommand } from './commands/sbom.js';
import { registerScanCommand } from './commands/scan.js';
import { registerSecretsCommand } from './commands/secrets.js';
import { registerServerCommand } from './commands/server.js';
import { registerSignCommand } from './commands/sign.js';
import { registerTokenCommand } from './commands/token.js';
import { registerVerifyCommand } from './commands/verify.js';
import { registerVexCommand } from './commands/vex.js';
import { registerWhereCommand } from './commands/where.js';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: readonly RegisterCommand[] = [
  registerImageCommand,
  registerDbCommand,
  registerSbomCommand,
  registerScanCommand,
  registerSecretsCommand,
  registerVexCommand,
  registerPolicyCommand,
  registerKeygenCommand,
  registerSignCommand,
  registerAttestCommand,
  registerVerifyCommand,
  registerAgentCommand,
  registerServerCommand,
  registerTokenCommand,
  registerPushCommand,
  registerWhereCommand,
  registerLsCommand,
  registerSummaryCommand,
];
