/**
 * Two tiny catalogers defined for tests of the catalog runner and the SBOM formats, so that those tests
 * need no real ecosystem cataloger (which are tested on their own):
 *
 * - `toy-os` (tags os, deb) reads `/var/lib/toy/status`, one package a line:
 *   `name version arch [source[@version]] [owned-file,owned-file…]` (`-` for an empty field);
 * - `toy-lang` (tags language, npm) reads any `toy-pkg.json`: `{ name, version, deps?: ["name@version"] }`,
 *   reporting `depends-on` relationships named by purl, as real catalogers do. Bad JSON is an Unknown.
 */
import type { Cataloger } from '../../src/catalog/cataloger.js';
import { emptyResult, type CatalogResult, type PackageDraft } from '../../src/catalog/model.js';

export const TOY_STATUS = '/var/lib/toy/status';

const osPurl = (name: string, version: string, arch: string): string =>
  `pkg:deb/toy/${name}@${version}?arch=${arch}`;
export const langPurl = (name: string, version: string): string => `pkg:npm/${name}@${version}`;

function osPackage(line: string, path: string): PackageDraft | undefined {
  const [name, version, arch, source, owned] = line.trim().split(/\s+/);
  if (!name || !version || !arch) return undefined;
  const [srcName, srcVersion] = (source ?? '-').split('@');
  return {
    name,
    version,
    type: 'deb',
    purl: osPurl(name, version, arch),
    arch,
    ...(srcName &&
      srcName !== '-' && { source: { name: srcName, ...(srcVersion && { version: srcVersion }) } }),
    licenses: [],
    locations: [{ path, layerIndex: -1 }],
    cpes: [],
    foundBy: 'toy-os',
    ...(owned && owned !== '-' && { ownedFiles: owned.split(',') }),
  };
}

export const toyOs = {
  id: 'toy-os',
  version: 1,
  tags: ['os', 'deb'],
  wants: (p: string) => p === TOY_STATUS,
  async catalog(file): Promise<CatalogResult> {
    const r = emptyResult();
    for (const line of (await file.read()).toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      const p = osPackage(line, file.path);
      if (p) r.packages.push(p);
      else r.unknowns.push({ path: file.path, code: 'TOY_LINE_INVALID', message: `bad line "${line}"` });
    }
    return r;
  },
} satisfies Cataloger;

export const toyLang = {
  id: 'toy-lang',
  version: 1,
  tags: ['language', 'npm'],
  wants: (p: string) => p.endsWith('/toy-pkg.json'),
  async catalog(file): Promise<CatalogResult> {
    const r = emptyResult();
    let doc: { name?: string; version?: string; deps?: string[] };
    try {
      doc = JSON.parse((await file.read()).toString('utf8')) as typeof doc;
    } catch (err) {
      r.unknowns.push({ path: file.path, code: 'TOY_JSON_INVALID', message: (err as Error).message });
      return r;
    }
    if (!doc.name || !doc.version) return r;
    const purl = langPurl(doc.name, doc.version);
    r.packages.push({
      name: doc.name,
      version: doc.version,
      type: 'npm',
      purl,
      licenses: ['MIT'],
      locations: [{ path: file.path, layerIndex: -1 }],
      cpes: [],
      foundBy: 'toy-lang',
    });
    for (const d of doc.deps ?? []) {
      const at = d.lastIndexOf('@');
      r.relationships.push({ from: purl, to: langPurl(d.slice(0, at), d.slice(at + 1)), type: 'depends-on' });
    }
    return r;
  },
} satisfies Cataloger;

export const TOY_CATALOGERS: readonly Cataloger[] = [toyOs, toyLang];
