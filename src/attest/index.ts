/**
 * Public API of `attest/`: cosign-compatible signatures and in-toto attestations in OCI registries.
 * The policy engine calls {@link checkTrust}; the CLI commands call the rest.
 */
export type { RegistryOptions as AttestRegistryOptions } from '../image/types.js';
export { keyFingerprint, generateKeyPair, decryptPrivateKey, loadPublicKey } from './keys.js';
export { checkTrust, type TrustEvidence, type CheckTrustOptions } from './verify.js';
export { signImage, attestImage, type SignResult } from './sign.js';
export {
  provenanceFromEnv,
  summariseProvenance,
  summariseEnv,
  type ProvenanceSummary,
} from './provenance.js';
