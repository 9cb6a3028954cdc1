/**
 * What other tools write in their own property namespaces, for reading their SBOMs: syft
 * (`syft:location:N:path|layerID`, `syft:package:foundBy`) and trivy (`aquasecurity:trivy:*`). Best effort:
 * anything absent simply stays unknown.
 *
 * refs: syft `syft/format/internal/cyclonedxutil/helpers/property_encoder.go`, trivy
 * `pkg/sbom/core/bom.go` (property names).
 */
import type { Location } from '../catalog/model.js';
import type { SbomImage, SbomLayer } from './model.js';
import type { Property } from './properties.js';

const TRIVY = 'aquasecurity:trivy:';
const SYFT_LOCATION = /^syft:location:(\d+):(path|layerID)$/;

const get = (props: readonly Property[], name: string): string | undefined =>
  props.find((p) => p.name === name)?.value;
const getAll = (props: readonly Property[], name: string): string[] =>
  props.filter((p) => p.name === name).map((p) => p.value);

/** The layer list trivy records on the image (`DiffID`, repeated in layer order). */
export function foreignLayers(imageProps: readonly Property[]): SbomLayer[] {
  return getAll(imageProps, `${TRIVY}DiffID`).map((diffId, index) => ({ index, digest: '', diffId }));
}

/** The image of another tool's SBOM from its root component's name, version and properties. */
export function foreignImage(
  name: string | undefined,
  version: string | undefined,
  props: readonly Property[],
): SbomImage {
  const digest = [version, get(props, `${TRIVY}ImageID`)].find(
    (d) => d !== undefined && /^sha256:[0-9a-f]{64}$/.test(d),
  );
  return {
    ref: get(props, `${TRIVY}Reference`) ?? name ?? '',
    ...(digest !== undefined && { digest }),
    repoTags: getAll(props, `${TRIVY}RepoTag`),
    repoDigests: getAll(props, `${TRIVY}RepoDigest`),
    platform: '',
    layers: foreignLayers(props),
  };
}

/** Locations from syft (`syft:location:N:*`) or trivy (`FilePath`, `LayerDiffID`), layers by diffId. */
export function foreignLocations(props: readonly Property[], layers: readonly SbomLayer[]): Location[] {
  const layerOf = (diffId: string | undefined): number =>
    diffId === undefined ? -1 : (layers.find((l) => l.diffId === diffId)?.index ?? -1);
  const syft = new Map<number, { path?: string; layerID?: string }>();
  for (const p of props) {
    const m = SYFT_LOCATION.exec(p.name);
    if (!m) continue;
    const rec = syft.get(Number(m[1])) ?? {};
    rec[m[2] as 'path' | 'layerID'] = p.value;
    syft.set(Number(m[1]), rec);
  }
  const out: Location[] = [...syft.entries()]
    .sort((a, b) => a[0] - b[0])
    .filter(([, r]) => r.path !== undefined)
    .map(([, r]) => ({ path: r.path!, layerIndex: layerOf(r.layerID) }));
  const trivyLayer = get(props, `${TRIVY}LayerDiffID`);
  const trivyPath = get(props, `${TRIVY}FilePath`);
  if (out.length === 0 && (trivyLayer !== undefined || trivyPath !== undefined)) {
    out.push({ path: trivyPath ?? '', layerIndex: layerOf(trivyLayer) });
  }
  return out;
}

/** trivy's source package (`SrcName`, `SrcEpoch`, `SrcVersion`, `SrcRelease`). */
export function foreignSource(props: readonly Property[]): { name: string; version?: string } | undefined {
  const name = get(props, `${TRIVY}SrcName`);
  if (name === undefined) return undefined;
  const [epoch, version, release] = ['SrcEpoch', 'SrcVersion', 'SrcRelease'].map((k) =>
    get(props, `${TRIVY}${k}`),
  );
  if (version === undefined) return { name };
  const full = `${epoch !== undefined && epoch !== '0' ? `${epoch}:` : ''}${version}${release !== undefined ? `-${release}` : ''}`;
  return { name, version: full };
}

/** The cataloger another tool named (`syft:package:foundBy`), if any. */
export function foreignFoundBy(props: readonly Property[]): string | undefined {
  return get(props, 'syft:package:foundBy');
}
