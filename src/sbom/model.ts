/**
 * The SBOM as Corral stores and exchanges it (shared/ARCHITECTURE.md: "Sbom { image, distro, packages[],
 * relationships[] } — what the inventory stores; re-matching needs nothing else"). CycloneDX and SPDX
 * encoders/decoders convert to and from this shape without losing what matching needs.
 */
import type { Distro, Package, Relationship, Unknown } from '../catalog/model.js';

/** Bumped when the shape changes; part of cache keys. */
export const SBOM_MODEL_VERSION = 1;

export interface SbomLayer {
  index: number;
  digest: string;
  diffId: string;
  size?: number;
  createdBy?: string;
}

export interface SbomImage {
  /** The reference scanned (`registry:…`, `docker-archive:…`). */
  ref: string;
  /** Manifest digest (or image ID when the source has no manifest); absent for a rootfs directory. */
  digest?: string;
  configDigest?: string;
  repoTags: string[];
  repoDigests: string[];
  /** `os/arch[/variant]`. */
  platform: string;
  layers: SbomLayer[];
  labels?: Record<string, string>;
}

export interface Sbom {
  schemaVersion: typeof SBOM_MODEL_VERSION;
  image: SbomImage;
  distro?: Distro;
  packages: Package[];
  relationships: Relationship[];
  unknowns: Unknown[];
  /** ISO timestamp of cataloguing. */
  createdAt: string;
  tool: { name: string; version: string };
}

/** The id used for the image root in relationships. */
export const IMAGE_NODE_ID = 'image';
