/**
 * Digest checks of small, fully read documents (manifests, indexes, configs), on top of the
 * primitives in layer/digest.ts. Layers are never hashed here: the layer walker verifies them while
 * it streams.
 *
 * ref. https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests
 */
import { AppError } from '../../errors.js';
import { computeDigest, parseDigest } from '../layer/digest.js';

/** True for a well-formed digest of an algorithm we can compute (sha256, sha512). */
export function isSupportedDigest(digest: string): boolean {
  return parseDigest(digest) !== undefined;
}

/** The hint of an unsupported or malformed digest. */
export const UNSUPPORTED_DIGEST_HINT = 'Corral verifies sha256 and sha512 digests only';

const REGISTRY_MISMATCH_HINT =
  'the registry or a proxy served different content; retry, and report it if it persists';

/**
 * Throws `IMAGE_DIGEST_MISMATCH` unless `bytes` hash to `expected`, and `IMAGE_MANIFEST_INVALID` when
 * `expected` is not a digest we can compute. `what` names the document and where it came from (e.g.
 * `manifest 1.0 of ghcr.io/org/app`); `mismatchHint` replaces the registry-worded hint of a mismatch
 * (local layouts and archives).
 */
export function assertDigest(
  bytes: Uint8Array,
  expected: string,
  what: string,
  mismatchHint = REGISTRY_MISMATCH_HINT,
): void {
  const parsed = parseDigest(expected);
  if (parsed === undefined) {
    throw new AppError('IMAGE_MANIFEST_INVALID', `${what}: unsupported or malformed digest "${expected}"`, {
      hint: UNSUPPORTED_DIGEST_HINT,
    });
  }
  const actual = computeDigest(bytes, parsed.algorithm);
  if (actual !== expected) {
    throw new AppError(
      'IMAGE_DIGEST_MISMATCH',
      `${what}: content digest is ${actual}, expected ${expected}`,
      { hint: mismatchHint },
    );
  }
}
