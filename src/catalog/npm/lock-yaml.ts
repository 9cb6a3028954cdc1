/**
 * YAML lock files (`pnpm-lock.yaml`, yarn berry's `yarn.lock`) share one reading rule: the failsafe
 * schema, so every scalar stays a string (`version: 1.10` must not become the number 1.1).
 */
import { parse as parseYaml } from 'yaml';
import type { ResultBuilder } from '../internal/language-package.js';
import { parseErrorMessage } from '../internal/json-shape.js';
import { LOCK_INVALID } from './parse-package-lock.js';

/**
 * The parsed document, or undefined after adding a {@link LOCK_INVALID} Unknown to `out` when `text`
 * is not valid YAML.
 * @example
 * const parsed = parseLockYaml(text, path, out);
 * if (parsed === undefined) return out.result();
 */
export function parseLockYaml(text: string, path: string, out: ResultBuilder): { doc: unknown } | undefined {
  try {
    return { doc: parseYaml(text, { schema: 'failsafe' }) as unknown };
  } catch (err) {
    out.unknown(path, LOCK_INVALID, `${path} is not valid YAML: ${parseErrorMessage(err)}`);
    return undefined;
  }
}
