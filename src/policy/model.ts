/**
 * The policy data model (shared/ARCHITECTURE.md "Data model"): the input document every rule reads, and
 * the {@link PolicyResult} evaluation produces. Rules never read images, databases or the network: the
 * CLI gathers an image's facts once into a {@link PolicyInput}; `corral policy test` reads one from a
 * fixture. The fields are documented in src/policy/README.md ("Input document").
 */

export type RuleAction = 'deny' | 'warn';

/** What a rule needs gathered beyond the image itself; the gatherer does only what some rule asks. */
export type RuleNeed = 'packages' | 'findings' | 'secrets' | 'trust' | 'baseImages';

export interface InputLayer {
  index: number;
  digest: string;
  /** sha256 of the uncompressed layer tar (`rootfs.diff_ids[index]`). */
  diffId: string;
  createdBy?: string;
}

export interface InputImage {
  /** The reference given, normalised (`registry:ghcr.io/acme/app:1.2`). */
  ref: string;
  /** Registry repository the image came from (`ghcr.io/acme/app`), when it has one. */
  repository?: string;
  digest?: string;
  repoTags: string[];
  labels: Record<string, string>;
  /** Config `created` (RFC 3339), when set. */
  created?: string;
  /** Config `User` ('' when unset, which means root). */
  user: string;
  layers: InputLayer[];
}

export interface InputPackage {
  name: string;
  version: string;
  /** purl type: deb, apk, rpm, npm, pypi… */
  type: string;
  purl: string;
  licenses: string[];
  /** Layer of the first location the package was found at. */
  layerIndex?: number;
}

export interface InputFinding {
  /** Vulnerability id (the CVE when there is one). */
  id: string;
  aliases: string[];
  package: { name: string; version: string; type: string; purl: string };
  severity: 'critical' | 'high' | 'medium' | 'low' | 'negligible' | 'unknown';
  fixState: string;
  fixedIn?: string;
  kev: boolean;
  /** EPSS probability 0..1, when known. */
  epss?: number;
  cvss?: number;
  /** When the vulnerability was published (RFC 3339), when known. */
  published?: string;
  layerIndex?: number;
}

export interface InputSignature {
  /** `sha256:<hex>` of the signer key's SPKI DER (src/attest/keys.ts keyFingerprint). */
  keyFingerprint: string;
  dockerReference: string;
}

/** One verified provenance attestation, with the fields rules need pulled out of the statement. */
export interface InputProvenance {
  keyFingerprint: string;
  predicateType: string;
  /** SLSA v1 `predicate.runDetails.builder.id`. */
  builderId?: string;
  /** Source repositories named by the build (externalParameters + resolvedDependencies URIs). */
  sourceRepositories: string[];
  statement: unknown;
}

export interface InputSecret {
  ruleId: string;
  path: string;
  layerIndex: number;
  line?: number;
  /** Never the secret: at most a few leading characters followed by `*`. */
  redacted: string;
}

/** The input document: everything a rule (built-in or CEL) may look at. */
export interface PolicyInput {
  image: InputImage;
  /** The whole image config (OCI image-spec config.md). */
  config: Record<string, unknown>;
  packages: InputPackage[];
  findings: InputFinding[];
  signatures: InputSignature[];
  provenance: InputProvenance[];
  secrets: InputSecret[];
  /** Why signatures/attestations could not be verified (missing, bad signature…). */
  trustFailures: string[];
  /** diff_ids of the approved base images a `base-image` rule names by reference, keyed by that reference. */
  baseImages: Record<string, string[]>;
  /** The environment being evaluated. */
  env: string;
}

export interface RuleResult {
  id: string;
  kind: string;
  action: RuleAction;
  description?: string;
  pass: boolean;
  /** One sentence explaining the decision. */
  message: string;
  /** What the decision rests on (offending findings, layers compared, labels present…). */
  evidence: unknown[];
}

export interface PolicyResult {
  env: string;
  /** False when any `deny` rule failed; failed `warn` rules never fail the policy. */
  pass: boolean;
  /** The image evaluated (`image.ref`). */
  image: string;
  rules: RuleResult[];
}
