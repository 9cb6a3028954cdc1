/**
 * The SBOM format plugin interface (CONVENTIONS.md §2.2): one object per format folder under `sbom/`,
 * listed in formats.ts. Encoders stream to a `Writable`; decoders turn a parsed JSON document back into
 * the {@link Sbom} model without losing anything matching needs.
 */
import type { Writable } from 'node:stream';
import type { Sbom } from './model.js';

export type SbomFormatId = 'cyclonedx-json' | 'spdx-json' | 'json' | 'table';

export interface EncodeOptions {
  /** `table` only: group packages under the layer that introduced them, with its `created_by` line. */
  groupByLayer?: boolean;
  /** `table` only: ANSI colours for headings. */
  color?: boolean;
}

export interface SbomDecoder {
  /**
   * Cheap structural check of a parsed JSON document: true when it is this format in any version
   * (decode then reports an unsupported version with its own error code).
   */
  detect(doc: unknown): boolean;
  /**
   * Reads the document. Throws `SBOM_INVALID` when its structure is wrong and
   * `SBOM_VERSION_UNSUPPORTED` for versions not read; defects in single elements (a component without
   * a name, an unparseable purl) are dropped and reported in `sbom.unknowns` instead.
   */
  decode(doc: unknown): Sbom;
}

export interface SbomFormat {
  /** Stable: the `-o` value of `corral sbom`. */
  readonly id: SbomFormatId;
  readonly description: string;
  readonly mediaType: string;
  /**
   * Writes `sbom` to `out` (does not end it). Output is deterministic for a given SBOM except for
   * document identifiers (CycloneDX serialNumber, SPDX documentNamespace), which are fresh UUIDs.
   */
  encode(sbom: Sbom, out: Writable, opts?: EncodeOptions): Promise<void>;
  /** Absent for output-only formats (`table`). */
  readonly decoder?: SbomDecoder;
}
