/**
 * Java archive evidence → Maven packages. Per archive (outer or nested), in order of trust:
 *
 * 1. every `pom.properties` → one package each (a shaded/uber jar embeds one per bundled artifact);
 * 2. else the manifest main section (`Implementation-Version`/`Bundle-Version` for the version;
 *    the file name, `Bundle-SymbolicName` or `Implementation-Title` for the name);
 * 3. else the file name `<artifactId>-<version>.jar`.
 *
 * The Maven groupId comes from pom.properties; manifests rarely carry it (`Group-Id`,
 * `Implementation-Vendor-Id`), and without one the artifact name stands in, as syft does
 * (`pkg:maven/<name>/<name>@<version>`): purl-spec requires a namespace for `maven`.
 */
import { PackageURL } from 'packageurl-js';
import type { PackageDraft } from '../model.js';
import { parseArchiveFilename } from './archive-filename.js';
import type { Manifest } from './parse-manifest.js';
import type { ArchiveEvidence, PomProperties } from './read-archive.js';

export const JAVA_CATALOGER_ID = 'java-archive';

export type Evidence = 'pom.properties' | 'manifest' | 'filename';

export interface JavaIdentity {
  group: string;
  artifact: string;
  version: string;
  evidence: Evidence;
}

export interface IdentityProblem {
  code: 'CATALOG_JAVA_POM_PROPERTIES_INVALID' | 'CATALOG_JAVA_UNIDENTIFIED';
  /** Inner path of the entry or archive concerned ('' for the outer archive). */
  innerPath: string;
  message: string;
}

/** groupId/artifactId from pom.properties, else from its path `META-INF/maven/<g>/<a>/pom.properties`. */
function fromPom(pom: PomProperties): JavaIdentity | string {
  const parts = pom.entry.split('/');
  const group = pom.props.groupId || parts[2] || '';
  const artifact = pom.props.artifactId || parts[3] || '';
  const version = pom.props.version ?? '';
  if (!group || !artifact || !version) {
    const missing = [!group && 'groupId', !artifact && 'artifactId', !version && 'version'].filter(Boolean);
    return `${pom.entry} has no ${missing.join(', ')}`;
  }
  return { group, artifact, version, evidence: 'pom.properties' };
}

const directive = (v: string | undefined): string | undefined => v?.split(';')[0]?.trim() || undefined;

function fromManifestOrName(manifest: Manifest | undefined, fileName: string): JavaIdentity | undefined {
  const byName = parseArchiveFilename(fileName);
  const m = (k: string): string | undefined => manifest?.get(k) || undefined;
  const version = m('implementation-version') ?? m('bundle-version') ?? m('specification-version');
  if (version) {
    const artifact =
      (byName.version ? byName.name : undefined) ??
      directive(m('bundle-symbolicname')) ??
      m('implementation-title') ??
      byName.name;
    const group = m('group-id') ?? m('implementation-vendor-id') ?? artifact;
    return { group, artifact, version, evidence: 'manifest' };
  }
  if (!byName.version) return undefined;
  return {
    group: m('group-id') ?? m('implementation-vendor-id') ?? byName.name,
    artifact: byName.name,
    version: byName.version,
    evidence: 'filename',
  };
}

/**
 * Identities found in one archive.
 * @example
 * archiveIdentities({ innerPath: 'WEB-INF/lib/slf4j-api-2.0.9.jar', poms: [] }, 'slf4j-api-2.0.9.jar')
 * // { identities: [{ group: 'slf4j-api', artifact: 'slf4j-api', version: '2.0.9', evidence: 'filename' }], problems: [] }
 */
export function archiveIdentities(
  ev: ArchiveEvidence,
  fileName: string,
): { identities: JavaIdentity[]; problems: IdentityProblem[] } {
  const identities: JavaIdentity[] = [];
  const problems: IdentityProblem[] = [];
  for (const pom of ev.poms) {
    const id = fromPom(pom);
    if (typeof id === 'string')
      problems.push({ code: 'CATALOG_JAVA_POM_PROPERTIES_INVALID', innerPath: ev.innerPath, message: id });
    else identities.push(id);
  }
  if (identities.length > 0) return { identities, problems };
  const id = fromManifestOrName(ev.manifest, fileName);
  if (id) identities.push(id);
  else {
    const message = `no pom.properties, no version in the manifest and no version in the file name "${fileName}"`;
    problems.push({ code: 'CATALOG_JAVA_UNIDENTIFIED', innerPath: ev.innerPath, message });
  }
  return { identities, problems };
}

/** The package for one identity, located at the outer file; nested ones carry `corral:java:path`. */
export function javaPackage(id: JavaIdentity, location: string, innerPath: string): PackageDraft {
  return {
    name: id.artifact,
    version: id.version,
    type: 'maven',
    purl: new PackageURL('maven', id.group, id.artifact, id.version, undefined, undefined).toString(),
    licenses: [],
    locations: [{ path: location, layerIndex: -1 }],
    cpes: [],
    foundBy: JAVA_CATALOGER_ID,
    properties: {
      'corral:java:evidence': id.evidence,
      ...(innerPath !== '' && { 'corral:java:path': innerPath }),
    },
  };
}
