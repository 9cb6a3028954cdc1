/**
 * Runs the catalogers over an image: one streaming pass captures every declared file, then each cataloger
 * parses its files; packages get the layer that introduced them, OS-owned language packages are folded into
 * their OS package, and the result becomes an {@link Sbom}.
 */
import { CORRAL_NAME, CORRAL_VERSION } from '../version.js';
import { createHash } from 'node:crypto';
import type { FileRef, FileView } from '../image/file-view.js';
import { formatPlatform } from '../image/manifest.js';
import { squashImage } from '../image/squash.js';
import type { Limits } from '../image/limits.js';
import type { Image, Layer } from '../image/types.js';
import { IMAGE_NODE_ID, SBOM_MODEL_VERSION, type Sbom } from '../sbom/model.js';
import type { CatalogContext, Cataloger } from './cataloger.js';
import type { Package, PackageDraft, Relationship, Unknown } from './model.js';
import { detectDistro, OS_RELEASE_PATHS } from './os/detect.js';
import { CATALOGERS } from './registry.js';

export const TOOL = { name: CORRAL_NAME, version: CORRAL_VERSION };

export interface CatalogOptions {
  limits: Limits;
  catalogers?: readonly Cataloger[];
  signal?: AbortSignal;
  tmpDir?: string;
  onLayerBytes?: (layer: Layer, bytes: number) => void;
  /** Fixed timestamp for reproducible output (tests, goldens). */
  now?: Date;
}

interface Found {
  draft: PackageDraft;
  cataloger: Cataloger;
}

/** Catalogues `image` and returns its SBOM. */
export async function catalogImage(image: Image, opts: CatalogOptions): Promise<Sbom> {
  const catalogers = opts.catalogers ?? CATALOGERS;
  const osPaths = new Set(OS_RELEASE_PATHS);
  const wants = (p: string): boolean => osPaths.has(p) || catalogers.some((c) => c.wants(p));
  const { view } = await squashImage(image, {
    limits: opts.limits,
    wants,
    ...(opts.signal && { signal: opts.signal }),
    ...(opts.tmpDir !== undefined && { tmpDir: opts.tmpDir }),
    ...(opts.onLayerBytes && { onLayerBytes: opts.onLayerBytes }),
  });
  try {
    const distro = await detectDistro(view);
    const ctx: CatalogContext = { view, limits: opts.limits, ...(distro && { distro }) };
    const unknowns: Unknown[] = view.warnings.map((w) => ({
      path: w.path,
      layerIndex: w.layerIndex,
      code: w.code,
      message: w.message,
    }));
    const found: Found[] = [];
    const relationships: Relationship[] = [];
    const filesByCataloger = wantedFiles(view, catalogers);
    for (const [i, cataloger] of catalogers.entries()) {
      for (const file of filesByCataloger[i]!) {
        const r = await runOne(cataloger, file, ctx, unknowns);
        if (!r) continue;
        await attributeLayers(cataloger, file, r.packages, ctx);
        for (const draft of r.packages) found.push({ draft, cataloger });
        relationships.push(...r.relationships);
      }
    }
    const packages = finalise(foldOwned(found));
    const idByPurl = new Map<string, string>();
    for (const p of [...packages].reverse()) idByPurl.set(p.purl, p.id);
    for (const r of relationships) {
      r.from = idByPurl.get(r.from) ?? r.from;
      r.to = idByPurl.get(r.to) ?? r.to;
    }
    for (const p of packages) relationships.push({ from: IMAGE_NODE_ID, to: p.id, type: 'contains' });
    return {
      schemaVersion: SBOM_MODEL_VERSION,
      image: {
        ref: image.ref,
        ...(image.digest !== undefined && { digest: image.digest }),
        ...(image.configDigest !== undefined && { configDigest: image.configDigest }),
        repoTags: image.repoTags,
        repoDigests: image.repoDigests,
        platform: formatPlatform(image.platform),
        layers: image.layers.map((l) => ({
          index: l.index,
          digest: l.digest,
          diffId: l.diffId,
          ...(l.size >= 0 && { size: l.size }),
          ...(l.createdBy !== undefined && { createdBy: l.createdBy }),
        })),
        ...(image.config.config.Labels &&
          Object.keys(image.config.config.Labels).length > 0 && { labels: image.config.config.Labels }),
      },
      ...(distro && { distro }),
      packages,
      relationships: dedupeRelationships(relationships, new Set(packages.map((p) => p.id))),
      unknowns,
      createdAt: (opts.now ?? new Date()).toISOString(),
      tool: TOOL,
    };
  } finally {
    await view.close();
  }
}

/**
 * The regular files each cataloger wants, per cataloger in tree order. One walk of the squashed tree for
 * all catalogers (a walk sorts every directory, so one per cataloger cost more than the catalogers).
 */
