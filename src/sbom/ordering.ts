/**
 * Deterministic order and lookups shared by the encoders, so that every format lists packages and
 * relationships the same way (goldens diff cleanly; CONVENTIONS.md §2.8 habit 3).
 */
import type { Package, Relationship } from '../catalog/model.js';
import { IMAGE_NODE_ID, type Sbom, type SbomImage } from './model.js';

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Packages by type, name, version, then id. */
export function sortedPackages(sbom: Pick<Sbom, 'packages'>): Package[] {
  return [...sbom.packages].sort(
    (a, b) => cmp(a.type, b.type) || cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.id, b.id),
  );
}

/** Relationships grouped by their `from` node, each group sorted by type then target. */
export function relationshipsByFrom(rels: readonly Relationship[]): Map<string, Relationship[]> {
  const out = new Map<string, Relationship[]>();
  for (const r of rels) {
    const list = out.get(r.from) ?? [];
    list.push(r);
    out.set(r.from, list);
  }
  for (const list of out.values()) list.sort((a, b) => cmp(a.type, b.type) || cmp(a.to, b.to));
  return out;
}

/**
 * The image's display name: its first repo tag or repo digest without the tag/digest, else the reference.
 *
 * @example
 * imageName({ repoTags: ['corral-demo/app:1.0'], … }) // 'corral-demo/app'
 */
export function imageName(image: Pick<SbomImage, 'repoTags' | 'repoDigests' | 'ref'>): string {
  const tag = image.repoTags[0];
  if (tag !== undefined) {
    const colon = tag.lastIndexOf(':');
    return colon > tag.lastIndexOf('/') ? tag.slice(0, colon) : tag;
  }
  const digest = image.repoDigests[0];
  if (digest !== undefined) return digest.split('@')[0]!;
  return image.ref;
}

/** `sha256:abc…` → `{ algorithm: 'sha256', hex: 'abc…' }`; undefined for anything else. */
export function splitDigest(digest: string | undefined): { algorithm: string; hex: string } | undefined {
  const m = digest === undefined ? null : /^(sha256|sha384|sha512):([0-9a-f]+)$/.exec(digest);
  return m ? { algorithm: m[1]!, hex: m[2]! } : undefined;
}

/** Relationships whose both ends exist in the SBOM (the image node or a package id). */
export function resolvableRelationships(sbom: Pick<Sbom, 'packages' | 'relationships'>): Relationship[] {
  const ids = new Set(sbom.packages.map((p) => p.id));
  return sbom.relationships.filter((r) => (r.from === IMAGE_NODE_ID || ids.has(r.from)) && ids.has(r.to));
}
