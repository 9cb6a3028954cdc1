/**
 * The only error catalogue of Corral (fastify `lib/errors.js`, sigstore `error.ts`).
 *
 * Tier (b) failures — ones that make a whole run wrong — throw an {@link AppError} with a stable
 * SCREAMING_SNAKE `code` prefixed by its area. Tests assert the code, never the message text.
 * The CLI prints `error [CODE]: message` plus the hint, and exits with the code's exit status.
 */

export const ERROR_CODES = {
  // generic / CLI
  CLI_USAGE: { exit: 2, http: 400 },
  CONFIG_INVALID: { exit: 2, http: 400 },
  INTERNAL: { exit: 70, http: 500 },

  // image/: references and sources
  IMAGE_REF_INVALID: { exit: 2, http: 400 },
  IMAGE_NOT_FOUND: { exit: 3, http: 404 },
  IMAGE_SOURCE_UNAVAILABLE: { exit: 3, http: 502 },
  IMAGE_PLATFORM_NOT_FOUND: { exit: 3, http: 404 },
  IMAGE_AMBIGUOUS: { exit: 2, http: 400 },
  // image/: content
  IMAGE_ARCHIVE_CORRUPT: { exit: 4, http: 422 },
  IMAGE_LAYER_CORRUPT: { exit: 4, http: 422 },
  IMAGE_LAYER_DIGEST_MISMATCH: { exit: 4, http: 422 },
  /** A manifest, index or config whose bytes do not hash to the digest that named them. */
  IMAGE_DIGEST_MISMATCH: { exit: 4, http: 422 },
  IMAGE_MANIFEST_INVALID: { exit: 4, http: 422 },
  IMAGE_CONFIG_INVALID: { exit: 4, http: 422 },
  IMAGE_MEDIA_TYPE_UNSUPPORTED: { exit: 4, http: 422 },
  IMAGE_SCHEMA1_UNSUPPORTED: { exit: 4, http: 422 },
  IMAGE_LIMIT_EXCEEDED: { exit: 4, http: 413 },
  IMAGE_PATH_NOT_FOUND: { exit: 3, http: 404 },
  IMAGE_SYMLINK_LOOP: { exit: 4, http: 422 },
  IMAGE_NOT_A_FILE: { exit: 4, http: 422 },
  // image/: registry
  REGISTRY_AUTH_FAILED: { exit: 5, http: 401 },
  REGISTRY_DENIED: { exit: 5, http: 403 },
  REGISTRY_UNAVAILABLE: { exit: 5, http: 502 },
  REGISTRY_PROTOCOL: { exit: 5, http: 502 },
  REGISTRY_TLS: { exit: 5, http: 502 },
  // image/: docker daemon
  DOCKER_UNAVAILABLE: { exit: 5, http: 502 },
  DOCKER_API: { exit: 5, http: 502 },

  // vulndb/: the local vulnerability database
  VULNDB_NOT_FOUND: { exit: 3, http: 503 },
  VULNDB_SCHEMA_TOO_NEW: { exit: 6, http: 503 },
  VULNDB_CORRUPT: { exit: 6, http: 503 },
  VULNDB_LOCKED: { exit: 6, http: 409 },
  VULNDB_ARTIFACT_INVALID: { exit: 4, http: 422 },
  VULNDB_CHECKSUM_MISMATCH: { exit: 4, http: 422 },
  VULNDB_DELTA_BASE_MISMATCH: { exit: 6, http: 409 },
  // vulndb/feeds/: downloading and importing feeds
  FEED_SOURCE_UNKNOWN: { exit: 2, http: 400 },
  FEED_PATH_NOT_FOUND: { exit: 3, http: 404 },
  FEED_DOWNLOAD_FAILED: { exit: 5, http: 502 },
  FEED_HTTP_STATUS: { exit: 5, http: 502 },
  FEED_SIZE_OUT_OF_BOUNDS: { exit: 4, http: 422 },
  FEED_TRUNCATED: { exit: 5, http: 502 },
  FEED_FORMAT_INVALID: { exit: 4, http: 422 },

  // sbom/: SBOM formats (writing and reading)
  /** A format id no encoder/decoder is registered for (`-o xml`). */
  SBOM_FORMAT_UNKNOWN: { exit: 2, http: 400 },
  /** Bytes that are no SBOM format Corral reads. */
  SBOM_UNRECOGNISED: { exit: 4, http: 422 },
  /** A recognised format whose document is structurally invalid. */
  SBOM_INVALID: { exit: 4, http: 422 },
  /** A known format in a version Corral does not read (SPDX 3, CycloneDX 1.0/1.1, a newer Corral JSON). */
  SBOM_VERSION_UNSUPPORTED: { exit: 4, http: 422 },
  /** The output file could not be written. */
  SBOM_WRITE_FAILED: { exit: 2, http: 500 },

  // report/: scan reports
  /** A report file could not be written (`-o sarif=out/scan.sarif`). */
  REPORT_WRITE_FAILED: { exit: 2, http: 500 },
  // match/ + cli scan: scanning
  /** `corral scan sbom:FILE` names a file that does not exist or cannot be read. */
  SCAN_INPUT_NOT_FOUND: { exit: 3, http: 404 },
  /** The vulndb is older than `--max-db-age` (or its age is unknown). */
  SCAN_DB_TOO_OLD: { exit: 6, http: 503 },
  // policy/: policy files, evaluation, policy tests
  /** A policy file that is not valid (YAML, schema, CEL, key files); the message lists file:line:col of each problem. */
  POLICY_INVALID: { exit: 2, http: 400 },
  /** The policy file (or a policy test directory) cannot be read. */
  POLICY_NOT_FOUND: { exit: 3, http: 404 },
  /** `--env` names an environment the policy does not define. */
  POLICY_ENV_UNKNOWN: { exit: 2, http: 400 },
  /** A `corral policy test` case file that is not valid. */
  POLICY_TEST_INVALID: { exit: 2, http: 400 },

  // inventory/: the store of images, findings and deployments
  /** The inventory database cannot be opened or migrated (path, permissions, PostgreSQL unreachable). */
  INVENTORY_DB_UNAVAILABLE: { exit: 5, http: 503 },
  /** A push, snapshot or query the store cannot accept (the message names the field). */
  INVENTORY_INPUT_INVALID: { exit: 2, http: 400 },
  /** A pagination cursor that this store did not issue. */
  INVENTORY_CURSOR_INVALID: { exit: 2, http: 400 },

  // server/: the inventory HTTP API (and its client, used by the CLI and agents)
  /** No `Authorization: Bearer …` header, or a token that is unknown or revoked. */
  API_UNAUTHENTICATED: { exit: 5, http: 401 },
  /** The token's role may not call this endpoint. */
  API_FORBIDDEN: { exit: 5, http: 403 },
  /** A request body, path or query parameter failed validation (the message names the field). */
  API_BAD_REQUEST: { exit: 2, http: 400 },
  /** Unknown route or resource. */
  API_NOT_FOUND: { exit: 3, http: 404 },
  /** Request body above the server's `--body-limit`. */
  API_PAYLOAD_TOO_LARGE: { exit: 4, http: 413 },
  /** The inventory server could not be reached, or answered with something that is not its API. */
  SERVER_UNREACHABLE: { exit: 5, http: 502 },
  /** The inventory server answered with an error status not covered above. */
  SERVER_ERROR: { exit: 5, http: 502 },
  /** `corral push` was given a file that is neither a Corral scan result nor an SBOM. */
  PUSH_INPUT_INVALID: { exit: 4, http: 422 },
  // attest/: keys, signatures, attestations
  /** A key file that is not a PEM key Corral reads (unknown label, broken body, not ECDSA P-256). */
  ATTEST_KEY_INVALID: { exit: 2, http: 400 },
  /** The password in CORRAL_PASSWORD does not decrypt the private key (or none was given). */
  ATTEST_KEY_PASSWORD: { exit: 2, http: 400 },
  /** `corral keygen` would overwrite an existing key file (use --force). */
  ATTEST_KEY_EXISTS: { exit: 2, http: 409 },
  /** A predicate file that cannot be read or is not JSON, or an unknown --type. */
  ATTEST_PREDICATE_INVALID: { exit: 2, http: 400 },
  /** `--provenance` outside a recognised CI system (GitHub Actions, GitLab CI, Jenkins). */
  ATTEST_PROVENANCE_NO_CI: { exit: 2, http: 400 },
  /** `corral verify` found no valid signature (or no valid attestation of the wanted type). */
  ATTEST_VERIFY_FAILED: { exit: 1, http: 422 },
} as const satisfies Record<string, { exit: number; http: number }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface AppErrorOptions {
  /** What the user can do next, printed on its own line after the message. */
  hint?: string;
  cause?: unknown;
}

export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = 'AppError';
  readonly code: C;
  readonly hint: string | undefined;

  constructor(code: C, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }
}

export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}

/** A short description of any thrown value, for messages that wrap a lower-level failure. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code !== undefined && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}
