/**
 * Go build info → packages: the main module, every dependency module, and `stdlib` at the toolchain
 * version (so that Go standard-library advisories, OSV module `stdlib`, can be matched).
 */
import { PackageURL } from 'packageurl-js';
import type { PackageDraft } from '../model.js';
import type { GoModule, ModInfo } from './parse-modinfo.js';

export const GO_CATALOGER_ID = 'go-module-binary';

/** `go1.21.3`, `go1.22rc1`, `go1.21.0 X:loopvar` (experiments follow a space). */
const GO_VERSION = /^go(\d+\.\d+(?:\.\d+)?)((?:rc|beta)\d+)?(?:\s|$)/;

/** Build settings copied to the main module as `corral:go:build:<key>` (Go's own documented keys). */
const KEPT_SETTINGS: ReadonlySet<string> = new Set([
  '-buildmode',
  '-compiler',
  '-tags',
  '-trimpath',
  'CGO_ENABLED',
  'GOARCH',
  'GOOS',
  'GOAMD64',
  'GOARM',
  'GOEXPERIMENT',
  'vcs',
  'vcs.revision',
  'vcs.time',
  'vcs.modified',
]);

export interface GoToolchain {
  /** `1.21.3`: the OSV / purl version of `stdlib`. */
  version: string;
  /** `rc1`, `beta2`, or undefined for a release. */
  prerelease?: string;
}

/** Parses `runtime.buildVersion`; undefined for development toolchains (`devel go1.23-abc…`). */
export function parseGoVersion(goVersion: string): GoToolchain | undefined {
  const m = GO_VERSION.exec(goVersion);
  if (!m) return undefined;
  return { version: `${m[1]}${m[2] ?? ''}`, ...(m[2] && { prerelease: m[2] }) };
}

function goPurl(path: string, version: string): string {
  const slash = path.lastIndexOf('/');
  const ns = slash < 0 ? undefined : path.slice(0, slash);
  return new PackageURL(
    'golang',
    ns,
    path.slice(slash + 1),
    version || undefined,
    undefined,
    undefined,
  ).toString();
}

/**
 * A replacement by a directory rather than a module (`golang.org/x/mod/modfile.IsDirectoryPath`):
 * `./x`, `../x`, `/abs`, and the Windows spellings. Its version is empty, or `(devel)` since Go 1.18.
 */
export function isDirectoryPath(path: string): boolean {
  return /^(?:\.\.?(?:[/\\]|$)|\/|[A-Za-z]:[/\\]|\\\\)/.test(path);
}

/**
 * The module whose code was compiled: a `=>` replacement by another module wins (its code is what
 * shipped); a replacement by a local directory has no real version, so the original identity stays.
 */
function effectiveModule(m: GoModule): { mod: GoModule; properties: Record<string, string> } {
  const r = m.replace;
  if (!r) return { mod: m, properties: {} };
  if (isDirectoryPath(r.path)) return { mod: m, properties: { 'corral:go:replace': r.path } };
  return { mod: r, properties: { 'corral:go:replaces': `${m.path}@${m.version}` } };
}

interface Common {
  location: string;
  goVersion: string;
  arch: string | undefined;
}

function draft(
  c: Common,
  name: string,
  version: string,
  purl: string,
  extra: Partial<PackageDraft>,
): PackageDraft {
  return {
    name,
    version,
    type: 'golang',
    purl,
    ...(c.arch && { arch: c.arch }),
    licenses: [],
    locations: [{ path: c.location, layerIndex: -1 }],
    cpes: [],
    foundBy: GO_CATALOGER_ID,
    ...extra,
    properties: { 'corral:go:toolchain': c.goVersion, ...extra.properties },
  };
}

function moduleDraft(c: Common, m: GoModule, extraProps: Record<string, string> = {}): PackageDraft {
  const { mod, properties } = effectiveModule(m);
  return draft(c, mod.path, mod.version, goPurl(mod.path, mod.version), {
    properties: { ...properties, ...(mod.sum && { 'corral:go:sum': mod.sum }), ...extraProps },
  });
}

function stdlibDraft(c: Common, tc: GoToolchain): PackageDraft {
  const [base, update] = tc.prerelease
    ? [tc.version.slice(0, -tc.prerelease.length), tc.prerelease]
    : [tc.version, '-'];
  // NVD names the Go toolchain cpe:2.3:a:golang:go (CPE 2.3 formatted string, NISTIR 7695 §6.2).
  const cpe = `cpe:2.3:a:golang:go:${base}:${update}:*:*:*:*:*:*`;
  return draft(c, 'stdlib', tc.version, goPurl('stdlib', tc.version), { cpes: [cpe] });
}

/**
 * Packages for one binary: main module (with its build settings), dependencies, stdlib.
 * @example
 * goPackages('go1.19.8', info, '/usr/local/bin/app').map((p) => p.purl)
 * // ['pkg:golang/example.com/app@(devel)', 'pkg:golang/golang.org/x/text@v0.14.0', 'pkg:golang/stdlib@1.19.8']
 */
export function goPackages(goVersion: string, info: ModInfo, location: string): PackageDraft[] {
  const settings = new Map(info.settings.map((s) => [s.key, s.value]));
  const c: Common = { location, goVersion, arch: settings.get('GOARCH') };
  const out: PackageDraft[] = [];
  if (info.main) {
    const build: Record<string, string> = { 'corral:go:main': 'true' };
    if (info.path) build['corral:go:path'] = info.path;
    for (const [k, v] of settings) if (KEPT_SETTINGS.has(k)) build[`corral:go:build:${k}`] = v;
    out.push(moduleDraft(c, info.main, build));
  }
  for (const dep of info.deps) out.push(moduleDraft(c, dep));
  const tc = parseGoVersion(goVersion);
  if (tc) out.push(stdlibDraft(c, tc));
  return out;
}
