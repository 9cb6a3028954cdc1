/**
 * Composition root of the `corral` binary: builds the commander program from the command list, runs it,
 * and turns errors into one-line messages and documented exit codes (see README "Exit codes").
 */
import { CORRAL_VERSION } from '../version.js';
import { Command, CommanderError } from 'commander';
import { AppError, describeError } from '../errors.js';
import { COMMANDS } from './registry.js';
import { createOutput } from './ui/output.js';

export const VERSION = CORRAL_VERSION;

export function createProgram(): Command {
  const program = new Command('corral')
    .description('Container security: read images, catalogue packages, scan, enforce.')
    .version(VERSION)
    .option('--no-color', 'disable colours even on a TTY')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

/** Runs the CLI and returns the process exit code instead of exiting (testable, flushes output). */
export async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  const out = createOutput(process.stderr);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are "errors" in commander's exitOverride mode; their exit code is 0
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof AppError) {
      out.error(`error [${err.code}]: ${err.message}`);
      if (err.hint !== undefined) out.hint(err.hint);
      if (process.env.CORRAL_DEBUG && err.cause !== undefined) out.hint(`cause: ${describeError(err.cause)}`);
      return err.exitCode;
    }
    out.error(`internal error: ${describeError(err)}`);
    out.hint('this is a bug in corral; rerun with CORRAL_DEBUG=1 and report the stack trace');
    if (process.env.CORRAL_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return 70;
  }
}
