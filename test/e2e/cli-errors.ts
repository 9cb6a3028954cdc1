/** Assertions on how the `corral` CLI reports an error to a user. */
import assert from 'node:assert/strict';

/**
 * An error is one `error [CODE]: …` line plus an optional hint line, never a stack trace.
 *
 * @example
 * assertCleanError((await runCli(['image', 'inspect', 'nope:1'])).stderr, 'IMAGE_NOT_FOUND');
 */
export function assertCleanError(stderr: string, code: string): void {
  const lines = stderr.trim().split('\n');
  assert.ok(lines.length <= 2, `expected ≤ 2 lines, got:\n${stderr}`);
  assert.match(lines[0] ?? '', new RegExp(`^error \\[${code}\\]: `));
  assert.doesNotMatch(stderr, /\n\s+at /);
}