function wantedFiles(view: FileView, catalogers: readonly Cataloger[]): FileRef[][] {
  const out = catalogers.map((): FileRef[] => []);
  for (const [path, node] of view.entries()) {
    if (node.type !== 'file') continue;
    let ref: FileRef | undefined;
    for (const [i, c] of catalogers.entries()) {
      if (c.wants(path)) out[i]!.push((ref ??= view.lstat(path)!));
    }
  }
  return out;
}

async function runOne(cataloger: Cataloger, file: FileRef, ctx: CatalogContext, unknowns: Unknown[]) {
  try {
    const r = await cataloger.catalog(file, ctx);
    for (const u of r.unknowns)
      unknowns.push({ ...u, layerIndex: u.layerIndex ?? file.layerIndex, cataloger: cataloger.id });
    for (const p of r.packages) {
      for (const l of p.locations) if (l.layerIndex < 0) l.layerIndex = file.layerIndex;
      if (p.locations.length === 0) p.locations.push({ path: file.path, layerIndex: file.layerIndex });
    }
    return r;
  } catch (err) {
    // A cataloger bug or an image-level failure reading this file must not lose the rest of the catalog.
    unknowns.push({
      path: file.path,
      layerIndex: file.layerIndex,
      code: 'CATALOG_FAILED',
      message: `${cataloger.id}: ${(err as Error).message}`,
      cataloger: cataloger.id,
    });
    return undefined;
  }
}

const keyOf = (p: PackageDraft): string => `${p.type}\0${p.name}\0${p.version}\0${p.arch ?? ''}`;

/**
 * A package found in a file that several layers wrote (dpkg status, rpmdb, lock files) was introduced by
 * the earliest layer from which every later version of the file still lists it.
 */
async function attributeLayers(
  cataloger: Cataloger,
  file: FileRef,
  packages: PackageDraft[],
  ctx: CatalogContext,
): Promise<void> {
  const versions = ctx.view.versions(file.path).filter((v) => v.layerIndex < file.layerIndex);
  if (versions.length === 0 || packages.length === 0) return;
  const intro = new Map(packages.map((p) => [keyOf(p), file.layerIndex]));
  const alive = new Set(intro.keys());
  for (const v of versions.reverse()) {
    let keys: Set<string>;
    try {
      keys = new Set((await cataloger.catalog(v, ctx)).packages.map(keyOf));
    } catch {
      break; // an older version we cannot read: attribution stops at the last readable one
    }
    for (const k of [...alive]) {
      if (keys.has(k)) intro.set(k, v.layerIndex);
      else alive.delete(k);
    }
    if (alive.size === 0) break;
  }
  for (const p of packages) {
    const layer = intro.get(keyOf(p));
    if (layer !== undefined) for (const l of p.locations) if (l.path === file.path) l.layerIndex = layer;
  }
}

/**
 * A language or binary package whose file an OS package installed is the OS package (distros backport
 * fixes without changing upstream versions): drop it and record its upstream identity on the OS package.
 */
function foldOwned(found: Found[]): Found[] {
  const owner = new Map<string, Found>();
  for (const f of found) {
    if (!f.cataloger.tags.includes('os')) continue;
    for (const path of f.draft.ownedFiles ?? []) owner.set(path, f);
  }
  if (owner.size === 0) return found;
  return found.filter((f) => {
    if (f.cataloger.tags.includes('os')) return true;
    const os = f.draft.locations.map((l) => owner.get(l.path)).find((x) => x !== undefined);
    if (!os) return true;
    const props = (os.draft.properties ??= {});
    const prev = props['corral:upstream:purl'];
    props['corral:upstream:purl'] = prev ? `${prev} ${f.draft.purl}` : f.draft.purl;
    return false;
  });
}

function finalise(found: Found[]): Package[] {
  const seen = new Set<string>();
  const out: Package[] = [];
  for (const { draft } of found) {
    const { ownedFiles: _owned, ...pkg } = draft;
    const loc = pkg.locations[0]?.path ?? '';
    let id = `p-${createHash('sha256').update(`${pkg.purl}\0${loc}`).digest('hex').slice(0, 16)}`;
    for (let n = 2; seen.has(id); n++) id = `${id.split('#')[0]}#${n}`;
    seen.add(id);
    out.push({ id, ...pkg });
  }
  return out.sort((a, b) =>
    a.type + a.name + a.version + a.id < b.type + b.name + b.version + b.id ? -1 : 1,
  );
}

function dedupeRelationships(rels: Relationship[], ids: Set<string>): Relationship[] {
  const seen = new Set<string>();
  return rels.filter((r) => {
    const k = `${r.from}\0${r.type}\0${r.to}`;
    if (seen.has(k) || (r.from !== IMAGE_NODE_ID && !ids.has(r.from)) || !ids.has(r.to)) return false;
    seen.add(k);
    return true;
  });
}
