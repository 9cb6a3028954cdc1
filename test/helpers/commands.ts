/**
 * Reference command-line tools used as ground truth (`dpkg --compare-versions`, `rpm --eval`), found on
 * PATH. scripts/test-env.sh installs missing ones from Debian.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type SkipContext, skipOrFailInCi } from './env.js';

const run = promisify(execFile);

/** Whether `command` is on PATH. */
export async function hasCommand(command: string): Promise<boolean> {
  try {
    await run('sh', ['-c', 'command -v "$1"', 'sh', command]);
    return true;
  } catch {
    return false; // `command -v` exits 1 when the command is absent: that is the answer, not a failure
  }
}

/** True when `command` is installed. Otherwise skips `t`, or throws under `CI=true` ({@link skipOrFailInCi}). */
export async function requireCommand(t: SkipContext, command: string, aptPackage: string): Promise<boolean> {
  if (await hasCommand(command)) return true;
  skipOrFailInCi(
    t,
    `${command} not installed (apt-get install ${aptPackage}, or run scripts/test-env.sh start)`,
  );
  return false;
}

/** Runs a command and returns its stdout; rejects (with stderr in the message) on a non-zero exit. */
export async function runCommand(
  file: string,
  args: readonly string[],
  maxBuffer = 64 * 1024 * 1024,
): Promise<string> {
  const { stdout } = await run(file, [...args], { maxBuffer, encoding: 'utf8' });
  return stdout;
}
