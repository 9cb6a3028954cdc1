/**
 * Public surface of the secret scanner (issue 6): rules in the style of gitleaks, run over image files.
 *
 * Call {@link scanImageSecrets} with an opened image: it streams every layer once and also finds secrets in
 * files that a later layer deleted or replaced (the bytes are still in the image). {@link scanSecrets} scans
 * a squashed {@link FileView} you already hold (only what the squashed tree still shows).
 *
 * @example
 * const image = await openImage('oci-layout:./out:v1', { limits });
 * const findings = await scanImageSecrets(image, { limits, disabledRules: ['jwt'] });
 */
export {
  CONFIG_PATHS,
  scanImageSecrets,
  scanSecrets,
  type ImageSecretScanOptions,
  type SecretFinding,
  type SecretScanOptions,
  type SkipReason,
} from './scan.js';
export { RULES, findRule, type SecretRule } from './rules.js';
export { DEFAULT_ALLOW_PATHS, DEFAULT_MAX_FILE_BYTES, MAX_FINDINGS_PER_FILE } from './detect.js';
